import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { createParser } from '../../agent/parsers/index.js';
import { FORMATS, LEVELS } from './formats.js';
import { createLogGenerator, type GeneratedLine } from './generator.js';
import { DEMO_SERVICES } from './services.js';

const START = Date.UTC(2026, 11, 1, 10, 0, 0);

function take(count: number, seed: number, incident: 'off' | 'auto' = 'auto'): GeneratedLine[] {
  const generator = createLogGenerator({ seed, incident });
  return Array.from({ length: count }, (_, i) => generator.next(START + i * 50));
}

describe('createLogGenerator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = take(2000, 99);
    const b = take(2000, 99);
    const c = take(2000, 100);
    expect(a).to.deep.equal(b);
    expect(a.map((l) => l.line)).to.not.deep.equal(c.map((l) => l.line));
  });

  it('reads the clock when next() gets no time', () => {
    let now = START + 123;
    const generator = createLogGenerator({ seed: 1, incident: 'off', clock: () => now });
    const first = generator.next();
    now += 5000;
    const second = generator.next();
    expect(first.timestampMs).to.be.within(START, START + 123);
    expect(second.timestampMs).to.be.within(START + 5000, START + 5123);
  });

  it('floors timestamps to the precision of the format', () => {
    const generator = createLogGenerator({ seed: 5, incident: 'off' });
    for (let i = 0; i < 500; i++) {
      const nowMs = START + 777 + i * 13;
      const line = generator.next(nowMs);
      const precision = FORMATS[line.format].timestampPrecisionMs;
      expect(line.timestampMs).to.equal(Math.floor(nowMs / precision) * precision);
    }
  });

  it('spreads volume over services and hosts by weight', () => {
    const lines = take(20_000, 3, 'off');
    const totalWeight = DEMO_SERVICES.reduce((sum, s) => sum + s.weight, 0);
    for (const spec of DEMO_SERVICES) {
      const own = lines.filter((l) => l.service === spec.name);
      const expected = spec.weight / totalWeight;
      expect(own.length / lines.length, spec.name).to.be.within(expected * 0.85, expected * 1.15);
      expect(new Set(own.map((l) => l.host)).size, spec.name).to.equal(spec.hosts.length);
    }
  });

  for (const spec of DEMO_SERVICES) {
    it(`keeps the level mix of ${spec.name} near its configuration over 10k lines`, () => {
      const generator = createLogGenerator({ seed: 11, services: [spec.name], incident: 'off' });
      const counts = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
      for (let i = 0; i < 10_000; i++) counts[generator.next(START + i).level]++;
      const total = LEVELS.reduce((sum, level) => sum + spec.levelMix[level], 0);
      for (const level of LEVELS) {
        const expected = spec.levelMix[level] / total;
        const observed = counts[level] / 10_000;
        // Binomial noise at 10k draws is below 0.5 percentage points; allow 1.5 plus 10% relative.
        expect(observed, `${spec.name} ${level}`).to.be.closeTo(expected, 0.015 + expected * 0.1);
      }
    });
  }

  it('lets services continue traces that other services started', () => {
    const lines = take(5000, 17, 'off');
    const byTrace = new Map<string, Set<string>>();
    for (const line of lines) {
      if (line.traceId === undefined) continue;
      let services = byTrace.get(line.traceId);
      if (services === undefined) byTrace.set(line.traceId, (services = new Set()));
      services.add(line.service);
    }
    const shared = [...byTrace.values()].filter((services) => services.size > 1).length;
    expect(shared).to.be.above(50);
  });

  it('accepts custom service specs next to catalogue names', () => {
    const custom = { ...DEMO_SERVICES[0]!, name: 'edge-canary', hosts: ['canary-1'] };
    const generator = createLogGenerator({ seed: 1, services: ['auth', custom], incident: 'off' });
    expect(generator.services.map((s) => s.name)).to.deep.equal(['auth', 'edge-canary']);
    const seen = new Set(Array.from({ length: 200 }, (_, i) => generator.next(START + i).service));
    expect([...seen].sort()).to.deep.equal(['auth', 'edge-canary']);
  });

  it('rejects unknown or duplicate services with ConfigError', () => {
    expect(() => createLogGenerator({ seed: 1, services: ['nope'] })).to.throw(ConfigError);
    expect(() => createLogGenerator({ seed: 1, services: ['auth', 'auth'] })).to.throw(ConfigError, /twice/);
    expect(() => createLogGenerator({ seed: 1, services: [] })).to.throw(ConfigError);
  });
});

describe('createLogGenerator with a run marker (tag)', () => {
  const TAG = 'bench_step=e2e7f3a9c1';

  it('puts the marker inside the message the agent parses out of every format, and changes nothing else', () => {
    const plain = createLogGenerator({ seed: 21, incident: 'off' });
    const tagged = createLogGenerator({ seed: 21, incident: 'off', tag: TAG });
    const parser = createParser();
    const formats = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const a = plain.next(START + i * 20);
      const b = tagged.next(START + i * 20);
      formats.add(b.format);
      expect(b.line).to.include(TAG);
      // Same draws, same facts: only the marker was added.
      expect(b.line.replace(` ${TAG}`, '').replace(`?${TAG}`, '').replace(`&${TAG}`, '').replace(`\\u0020${TAG}`, '')).to.equal(a.line);
      expect({ ...b, line: '' }).to.deep.equal({ ...a, line: '' });
      const parsed = parser.parse(b.line, { now: START + i * 20 });
      expect(parsed.message, `${b.format}: ${b.line}`).to.include(TAG);
    }
    expect(formats.size).to.equal(DEMO_SERVICES.length);
  });

  it('leaves the default output unchanged', () => {
    const a = take(500, 7, 'off');
    const b = Array.from({ length: 500 }, ((generator) => (_: unknown, i: number) => generator.next(START + i * 50))(createLogGenerator({ seed: 7, incident: 'off' })));
    expect(a.map((l) => l.line)).to.deep.equal(b.map((l) => l.line));
    expect(a.some((l) => l.line.includes('bench_step'))).to.equal(false);
  });

  it('refuses a marker that could break a format or a search', () => {
    for (const bad of ['', 'has space', 'a"b', 'x=y=z', 'päth']) {
      expect(() => createLogGenerator({ seed: 1, tag: bad }), bad).to.throw(ConfigError, /tag/);
    }
  });
});
