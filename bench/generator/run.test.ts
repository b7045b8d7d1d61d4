import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ConfigError, ServiceUnavailableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { GeneratedLine } from './generator.js';
import type { LineSink } from './line-sink.js';
import { runDemoSource } from './run.js';

const START = Date.UTC(2026, 11, 1, 10, 0, 0);

function captureLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

function memorySink(options: { failAfter?: number } = {}): LineSink & { lines: GeneratedLine[]; closed: boolean } {
  const lines: GeneratedLine[] = [];
  return {
    name: 'memory',
    lines,
    closed: false,
    get delivered() {
      return lines.length;
    },
    async write(batch) {
      if (options.failAfter !== undefined && lines.length + batch.length > options.failAfter) {
        throw new ServiceUnavailableError('memory sink full', 'memory');
      }
      lines.push(...batch);
    },
    async close() {
      this.closed = true;
    },
  };
}

/** Simulated time: sleeping advances the clock, so a 60 s run takes milliseconds. */
function simulatedClock() {
  let now = START;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('runDemoSource', () => {
  it('stops after maxLines, hands every line to every sink and closes them', async () => {
    const { logger } = captureLogger();
    const a = memorySink();
    const b = memorySink();
    const result = await runDemoSource({ ratePerSecond: 'max', maxLines: 1234, outputs: {}, seed: 3, logger, extraSinks: [a, b] });
    expect(result.stoppedBy).to.equal('max-lines');
    expect(result.generated).to.equal(1234);
    expect(a.lines).to.have.length(1234);
    expect(b.lines.map((l) => l.line)).to.deep.equal(a.lines.map((l) => l.line));
    expect(a.closed && b.closed).to.equal(true);
    expect(result.delivered).to.deep.equal({ memory: 2468 });
    expect(Object.values(result.byService).reduce((x, y) => x + y, 0)).to.equal(1234);
    expect(Object.values(result.byLevel).reduce((x, y) => x + y, 0)).to.equal(1234);
  });

  it('paces at the target rate on simulated time and logs progress every 10 s', async () => {
    const { logger, records } = captureLogger();
    const time = simulatedClock();
    const sink = memorySink();
    const result = await runDemoSource({
      ratePerSecond: 250,
      durationMs: 60_000,
      outputs: {},
      seed: 5,
      incident: 'off',
      logger,
      clock: time.clock,
      sleep: time.sleep,
      extraSinks: [sink],
    });
    expect(result.stoppedBy).to.equal('duration');
    expect(result.generated / 60).to.be.within(225, 275);
    // Timestamps follow the run's clock.
    expect(sink.lines[0]!.timestampMs).to.be.within(START - 1000, START + 1000);
    expect(sink.lines.at(-1)!.timestampMs).to.be.within(START + 58_000, START + 60_000);
    const progress = records.filter((r) => r['msg'] === 'demo source progress');
    expect(progress).to.have.length.within(5, 6);
    for (const record of progress) expect(record['rate_per_s']).to.be.within(225, 275);
    expect(records.at(-1)!['msg']).to.equal('demo source stopped');
  });

  it('stops promptly and cleanly when the signal aborts', async () => {
    const { logger } = captureLogger();
    const controller = new AbortController();
    const sink = memorySink();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const result = await runDemoSource({ ratePerSecond: 50, outputs: {}, seed: 1, logger, signal: controller.signal, extraSinks: [sink] });
    expect(Date.now() - started).to.be.below(2000);
    expect(result.stoppedBy).to.equal('signal');
    expect(result.generated).to.be.within(1, 30);
    expect(sink.closed).to.equal(true);
  });

  it('writes files when given a directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sawmill-run-'));
    try {
      const { logger } = captureLogger();
      const result = await runDemoSource({ ratePerSecond: 'max', maxLines: 700, outputs: { dir }, seed: 2, logger, services: ['auth', 'sshd'] });
      expect(result.delivered).to.deep.equal({ file: 700 });
      expect((await readdir(dir)).sort()).to.deep.equal(['auth', 'sshd']);
      let total = 0;
      for (const service of ['auth', 'sshd']) {
        for (const file of await readdir(path.join(dir, service))) {
          total += (await readFile(path.join(dir, service, file), 'utf8')).split('\n').length - 1;
        }
      }
      expect(total).to.equal(700);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('closes the sinks and rejects with the failure when a sink fails', async () => {
    const { logger, records } = captureLogger();
    const healthy = memorySink();
    let caught: unknown;
    try {
      await runDemoSource({ ratePerSecond: 'max', maxLines: 5000, outputs: {}, seed: 1, logger, extraSinks: [healthy, memorySink({ failAfter: 1000 })] });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ServiceUnavailableError);
    expect(healthy.closed).to.equal(true);
    expect(records.some((r) => r['msg'] === 'demo source failed')).to.equal(true);
  });

  it('rejects bad options with ConfigError', async () => {
    const { logger } = captureLogger();
    let caught: unknown;
    try {
      await runDemoSource({ ratePerSecond: 0, outputs: {}, seed: 1, logger });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ConfigError);
  });
});
