import { expect } from 'chai';
import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headsAgree, judgeCopy, newStreamContent, recordLine, type StreamContent } from './copy-detection.js';

describe('copy-detection', () => {
  let dir: string;
  const handles: FileHandle[] = [];
  const text = Array.from({ length: 300 }, (_, n) => `line ${n} ${'x'.repeat(n % 20)}\n`).join('');
  /** The stream's memory after reading `text` to `cursor` line by line, as the tail source records it. */
  function readTo(cursor: number): StreamContent {
    const content = newStreamContent(Buffer.from(text).subarray(0, 1024), 0);
    let offset = 0;
    for (const line of text.split('\n').slice(0, -1)) {
      const nextOffset = offset + Buffer.byteLength(line) + 1;
      if (nextOffset > cursor) break;
      recordLine(content, { offset, nextOffset, text: line, truncated: false });
      offset = nextOffset;
    }
    return content;
  }
  async function file(name: string, body: string): Promise<{ handle: FileHandle; size: number; head: Buffer }> {
    await writeFile(join(dir, name), body);
    const handle = await open(join(dir, name), 'r');
    handles.push(handle);
    return { handle, size: Buffer.byteLength(body), head: Buffer.from(body).subarray(0, 1024) };
  }
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-copy-'));
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('compares heads over the length both have, never over nothing', () => {
    expect(headsAgree(Buffer.from('abc'), Buffer.from('abcdef'))).to.equal(true);
    expect(headsAgree(Buffer.from('abx'), Buffer.from('abcdef'))).to.equal(false);
    expect(headsAgree(Buffer.from(''), Buffer.from('abc'))).to.equal(false);
  });

  it('takes a copy that reaches the cursor with the same last line as a copy, and one that is shorter as waiting', async () => {
    const content = readTo(5000);
    expect(content.ladder.map((anchor) => anchor.nextOffset >= 1024)).to.deep.equal([true, true, true]);
    expect(await judgeCopy(content, await file('full', text))).to.equal('copy');
    expect(await judgeCopy(content, await file('partial', text.slice(0, 3000)))).to.equal('waiting');
    expect(await judgeCopy(content, await file('tiny', text.slice(0, 50)))).to.equal('waiting');
  });

  it('tells a different file by its head, by a ladder anchor, or by the last line', async () => {
    const content = readTo(5000);
    expect(await judgeCopy(content, await file('head', `other\n${text}`))).to.equal('different');
    // Same first 2 KiB, then other lines: caught by the anchor past 2 KiB although shorter than the cursor.
    const diverging = text.slice(0, 2048) + text.slice(2048).replace(/line/g, 'LINE');
    expect(await judgeCopy(content, await file('ladder', diverging.slice(0, 4500)))).to.equal('different');
    const lastChanged = text.slice(0, content.lastLine?.offset) + 'changed\n' + text.slice(content.cursor);
    expect(await judgeCopy(content, await file('last', lastChanged))).to.equal('different');
  });

  it('compares with the stream open file while it is read, and is inconclusive when that file changed meanwhile', async () => {
    const content = readTo(5000);
    const live = await file('live', text);
    const liveFile = (unchanged: boolean) => ({ handle: live.handle, size: live.size, unchanged: async () => unchanged });
    expect(await judgeCopy(content, await file('copying', text.slice(0, 700)), liveFile(true))).to.equal('waiting');
    expect(await judgeCopy(content, await file('other', text.slice(0, 1500) + 'zzz\n'), liveFile(true))).to.equal('different');
    expect(await judgeCopy(content, await file('other2', text.slice(0, 1500) + 'zzz\n'), liveFile(false))).to.equal('inconclusive');
  });
});
