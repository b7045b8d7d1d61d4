import { expect } from 'chai';
import { isIdle, type PipelineState } from './pipeline-state.js';

const IDLE: PipelineState = {
  agentRead: 1000,
  agentAcknowledged: 1400,
  agentPending: 0,
  lags: { 'sawmill-stream': 0, 'sawmill-sink-opensearch': 0, 'sawmill-sink-postgres-logs': 0 },
};

describe('isIdle', () => {
  it('needs two equal agent samples, an empty queue and spool, and no lag', () => {
    expect(isIdle(IDLE, IDLE)).to.equal(true);
    expect(isIdle(IDLE, undefined)).to.equal(false);
    expect(isIdle({ ...IDLE, agentRead: 1001 }, IDLE)).to.equal(false);
    expect(isIdle({ ...IDLE, agentAcknowledged: 1401 }, IDLE)).to.equal(false);
    expect(isIdle({ ...IDLE, agentPending: 3 }, IDLE)).to.equal(false);
    expect(isIdle({ ...IDLE, lags: { ...IDLE.lags, 'sawmill-sink-postgres-logs': 1 } }, IDLE)).to.equal(false);
  });
});
