import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Logger } from './logger.js';
import { createShutdownCoordinator } from './shutdown.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A logger whose lines land in an array, so tests can read what was logged. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ base: { component: 'shutdown-test' } }, stream), lines };
}

describe('lib/shutdown coordinator', () => {
  it('runs hooks once, in reverse order of registration, and logs each step', async () => {
    const { logger, lines } = capturingLogger();
    const coordinator = createShutdownCoordinator({ logger });
    const order: string[] = [];
    coordinator.onShutdown('consumer', () => order.push('consumer'));
    coordinator.onShutdown('producer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push('producer');
    });
    coordinator.onShutdown('health', () => order.push('health'));

    expect(coordinator.isShuttingDown).to.equal(false);
    expect(coordinator.signal.aborted).to.equal(false);
    const first = coordinator.shutdown('SIGTERM');
    const second = coordinator.shutdown('SIGINT');
    expect(second).to.equal(first);
    expect(coordinator.signal.aborted).to.equal(true);
    const result = await first;

    expect(order).to.deep.equal(['health', 'producer', 'consumer']);
    expect(result.ok).to.equal(true);
    expect(result.reason).to.equal('SIGTERM');
    expect(result.hooks.map((h) => h.name)).to.deep.equal(['health', 'producer', 'consumer']);
    const messages = lines.map((l) => `${String(l['msg'])}${l['hook'] === undefined ? '' : ` ${String(l['hook'])}`}`);
    expect(messages).to.deep.equal([
      'shutdown started',
      'shutdown hook running health',
      'shutdown hook done health',
      'shutdown hook running producer',
      'shutdown hook done producer',
      'shutdown hook running consumer',
      'shutdown hook done consumer',
      'shutdown finished',
    ]);
    // Running it again does not run the hooks again.
    await coordinator.shutdown('again');
    expect(order).to.have.length(3);
  });

  it('keeps going after a failing hook and reports the failure', async () => {
    const { logger, lines } = capturingLogger();
    const coordinator = createShutdownCoordinator({ logger });
    const ran: string[] = [];
    coordinator.onShutdown('a', () => ran.push('a'));
    coordinator.onShutdown('b', () => {
      throw new Error('flush failed');
    });
    coordinator.onShutdown('c', async () => Promise.reject(new Error('close failed')));
    const result = await coordinator.shutdown('test');
    expect(ran).to.deep.equal(['a']);
    expect(result.ok).to.equal(false);
    expect(result.hooks.map((h) => [h.name, h.ok, h.error])).to.deep.equal([
      ['c', false, 'close failed'],
      ['b', false, 'flush failed'],
      ['a', true, undefined],
    ]);
    const failed = lines.filter((l) => l['msg'] === 'shutdown hook failed');
    expect(failed.map((l) => l['hook'])).to.deep.equal(['c', 'b']);
    expect(failed.every((l) => l['level'] === 50)).to.equal(true);
  });

  it('times out a hanging hook, aborts its signal and moves on', async () => {
    const { logger } = capturingLogger();
    const coordinator = createShutdownCoordinator({ logger, hookTimeoutMs: 5000 });
    let abortedReason: unknown;
    const ran: string[] = [];
    coordinator.onShutdown('after', () => ran.push('after'));
    coordinator.onShutdown(
      'stuck',
      (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            abortedReason = signal.reason;
          });
        }),
      { timeoutMs: 50 },
    );
    const started = Date.now();
    const result = await coordinator.shutdown('test');
    expect(Date.now() - started).to.be.below(2000);
    expect(result.hooks[0]).to.include({ name: 'stuck', ok: false, error: 'timed out after 50 ms' });
    expect(result.hooks[1]).to.include({ name: 'after', ok: true });
    expect(ran).to.deep.equal(['after']);
    expect((abortedReason as Error).message).to.equal('timed out after 50 ms');
  });

  it('lets a part unregister its hook, and ignores hooks registered too late', async () => {
    const { logger, lines } = capturingLogger();
    const coordinator = createShutdownCoordinator({ logger });
    const ran: string[] = [];
    const remove = coordinator.onShutdown('gone', () => ran.push('gone'));
    coordinator.onShutdown('kept', () => ran.push('kept'));
    remove();
    await coordinator.shutdown('test');
    coordinator.onShutdown('late', () => ran.push('late'));
    expect(ran).to.deep.equal(['kept']);
    expect(lines.some((l) => l['msg'] === 'shutdown hook registered after shutdown started; it will not run')).to.equal(true);
  });

  it('rejects a non-positive timeout at once', () => {
    const coordinator = createShutdownCoordinator({ logger: capturingLogger().logger });
    expect(() => coordinator.onShutdown('x', () => undefined, { timeoutMs: 0 })).to.throw(TypeError);
  });
});

describe('lib/shutdown in a real process', function () {
  this.timeout(30_000);

  interface Child {
    process: ChildProcess;
    stdout: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  }

  function startChild(mode: 'ok' | 'fail' | 'hang'): Child {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/fixtures/shutdown-child.ts'), mode], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SAWMILL_LOG_LEVEL: 'info' },
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { process: child, stdout: () => out, exited };
  }

  async function waitFor(child: Child, text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!child.stdout().includes(text)) {
      if (Date.now() > deadline) throw new Error(`child never printed ${JSON.stringify(text)}; output:\n${child.stdout()}`);
      if (child.process.exitCode !== null) throw new Error(`child exited early; output:\n${child.stdout()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const children: Child[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  });

  it('runs the hooks on SIGTERM, in reverse order, and exits 0', async () => {
    const child = startChild('ok');
    children.push(child);
    await waitFor(child, 'READY');
    child.process.kill('SIGTERM');
    const { code } = await child.exited;
    const out = child.stdout();
    expect(code, out).to.equal(0);
    expect(out.indexOf('HOOK second')).to.be.greaterThan(-1);
    expect(out.indexOf('HOOK first')).to.be.greaterThan(out.indexOf('HOOK second'));
    expect(out).to.include('"msg":"signal received"');
    expect(out).to.include('"msg":"shutdown finished"');
  });

  it('exits 1 when a hook fails', async () => {
    const child = startChild('fail');
    children.push(child);
    await waitFor(child, 'READY');
    child.process.kill('SIGINT');
    const { code } = await child.exited;
    const out = child.stdout();
    expect(code, out).to.equal(1);
    expect(out).to.include('HOOK first'); // the hooks after the failing one still ran
    expect(out).to.include('"error":"could not flush"');
  });

  it('exits at once on a second signal while a hook hangs', async () => {
    const child = startChild('hang');
    children.push(child);
    await waitFor(child, 'READY');
    child.process.kill('SIGTERM');
    await waitFor(child, 'HOOK second');
    child.process.kill('SIGINT');
    const { code } = await child.exited;
    const out = child.stdout();
    expect(code, out).to.equal(130);
    expect(out).to.include('"msg":"second signal during shutdown: exiting now"');
    expect(out).not.to.include('HOOK first');
  });
});
