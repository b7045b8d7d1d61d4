import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { isJavaEventStart, MultilineAssembler } from './multiline.js';

const trace = [
  '2026-12-01 10:22:54,123 ERROR [main] c.x.App - request failed',
  'java.lang.IllegalStateException: boom',
  '\tat com.x.App.handle(App.java:42)',
  '\tat com.x.App.main(App.java:10)',
  'Caused by: java.io.IOException: disk',
  '\t... 2 more',
  '2026-12-01 10:22:55,000 INFO [main] c.x.App - next',
];

describe('MultilineAssembler', () => {
  it('java preset joins a stack trace to the line that logged it', () => {
    const m = new MultilineAssembler<number>({ preset: 'java' });
    const events = trace.flatMap((line, i) => m.push(line, i));
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.equal({ text: trace.slice(0, 6).join('\n'), lines: 6, split: false, firstMeta: 0, lastMeta: 5 });
    expect(m.pending).to.equal(true);
    expect(m.flush()).to.deep.include({ text: trace[6], lines: 1, firstMeta: 6, lastMeta: 6 });
    expect(m.flush()).to.equal(undefined);
    expect(m.pending).to.equal(false);
  });

  it('startPattern starts events at matching lines', () => {
    const m = new MultilineAssembler({ startPattern: '^\\S' });
    expect(m.push('a')).to.deep.equal([]);
    expect(m.push('  b')).to.deep.equal([]);
    expect(m.push('c').map((e) => e.text)).to.deep.equal(['a\n  b']);
  });

  it('splits instead of dropping when maxLines or maxBytes is reached', () => {
    const m = new MultilineAssembler({ startPattern: '^START', maxLines: 2 });
    const events = ['START', ' 1', ' 2', ' 3'].flatMap((l) => m.push(l));
    expect(events.map((e) => [e.text, e.split])).to.deep.equal([['START\n 1', true]]);
    expect(m.flush()?.text).to.equal(' 2\n 3');
    const b = new MultilineAssembler({ startPattern: '^START', maxBytes: 10 });
    expect(['START', ' 12345', ' x'].flatMap((l) => b.push(l)).map((e) => e.text)).to.deep.equal(['START']);
  });

  it('recognises event starts for the java preset', () => {
    expect(isJavaEventStart('2026-12-01T10:22:54Z x')).to.equal(true);
    expect(isJavaEventStart('Dec  1 10:22:54 host x')).to.equal(true);
    expect(isJavaEventStart('{"a":1}')).to.equal(true);
    expect(isJavaEventStart('\tat x.y(Z.java:1)')).to.equal(false);
    expect(isJavaEventStart('Exception in thread "main" x')).to.equal(false);
  });

  it('rejects bad configs', () => {
    expect(() => new MultilineAssembler({})).to.throw(ConfigError);
    expect(() => new MultilineAssembler({ startPattern: '(' })).to.throw(ConfigError, /startPattern/);
    expect(() => new MultilineAssembler({ startPattern: '^(a+)+$' })).to.throw(ConfigError, /nested/);
    expect(() => new MultilineAssembler({ preset: 'java', bogus: 1 } as never)).to.throw(ConfigError);
  });
});
