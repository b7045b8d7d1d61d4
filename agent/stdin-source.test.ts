import { expect } from 'chai';
import { Readable } from 'node:stream';
import type { InputLine } from './source-encoder.js';
import { readStdinSource } from './stdin-source.js';

async function read(chunks: Array<string | Buffer>, maxLineBytes = 1024, maxBatchLines?: number): Promise<{ lines: InputLine[]; batches: number }> {
  const lines: InputLine[] = [];
  let batches = 0;
  await readStdinSource({
    input: Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
    agentId: 'a',
    streamId: 'stdin-1',
    maxLineBytes,
    ...(maxBatchLines === undefined ? {} : { maxBatchLines }),
    onBatch: async (batch) => {
      batches++;
      lines.push(...batch);
    },
  });
  return { lines, batches };
}

const view = (lines: InputLine[]): Array<[string, number, number, boolean]> => lines.map((l) => [l.text, l.offset, l.nextOffset, l.truncated]);

describe('readStdinSource', () => {
  it('gives exact byte offsets for LF input', async () => {
    const { lines } = await read(['alpha\nbé\n', '\nlast']);
    expect(view(lines)).to.deep.equal([
      ['alpha', 0, 6, false],
      ['bé', 6, 10, false],
      ['', 10, 11, false],
      ['last', 11, 15, false],
    ]);
  });

  it('gives exact byte offsets for CRLF input, the CR belonging to the terminator', async () => {
    const input = 'alpha\r\nbé\r\n\r\nlast\r\n';
    const { lines } = await read([input]);
    expect(view(lines)).to.deep.equal([
      ['alpha', 0, 7, false],
      ['bé', 7, 12, false],
      ['', 12, 14, false],
      ['last', 14, 20, false],
    ]);
    // Every offset points at the first byte of its line in the stream.
    const bytes = Buffer.from(input);
    for (const line of lines) expect(bytes.subarray(line.offset, line.nextOffset).toString().replace(/\r?\n$/, '')).to.equal(line.text);
  });

  it('handles a CRLF split across chunks, mixed endings and a lone CR as data', async () => {
    const { lines } = await read(['one\r', '\ntwo\nthr\rée\r', '\n']);
    expect(view(lines)).to.deep.equal([
      ['one', 0, 5, false],
      ['two', 5, 9, false],
      ['thr\rée', 9, 18, false],
    ]);
  });

  it('truncates an oversized line to maxLineBytes, flags it and keeps its full byte span', async () => {
    const long = 'x'.repeat(50);
    const { lines } = await read([long.slice(0, 20), `${long.slice(20)}\r\n`, 'ok\n', `${'y'.repeat(8)}\r\n`], 8);
    expect(view(lines)).to.deep.equal([
      ['x'.repeat(8), 0, 52, true],
      ['ok', 52, 55, false],
      ['y'.repeat(8), 55, 65, false],
    ]);
  });

  it('ships empty input as one empty last batch and splits batches at maxBatchLines', async () => {
    expect(await read([])).to.deep.equal({ lines: [], batches: 1 });
    const { lines, batches } = await read(['a\nb\nc\n'], 1024, 2);
    expect(lines.map((l) => l.text)).to.deep.equal(['a', 'b', 'c']);
    expect(batches).to.equal(2);
  });
});
