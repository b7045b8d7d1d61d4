import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { TailSource, type SourceLine, type TailSourceOptions } from './tail-source.js';

/** Polls `condition` until it holds; fails with `what` (and `detail()`, the state seen) after `timeoutMs`. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves as `promise` does, or fails naming `what` when it takes longer than `timeoutMs`. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Running {
  source: TailSource;
  lines: SourceLine[];
  done: Promise<void>;
  stop: () => Promise<void>;
}

/** Runs a source with a consumer that records every line and acknowledges every batch at once. */
function run(store: CheckpointStore, options: Partial<TailSourceOptions> & { include: string[] }): Running {
  const source = new TailSource({ sourceId: 'app', agentId: 'agent-1', checkpoint: store, pollIntervalMs: 20, scanIntervalMs: 50, closeIdleMs: 200, ...options });
  const lines: SourceLine[] = [];
  const done = (async () => {
    for await (const batch of source) {
      lines.push(...batch.lines);
      store.acknowledge(batch.streamId, batch.offset, batch.nextOffset);
    }
  })();
  return {
    source,
    lines,
    done,
    stop: async () => {
      source.stop();
      await within('the source to stop', done);
      await store.flush();
    },
  };
}

/** Runs a Node script in a child process and resolves when it exits 0; kills it and fails after `timeoutMs`. */
function child(script: string, args: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`writer did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    proc.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`writer exited ${code ?? signal}`));
    });
  });
}

function numbers(lines: SourceLine[]): number[] {
  return lines.map((line) => Number(line.text.split(' ')[1]));
}

function expectExactlyOnceInOrder(lines: SourceLine[]): void {
  expect(new Set(lines.map((line) => line.eventId)).size, 'distinct event ids').to.equal(lines.length);
  const byStream = new Map<string, SourceLine[]>();
  for (const line of lines) byStream.set(line.streamId, [...(byStream.get(line.streamId) ?? []), line]);
  for (const [streamId, streamLines] of byStream) {
    for (let i = 1; i < streamLines.length; i += 1) {
      expect(streamLines[i]?.offset, `stream ${streamId} contiguous`).to.equal(streamLines[i - 1]?.nextOffset);
    }
  }
}

describe('tail-source', function () {
  this.timeout(120_000);
  let dir: string;
  let checkpointPath: string;
  const running: Running[] = [];
  const start = async (options: Partial<TailSourceOptions> & { include: string[] }): Promise<Running & { store: CheckpointStore }> => {
    const store = await CheckpointStore.open({ path: checkpointPath });
    const r = run(store, options);
    running.push(r);
    return { ...r, store };
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-source-'));
    checkpointPath = join(dir, 'checkpoint.json');
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('tails lines appended to a file, with stable event ids and contiguous offsets', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, 'n 0\nn 1\n');
    const { lines, source } = await start({ include: [`${dir}/*.log`] });
    await waitFor('first lines', () => lines.length === 2);
    await appendFile(path, 'n 2\nn 3 partial');
    await waitFor('third line', () => lines.length === 3);
    await appendFile(path, ' completed\n');
    await waitFor('completed line', () => lines.length === 4);
    expect(lines.map((line) => line.text)).to.deep.equal(['n 0', 'n 1', 'n 2', 'n 3 partial completed']);
    expect(lines[0]).to.include({ sourceId: 'app', path, offset: 0, nextOffset: 4, truncated: false });
    expectExactlyOnceInOrder(lines);
    expect(source.stats()).to.include({ lines: 4, openFiles: 1 });
  });

  it('follows rename-and-create rotation while a child process writes 100,000 lines: every line exactly once, in order', async () => {
    const path = join(dir, 'app.log');
    const writer = `
      const fs = require('fs');
      const [path, total, every] = [process.argv[1], +process.argv[2], +process.argv[3]];
      let fd = fs.openSync(path, 'a');
      let chunk = '';
      for (let n = 0; n < total; n += 1) {
        chunk += 'line ' + n + ' ' + 'p'.repeat(n % 50) + '\\n';
        if (n % 100 === 99) { fs.writeSync(fd, chunk); chunk = ''; }
        if (n % every === every - 1) {
          fs.writeSync(fd, chunk); chunk = '';
          fs.renameSync(path, path + '.' + (n + 1));
          fs.closeSync(fd);
          fd = fs.openSync(path, 'a');
        }
      }
      fs.writeSync(fd, chunk);
      fs.closeSync(fd);`;
    await writeFile(path, '');
    // The rotated names are in the glob: a file created and rotated within one scan interval
    // (this writer rotates every few milliseconds) is then still found, under its new name.
    const { lines, source } = await start({ include: [`${path}*`] });
    await child(writer, [path, '100000', '7000']);
    await waitFor('100,000 lines', () => lines.length >= 100_000, 60_000, () => `${lines.length} lines read, ${new Set(numbers(lines)).size} distinct, first jumps ${JSON.stringify(numbers(lines).filter((n, i, a) => i > 0 && n !== (a[i - 1] ?? 0) + 1).slice(0, 10))}, stats ${JSON.stringify(source.stats())}`);
    expect(lines.length).to.equal(100_000);
    const seen = numbers(lines);
    expect(new Set(seen).size).to.equal(100_000);
    expectExactlyOnceInOrder(lines);
    const byStream = new Map<string, number[]>();
    lines.forEach((line, i) => byStream.set(line.streamId, [...(byStream.get(line.streamId) ?? []), seen[i] ?? -1]));
    expect(byStream.size).to.equal(15); // 14 rotations: 15 files
    for (const values of byStream.values()) expect(values).to.deep.equal([...values].sort((a, b) => a - b));
  });

  it('handles copytruncate while writing: every line in a rotated copy or the live file is read exactly once', async () => {
    const path = join(dir, 'app.log');
    // Lines written between the copy and the truncation are in neither file: that loss is
    // inherent to copytruncate (logrotate documents it), so the test measures the union of
    // what the copies and the live file hold.
    const writer = `
      const fs = require('fs');
      const [path, total, every] = [process.argv[1], +process.argv[2], +process.argv[3]];
      const fd = fs.openSync(path, 'a');
      let chunk = '';
      let rotation = 0;
      for (let n = 0; n < total; n += 1) {
        chunk += 'line ' + n + ' ' + 'c'.repeat(n % 40) + '\\n';
        if (n % 50 === 49) { fs.writeSync(fd, chunk); chunk = ''; }
        if (n % every === every - 1) {
          fs.writeSync(fd, chunk); chunk = '';
          rotation += 1;
          fs.copyFileSync(path, path + '.' + rotation);
          fs.writeSync(fd, 'lost ' + n + ' written between copy and truncate\\n');
          fs.truncateSync(path, 0);
        }
      }
      fs.writeSync(fd, chunk);
      fs.closeSync(fd);`;
    await writeFile(path, '');
    const { lines, source } = await start({ include: [`${path}*`] });
    await child(writer, [path, '100000', '9000']);
    const expected = new Set<string>();
    for (const name of await readdir(dir)) {
      if (!name.startsWith('app.log')) continue;
      for (const text of (await readFile(join(dir, name), 'utf8')).split('\n')) if (text) expected.add(text);
    }
    const missing = (): string => {
      const read = new Set(lines.map((line) => line.text));
      const absent = [...expected].filter((text) => !read.has(text));
      return `${lines.length} lines read, ${read.size} distinct of ${expected.size} expected, first missing ${JSON.stringify(absent.slice(0, 3))}, stats ${JSON.stringify(source.stats())}`;
    };
    await waitFor('all lines of the copies and the live file', () => new Set(lines.map((line) => line.text)).size >= expected.size, 60_000, missing);
    await waitFor('nothing more', async () => {
      const before = lines.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return lines.length === before;
    }, 20_000, missing);
    const texts = lines.map((line) => line.text);
    expect(texts.filter((text) => text.startsWith('lost '))).to.deep.equal([]);
    if (texts.length !== new Set(texts).size) {
      const counts = new Map<string, SourceLine[]>();
      for (const line of lines) counts.set(line.text, [...(counts.get(line.text) ?? []), line]);
      const twice = [...counts.values()].filter((group) => group.length > 1);
      console.log(twice.length, twice.slice(0, 3).map((group) => group.map((line) => [line.path.slice(-10), line.offset, line.streamId.slice(0, 6)])));
    }
    expect(texts.length, 'no line twice').to.equal(new Set(texts).size);
    expect(new Set(texts)).to.deep.equal(expected);
    expectExactlyOnceInOrder(lines);
    // Several truncations between two polls are seen as one: only bounds can be asserted.
    expect(source.stats().truncations).to.be.within(1, 11);
  });

  it('reads a copy found only after the truncation was seen from where its stream stopped, also when it is shorter than 1 KiB', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, Array.from({ length: 30 }, (_, n) => `n ${n}\n`).join(''));
    const store = await CheckpointStore.open({ path: checkpointPath });
    const source = new TailSource({ sourceId: 'app', agentId: 'agent-1', checkpoint: store, include: [`${path}*`], pollIntervalMs: 20, scanIntervalMs: 50 });
    const iterator = source[Symbol.asyncIterator]();
    const lines: SourceLine[] = [];
    try {
      const first = await within('the first batch', iterator.next());
      lines.push(...(first.value?.lines ?? []));
      expect(lines).to.have.length(30);
      // While the consumer holds off, lines arrive, the file is copied outside the glob and
      // truncated, and the copy then appears under a matching name: the source sees the
      // truncation before it can see the copy.
      await appendFile(path, Array.from({ length: 5 }, (_, n) => `n ${30 + n}\n`).join(''));
      await writeFile(join(dir, 'copy.tmp'), await readFile(path));
      await writeFile(path, 'after 0\n');
      await rename(join(dir, 'copy.tmp'), `${path}.1`);
      while (lines.length < 36) {
        const { value } = await within(`lines after the truncation (have ${lines.length})`, iterator.next());
        if (!value) break;
        lines.push(...value.lines);
      }
    } finally {
      await within('the source to stop', iterator.return(undefined));
    }
    expect(lines.map((line) => line.text)).to.have.members([...Array.from({ length: 35 }, (_, n) => `n ${n}`), 'after 0']);
    expect(lines).to.have.length(36);
    const fromCopy = lines.filter((line) => line.path.endsWith('.1'));
    expect(fromCopy.map((line) => line.text)).to.deep.equal(['n 30', 'n 31', 'n 32', 'n 33', 'n 34']);
    expect(fromCopy[0]?.streamId).to.equal(lines[0]?.streamId);
    expect(fromCopy[0]?.offset).to.equal(lines[29]?.nextOffset);
    expectExactlyOnceInOrder(lines);
  });

  it('never reads a copy that is still being written from 0, however long it stays short', async () => {
    const path = join(dir, 'app.log');
    const content = Buffer.from(Array.from({ length: 200 }, (_, n) => `line ${n} ${'w'.repeat(n % 30)}\n`).join(''));
    await writeFile(path, content);
    const { lines, source } = await start({ include: [`${path}*`] });
    await waitFor('the live file', () => lines.length === 200);
    // The copy starts with a fraction of a line and stays below 1 KiB for many scans.
    const copy = `${path}.1`;
    await writeFile(copy, content.subarray(0, 100));
    await waitFor('the copy to join its stream', () => source.stats().copies === 1, 20_000, () => JSON.stringify(source.stats()));
    await appendFile(copy, content.subarray(100, 900));
    await waitFor('a scan of the grown copy', async () => {
      const scans = source.stats();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return scans.copies === 1;
    });
    await appendFile(path, 'line 200\n');
    await waitFor('the last line', () => lines.length === 201);
    await writeFile(path, 'after 0\n'); // truncated while the copy is still incomplete
    await waitFor('the truncation', () => source.stats().truncations === 1);
    await waitFor('the new content', () => lines.some((line) => line.text === 'after 0'));
    await appendFile(copy, content.subarray(900));
    await appendFile(copy, 'line 200\n');
    await appendFile(path, 'after 1\n');
    await waitFor('the next new line', () => lines.some((line) => line.text === 'after 1'));
    await waitFor('nothing more', async () => {
      const before = lines.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return lines.length === before;
    });
    expect(lines.map((line) => line.text)).to.have.length(203);
    expect(lines.filter((line) => line.path === copy)).to.deep.equal([]);
    expectExactlyOnceInOrder(lines);
  });

  it('reads a new file that shares a long banner with a stream as a new stream from 0, while that stream is read and after it closed', async () => {
    const banner = Array.from({ length: 60 }, (_, n) => `banner ${String(n).padStart(2, '0')} of the service start\n`).join('');
    expect(banner.length).to.be.greaterThan(1024);
    const body = (name: string, count: number): string => banner + Array.from({ length: count }, (_, n) => `${name} ${n}\n`).join('');
    await writeFile(join(dir, 'a.log'), body('a', 400));
    const { lines, source } = await start({ include: [`${dir}/*.log`] });
    await waitFor('a.log', () => lines.length === 460);
    await writeFile(join(dir, 'b.log'), body('b', 10));
    await waitFor('b.log from 0', () => lines.filter((line) => line.path.endsWith('b.log')).length === 70, 20_000, () => JSON.stringify(source.stats()));
    await unlink(join(dir, 'a.log'));
    await unlink(join(dir, 'b.log'));
    await waitFor('both files closed', () => source.stats().openFiles === 0);
    await writeFile(join(dir, 'c.log'), body('c', 200)); // shorter than a.log: told apart by a ladder anchor
    await waitFor('c.log from 0', () => lines.filter((line) => line.path.endsWith('c.log')).length === 260, 20_000, () => JSON.stringify(source.stats()));
    const streams = new Set(lines.map((line) => line.streamId));
    expect(streams.size).to.equal(3);
    for (const name of ['a.log', 'b.log', 'c.log']) expect(lines.find((line) => line.path.endsWith(name))?.offset).to.equal(0);
    expect(source.stats().copies).to.equal(0);
    expectExactlyOnceInOrder(lines);
  });

  it('finishes a deleted file through its open descriptor, then forgets it', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, 'n 0\n');
    const { lines, source, store } = await start({ include: [path] });
    await waitFor('first line', () => lines.length === 1);
    const handle = await open(path, 'a');
    await unlink(path);
    await handle.write('n 1\nn 2 unterminated');
    await handle.close();
    // The last line is handed out in the batch that follows the close.
    await waitFor('file closed and its last line handed out', () => source.stats().openFiles === 0 && lines.length >= 3, 20_000, () => `${lines.length} lines, ${source.stats().openFiles} open`);
    expect(lines.map((line) => line.text)).to.deep.equal(['n 0', 'n 1', 'n 2 unterminated']);
    const streamId = lines[0]?.streamId ?? '';
    expect(store.get(streamId)?.goneSinceMs).to.be.a('number');
    expect(store.get(streamId)?.offset).to.equal(lines[2]?.nextOffset);
  });

  it('resumes after a restart at the acknowledged offset: no gap, no duplicate, same event ids for what is read again', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, Array.from({ length: 1000 }, (_, n) => `line ${n}\n`).join(''));
    const store = await CheckpointStore.open({ path: checkpointPath });
    const first = new TailSource({ sourceId: 'app', agentId: 'agent-1', checkpoint: store, include: [path], maxBatchLines: 100, pollIntervalMs: 20 });
    const iterator = first[Symbol.asyncIterator]();
    const acked: SourceLine[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { value } = await within(`batch ${i + 1}`, iterator.next());
      if (!value) throw new Error('source ended');
      acked.push(...value.lines);
      store.acknowledge(value.streamId, value.offset, value.nextOffset);
    }
    const unacked = (await within('the unacknowledged batch', iterator.next())).value; // read, handed out, never acknowledged: lost in the crash
    await store.flush();
    await within('the first source to stop', iterator.return(undefined));
    await appendFile(path, Array.from({ length: 500 }, (_, n) => `line ${1000 + n}\n`).join(''));

    const { lines } = await start({ include: [path] });
    await waitFor('the rest', () => lines.length >= 1200);
    expect(lines.length).to.equal(1200);
    expect(lines[0]?.offset).to.equal(acked[acked.length - 1]?.nextOffset);
    expect(numbers([...acked, ...lines])).to.deep.equal(Array.from({ length: 1500 }, (_, n) => n));
    expect(lines.slice(0, 100).map((line) => line.eventId)).to.deep.equal(unacked?.lines.map((line) => line.eventId));
  });

  it('reads a file whose inode was reused, or that was rewritten in place while the agent was down, from 0', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, 'old 0\nold 1\n');
    const a = await start({ include: [path] });
    await waitFor('old lines', () => a.lines.length === 2);
    await a.stop();
    const oldIno = (await stat(path)).ino;
    await unlink(path);
    await writeFile(path, 'new 0 longer than before\n'); // may get the same inode
    const reused = (await stat(path)).ino === oldIno;
    void reused; // either way the new content must be read from 0 as a new stream
    const b = await start({ include: [path] });
    await waitFor('new line', () => b.lines.length === 1);
    expect(b.lines[0]).to.include({ text: 'new 0 longer than before', offset: 0 });
    expect(b.lines[0]?.streamId).to.not.equal(a.lines[0]?.streamId);
    expect(b.lines[0]?.eventId).to.not.equal(a.lines[0]?.eventId);
    await b.stop();
    // Same inode for certain: rewritten in place with other content of the same length.
    await writeFile(path, 'NEW 0 longer than before\n');
    const c = await start({ include: [path] });
    await waitFor('rewritten line', () => c.lines.length === 1);
    expect(c.lines[0]).to.include({ text: 'NEW 0 longer than before', offset: 0 });
    expect(c.lines[0]?.streamId).to.not.equal(b.lines[0]?.streamId);
  });

  it('reads a file rewritten in place while tailed, longer than what was read and past the fingerprinted head, from 0 as a new stream', async () => {
    const path = join(dir, 'app.log');
    const old = Array.from({ length: 40 }, (_, i) => `old ${i} ${'o'.repeat(40)}\n`).join('');
    await writeFile(path, old);
    const a = await start({ include: [path] });
    await waitFor('old lines', () => a.lines.length === 40);
    // Same inode, other content, longer than the offset reached: no shrink for the size check to see.
    const rewritten = Array.from({ length: 80 }, (_, i) => `new ${i} ${'n'.repeat(40)}\n`).join('');
    await writeFile(path, rewritten);
    await waitFor('rewritten lines', () => a.lines.filter((line) => line.text.startsWith('new')).length === 80, 20_000, () => `${a.lines.length} lines`);
    const fresh = a.lines.filter((line) => line.text.startsWith('new'));
    expect(fresh[0]).to.include({ text: `new 0 ${'n'.repeat(40)}`, offset: 0 });
    expect(fresh[0]?.streamId).to.not.equal(a.lines[0]?.streamId);
    expect(numbers(fresh)).to.deep.equal(Array.from({ length: 80 }, (_, i) => i));
    // Nothing of the new content was read at the old stream's offsets.
    expect(a.lines.filter((line) => line.streamId === a.lines[0]?.streamId).every((line) => line.text.startsWith('old'))).to.equal(true);
    await a.stop();
  });

  it('starts at the end on the first start only, and reads files found later from 0', async () => {
    await writeFile(join(dir, 'a.log'), 'old 0\nold 1\n');
    const { lines, stop } = await start({ include: [`${dir}/*.log`], startAt: 'end' });
    await waitFor('first scan', async () => (await stat(checkpointPath).catch(() => undefined)) !== undefined);
    await appendFile(join(dir, 'a.log'), 'new 0\n');
    await writeFile(join(dir, 'b.log'), 'b 0\n');
    await waitFor('new lines', () => lines.length === 2);
    expect(lines.map((line) => line.text).sort()).to.deep.equal(['b 0', 'new 0']);
    await stop();
    await writeFile(join(dir, 'c.log'), 'c 0\n'); // created while the agent was down
    const again = await start({ include: [`${dir}/*.log`], startAt: 'end' });
    await waitFor('file created while down', () => again.lines.length === 1);
    expect(again.lines[0]?.text).to.equal('c 0');
  });

  it('reads nothing while the consumer is busy (backpressure)', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, Array.from({ length: 10_000 }, (_, n) => `line ${n}\n`).join(''));
    const store = await CheckpointStore.open({ path: checkpointPath });
    const source = new TailSource({ sourceId: 'app', agentId: 'agent-1', checkpoint: store, include: [path], maxBatchLines: 100, pollIntervalMs: 10 });
    const iterator = source[Symbol.asyncIterator]();
    const { value } = await within('the first batch', iterator.next());
    expect(value?.lines.length).to.equal(100);
    // A negative check needs a window: ten poll intervals in which a reader that ignored
    // backpressure would have read the whole file.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.stats().lines).to.equal(100);
    const next = await within('the second batch', iterator.next());
    expect(next.value?.offset).to.equal(value?.nextOffset);
    expect(source.stats().lines).to.equal(200);
    await within('the source to stop', iterator.return(undefined));
    expect(source.stats().openFiles).to.equal(0);
  });

  it('hands out long lines truncated with a flag and CRLF lines without CR', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, `a\r\n${'x'.repeat(5000)}\r\nb\r\n`);
    const { lines } = await start({ include: [path], maxLineBytes: 100 });
    await waitFor('three lines', () => lines.length === 3);
    expect(lines.map(({ text, truncated }) => ({ text, truncated }))).to.deep.equal([
      { text: 'a', truncated: false },
      { text: 'x'.repeat(100), truncated: true },
      { text: 'b', truncated: false },
    ]);
  });
});
