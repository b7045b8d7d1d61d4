import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import type { Level } from './formats.js';
import { createLogGenerator, type GeneratedLine } from './generator.js';
import { DEMO_SERVICES, selectServices } from './services.js';

// Independent parsers: they must not reuse the formatting code under test.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Parsed {
  readonly timestampMs: number;
  /** Undefined when the format carries no level. */
  readonly level?: Level;
  readonly latencyMs?: number;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly host?: string;
}

function levelFromWord(word: string): Level {
  const upper = word.trim().toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  expect(['DEBUG', 'INFO', 'WARN', 'ERROR']).to.include(upper);
  return upper as Level;
}

function parseGoDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  expect(match, `duration ${text}`).to.not.equal(null);
  const value = Number(match![1]);
  return match![2] === 's' ? Math.round(value * 1000) : value;
}

const LOGFMT_LINE = /^[a-z_]+=(?:"(?:[^"\\]|\\.)*"|[^\s"=]+)(?: [a-z_]+=(?:"(?:[^"\\]|\\.)*"|[^\s"=]+))*$/;
const LOGFMT_PAIR = /([a-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"=]+))/g;
const NGINX_COMBINED =
  /^(\d{1,3}(?:\.\d{1,3}){3}) - (\S+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\] "([A-Z]+) (\S+) HTTP\/1\.1" (\d{3}) (\d+) "([^"]*)" "([^"]*)" rt=(\d+\.\d{3}) rid=([0-9a-f]{32})$/;
const LOG4J = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) (DEBUG|INFO |WARN |ERROR) \[([^\]]+)\] ([\w.$]+) - (.+)$/;
const PYTHON = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),(\d{3}) - ([\w.]+) - (DEBUG|INFO|WARNING|ERROR) - (.+)$/;
const SYSLOG_3164 = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) ([\w.-]+) sshd\[(\d+)\]: (.+)$/;
const HDFS = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) (\d+) (INFO|WARN|ERROR) ([\w.$]+): (.+)$/;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

function parse(line: GeneratedLine): Parsed {
  const n = Number;
  switch (line.format) {
    case 'json': {
      const obj = JSON.parse(line.line) as Record<string, unknown>;
      expect(obj['ts']).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(obj['msg']).to.be.a('string').and.not.equal('');
      const http = obj['http'] as { status: number } | undefined;
      if (http !== undefined) {
        const expected = http.status >= 500 ? 'ERROR' : http.status >= 400 || http.status === 202 ? 'WARN' : 'INFO';
        expect(expected, line.line).to.equal(line.level);
      }
      return {
        timestampMs: Date.parse(obj['ts'] as string),
        level: levelFromWord(obj['level'] as string),
        latencyMs: obj['latency_ms'] as number | undefined,
        traceId: obj['trace_id'] as string,
        spanId: obj['span_id'] as string,
        host: obj['host'] as string,
      };
    }
    case 'logfmt': {
      expect(line.line).to.match(LOGFMT_LINE);
      const pairs = new Map<string, string>();
      for (const m of line.line.matchAll(LOGFMT_PAIR)) pairs.set(m[1]!, m[2] ?? m[3]!);
      expect(pairs.get('msg')).to.be.a('string');
      const duration = pairs.get('duration');
      return {
        timestampMs: Date.parse(pairs.get('ts')!),
        level: levelFromWord(pairs.get('level')!),
        latencyMs: duration === undefined ? undefined : parseGoDuration(duration),
        traceId: pairs.get('trace_id'),
        spanId: pairs.get('span_id'),
        host: pairs.get('host'),
      };
    }
    case 'nginx-combined': {
      const m = NGINX_COMBINED.exec(line.line);
      expect(m, line.line).to.not.equal(null);
      const status = n(m![11]);
      return {
        timestampMs: utc(n(m![5]), MONTHS.indexOf(m![4]!) + 1, n(m![3]), n(m![6]), n(m![7]), n(m![8])),
        level: status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO',
        latencyMs: Math.round(Number(m![15]) * 1000),
        traceId: m![16],
      };
    }
    case 'log4j': {
      const m = LOG4J.exec(line.line);
      expect(m, line.line).to.not.equal(null);
      const latency = /(?:in|after) (\d+) ms\b/.exec(m![11]!);
      return {
        timestampMs: utc(n(m![1]), n(m![2]), n(m![3]), n(m![4]), n(m![5]), n(m![6]), n(m![7])),
        level: levelFromWord(m![8]!),
        latencyMs: latency === null ? undefined : n(latency[1]),
      };
    }
    case 'python-logging': {
      const m = PYTHON.exec(line.line);
      expect(m, line.line).to.not.equal(null);
      const latency = /took (\d+)ms$/.exec(m![10]!);
      return {
        timestampMs: utc(n(m![1]), n(m![2]), n(m![3]), n(m![4]), n(m![5]), n(m![6]), n(m![7])),
        level: levelFromWord(m![9]!),
        latencyMs: latency === null ? undefined : n(latency[1]),
      };
    }
    case 'syslog-3164': {
      const m = SYSLOG_3164.exec(line.line);
      expect(m, line.line).to.not.equal(null);
      // RFC 3164 has no year: take the truth's year, which is what a parser's "current year" rule must recover.
      const year = new Date(line.timestampMs).getUTCFullYear();
      const message = m![8]!;
      if (/^(error|fatal): /.test(message)) expect(line.level).to.equal('ERROR');
      return {
        timestampMs: utc(year, MONTHS.indexOf(m![1]!) + 1, n(m![2]!.trim()), n(m![3]), n(m![4]), n(m![5])),
        host: m![6],
      };
    }
    case 'hdfs': {
      const m = HDFS.exec(line.line);
      expect(m, line.line).to.not.equal(null);
      return {
        timestampMs: utc(2000 + n(m![1]), n(m![2]), n(m![3]), n(m![4]), n(m![5]), n(m![6])),
        level: levelFromWord(m![8]!),
      };
    }
  }
}

