import { expect } from 'chai';
import { parseStageLog } from './stage-log.js';

describe('parseStageLog', () => {
  it('reads one outcome per line and skips blank lines', () => {
    expect(parseStageLog('kafka\t0\t41.2\n\napi\t1\t95\n')).to.deep.equal([
      { stage: 'kafka', exitCode: 0, seconds: 41.2 },
      { stage: 'api', exitCode: 1, seconds: 95 },
    ]);
  });

  it('rejects an unknown stage or a malformed line, naming the line', () => {
    expect(() => parseStageLog('kafka\t0\t1\ndemo\t0\t3\n')).to.throw(/line 2 .*demo/);
    expect(() => parseStageLog('kafka 0 1')).to.throw(/line 1/);
    expect(() => parseStageLog('kafka\tx\t1')).to.throw(/line 1/);
  });
});
