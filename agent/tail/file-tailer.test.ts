import { expect } from 'chai';
import { appendFile, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endStartOffset, FileTailer } from './file-tailer.js';

describe('file-tailer', () => {
  let dir: string;
  let path: string;
  const tailers: FileTailer[] = [];
  async function tail(startOffset = 0, maxLineBytes = 1000, chunkBytes?: number): Promise<FileTailer> {
    const tailer = await FileTailer.open(path, { startOffset, maxLineBytes, ...(chunkBytes ? { chunkBytes } : {}) });
    tailers.push(tailer);
    return tailer;
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-tailer-'));
    path = join(dir, 'app.log');
  });
  afterEach(async () => {
    for (const tailer of tailers.splice(0)) await tailer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads lines with their offsets and reports the end of the file', async () => {
    await writeFile(path, 'one\ntwo\n\nfour\n');
    const tailer = await tail();
    const { lines, status } = await tailer.read();
    expect(status).to.equal('eof');
    expect(lines).to.deep.equal([
      { text: 'one', offset: 0, nextOffset: 4, truncated: false },
      { text: 'two', offset: 4, nextOffset: 8, truncated: false },
      { text: '', offset: 8, nextOffset: 9, truncated: false },
      { text: 'four', offset: 9, nextOffset: 14, truncated: false },
    ]);
    expect(tailer.position).to.equal(14);
    await appendFile(path, 'five\n');
    expect((await tailer.read()).lines.map((line) => line.text)).to.deep.equal(['five']);
  });

  it('starts at a given offset', async () => {
    await writeFile(path, 'one\ntwo\n');
    expect((await (await tail(4)).read()).lines).to.deep.equal([{ text: 'two', offset: 4, nextOffset: 8, truncated: false }]);
  });

  it('holds a partial line until it is completed, across chunk boundaries', async () => {
    await writeFile(path, 'complete\nhalf');
    const tailer = await tail(0, 1000, 3);
    expect((await tailer.read()).lines.map((line) => line.text)).to.deep.equal(['complete']);
    expect(tailer.position).to.equal(9);
    expect(tailer.hasPartial).to.equal(true);
    expect((await tailer.read()).lines).to.deep.equal([]);
    await appendFile(path, ' and half\nnext');
    expect((await tailer.read()).lines).to.deep.equal([{ text: 'half and half', offset: 9, nextOffset: 23, truncated: false }]);
    expect(tailer.flushPartial()).to.deep.equal({ text: 'next', offset: 23, nextOffset: 27, truncated: false });
    expect(tailer.flushPartial()).to.equal(undefined);
    expect(tailer.position).to.equal(27);
  });

  it('removes the CR of CRLF line ends, also when CR and LF fall in different chunks', async () => {
    await writeFile(path, 'ab\r\ncd\r\n\r\nlone\rcr\n');
    for (const chunkBytes of [64 * 1024, 1, 2, 3]) {
      const { lines } = await (await tail(0, 1000, chunkBytes)).read(100);
      expect(lines.map((line) => line.text), `chunk ${chunkBytes}`).to.deep.equal(['ab', 'cd', '', 'lone\rcr']);
      expect(lines.map((line) => line.nextOffset)).to.deep.equal([4, 8, 10, 18]);
    }
  });

  it('truncates long lines with a flag, keeps the following lines, and buffers no more than the limit', async () => {
    const long = 'L'.repeat(100_000);
    await writeFile(path, `short\n${long}\nafter\n${'M'.repeat(11)}\r\n`);
    for (const chunkBytes of [64 * 1024, 7]) {
      const { lines } = await (await tail(0, 10, chunkBytes)).read(100, 10_000_000);
      expect(lines, `chunk ${chunkBytes}`).to.deep.equal([
        { text: 'short', offset: 0, nextOffset: 6, truncated: false },
        { text: 'L'.repeat(10), offset: 6, nextOffset: 100_007, truncated: true },
        { text: 'after', offset: 100_007, nextOffset: 100_013, truncated: false },
        { text: 'M'.repeat(10), offset: 100_013, nextOffset: 100_026, truncated: true },
      ]);
    }
    // Exactly the limit, with CRLF, is not truncated.
    await writeFile(path, `${'x'.repeat(10)}\r\n`);
    expect((await (await tail(0, 10, 4)).read()).lines[0]).to.include({ truncated: false, text: 'x'.repeat(10) });
  });

  it('never cuts a UTF-8 character in two when truncating', async () => {
    await writeFile(path, `ab€€€\n`); // € is 3 bytes
    const { lines } = await (await tail(0, 4)).read();
    expect(lines[0]).to.deep.include({ text: 'ab', truncated: true });
    const held = await tail(0, 6, 1);
    expect((await held.read(10)).lines[0]).to.deep.include({ text: 'ab€', truncated: true });
  });

  it('reports truncation when the file shrinks below what was read', async () => {
    await writeFile(path, 'one\ntwo\n');
    const tailer = await tail();
    await tailer.read();
    await truncate(path, 0);
    expect(await tailer.read()).to.deep.equal({ lines: [], status: 'truncated' });
  });

  it('stops after maxLines and continues where it stopped', async () => {
    await writeFile(path, Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    const tailer = await tail(0, 1000, 8);
    const first = await tailer.read(3);
    expect(first.status).to.equal('data');
    const rest = await tailer.read(100);
    const all = [...first.lines, ...rest.lines];
    expect(all.map((line) => line.text)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    for (let i = 1; i < all.length; i += 1) expect(all[i]?.offset).to.equal(all[i - 1]?.nextOffset);
  });

  it('finds where reading from the end starts: past the last newline', async () => {
    const handle = await open(path, 'w+');
    try {
      expect(await endStartOffset(handle)).to.equal(0);
      await handle.write('a\nb\n');
      expect(await endStartOffset(handle)).to.equal(4);
      await handle.write('partial');
      expect(await endStartOffset(handle)).to.equal(4);
      await handle.write('x'.repeat(200_000));
      expect(await endStartOffset(handle)).to.equal(4);
    } finally {
      await handle.close();
    }
  });

  it('rejects a bad start offset', async () => {
    await writeFile(path, '');
    let error: unknown;
    try {
      await tail(-1);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(TypeError);
  });
});