/** Times that stress the layouts: single-digit days, month and year ends. */
const ANCHORS = [
  utc(2026, 12, 1, 10, 22, 54, 123),
  utc(2026, 12, 31, 23, 59, 58, 999),
  utc(2027, 1, 1, 0, 0, 0, 1),
  utc(2026, 3, 9, 7, 5, 3, 45),
  utc(2029, 10, 25, 18, 40, 0, 500),
];

function linesOf(service: string, count: number, incident: 'off' | 'auto' = 'off'): GeneratedLine[] {
  const generator = createLogGenerator({ seed: 1234, services: [service], incident, incidentEveryMs: 60_000, incidentDurationMs: 30_000 });
  return Array.from({ length: count }, (_, i) => generator.next(ANCHORS[i % ANCHORS.length]! + i * 137));
}

describe('demo services', () => {
  it('has distinct names, 2-3 hosts each, a weight and templates for every level they can emit', () => {
    expect(new Set(DEMO_SERVICES.map((s) => s.name)).size).to.equal(DEMO_SERVICES.length);
    for (const spec of DEMO_SERVICES) {
      expect(spec.hosts.length, spec.name).to.be.within(2, 3);
      expect(spec.weight).to.be.above(0);
      expect(spec.levelMix.ERROR, spec.name).to.be.above(0);
    }
    expect(new Set(DEMO_SERVICES.map((s) => s.format)).size).to.equal(7);
  });

  for (const spec of DEMO_SERVICES) {
    describe(`${spec.name} (${spec.format})`, () => {
      // 'auto' with a short period puts half of the lines inside incidents, so ERROR templates get exercised too.
      const lines = [...linesOf(spec.name, 1500), ...linesOf(spec.name, 1500, 'auto')];

      it('writes lines that match the format and encode the time, level, latency and trace given as truth', () => {
        for (const line of lines) {
          expect(line.service).to.equal(spec.name);
          expect(spec.hosts).to.include(line.host);
          expect(line.line).to.not.include('\n');
          const parsed = parse(line);
          expect(parsed.timestampMs, line.line).to.equal(line.timestampMs);
          if (parsed.level !== undefined) expect(parsed.level, line.line).to.equal(line.level);
          expect(parsed.latencyMs, line.line).to.equal(line.latencyMs);
          if (parsed.traceId !== undefined || line.traceId !== undefined) {
            expect(parsed.traceId, line.line).to.equal(line.traceId);
            expect(line.traceId).to.match(/^[0-9a-f]{32}$/);
          }
          expect(parsed.spanId).to.equal(line.spanId);
          if (parsed.host !== undefined) expect(parsed.host).to.equal(line.host);
        }
      });

      it('emits every level its mix allows, and only those', () => {
        const seen = new Set(lines.map((l) => l.level));
        for (const level of ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const) {
          expect(seen.has(level), `${spec.name} ${level}`).to.equal(spec.levelMix[level] > 0);
        }
      });

      it('varies the message so that lines do not repeat verbatim', () => {
        const distinct = new Set(lines.map((l) => l.line));
        expect(distinct.size).to.be.above(lines.length * 0.95);
      });
    });
  }

  it('selects services by name and rejects unknown ones with ConfigError', () => {
    expect(selectServices(['sshd', 'auth']).map((s) => s.name)).to.deep.equal(['auth', 'sshd']);
    expect(() => selectServices(['nope'])).to.throw(ConfigError, /unknown service/);
    expect(() => selectServices([])).to.throw(ConfigError);
  });
});
