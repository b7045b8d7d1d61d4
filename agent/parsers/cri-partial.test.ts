import { expect } from 'chai';
import { CriPartialAssembler, type CriJoinedLine } from './cri-partial.js';

interface Meta {
  offset: number;
  nextOffset: number;
}

/** Feeds lines with byte offsets as a file would have them; returns every output. */
function feed(assembler: CriPartialAssembler<Meta>, texts: string[], start = 0): { out: CriJoinedLine<Meta>[]; end: number } {
  let offset = start;
  const out: CriJoinedLine<Meta>[] = [];
  for (const text of texts) {
    const meta = { offset, nextOffset: offset + Buffer.byteLength(text) + 1 };
    offset = meta.nextOffset;
    out.push(...assembler.push(text, meta));
  }
  return { out, end: offset };
}

const view = (out: CriJoinedLine<Meta>[]): Array<[string, number, number, boolean, number]> => out.map((o) => [o.text, o.ackOffset, o.ackNextOffset, o.split, o.metas.length]);

const T1 = '2026-12-01T10:00:00.000000001Z';
const T2 = '2026-12-01T10:00:00.000000002Z';
const T3 = '2026-12-01T10:00:00.000000003Z';

describe('CriPartialAssembler', () => {
  it('joins P chunks up to the F line without a separator, with the first chunk time', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 100 });
    const lines = [`${T1} stdout P {"msg":"he`, `${T2} stdout P llo wo`, `${T3} stdout F rld"}`, `${T3} stdout F next`];
    const { out, end } = feed(a, lines);
    expect(view(out)).to.deep.equal([
      [`${T1} stdout F {"msg":"hello world"}`, 0, Buffer.byteLength(lines.slice(0, 3).join('\n')) + 1, false, 3],
      [lines[3], end - Buffer.byteLength(lines[3] ?? '') - 1, end, false, 1],
    ]);
    expect(a.pending).to.equal(false);
  });

  it('holds nothing back for F lines and non-CRI lines', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 100 });
    expect(view(a.push(`${T1} stdout F one`, { offset: 0, nextOffset: 10 }))).to.deep.equal([[`${T1} stdout F one`, 0, 10, false, 1]]);
    expect(view(a.push('plain text', { offset: 10, nextOffset: 21 }))).to.deep.equal([['plain text', 10, 21, false, 1]]);
  });

  it('joins per container stream and keeps first-line order; ack ranges are contiguous and never claim a held line', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 100 });
    // 0: stdout P a | 10: stderr P x | 20: stdout F b | 30: stderr F y | 40: stdout F c
    const push = (text: string, offset: number): CriJoinedLine<Meta>[] => a.push(text, { offset, nextOffset: offset + 10 });
    expect(push(`${T1} stdout P a`, 0)).to.deep.equal([]);
    expect(push(`${T1} stderr P x`, 10)).to.deep.equal([]);
    // stdout is finished but must not acknowledge past 10, where the held stderr line starts.
    expect(view(push(`${T2} stdout F b`, 20))).to.deep.equal([[`${T1} stdout F ab`, 0, 10, false, 2]]);
    expect(view(push(`${T2} stderr F y`, 30))).to.deep.equal([[`${T1} stderr F xy`, 10, 40, false, 2]]);
    expect(view(push(`${T3} stdout F c`, 40))).to.deep.equal([[`${T3} stdout F c`, 40, 50, false, 1]]);
  });

  it('a finished line waits behind an older unfinished one, and both leave together', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 100 });
    const push = (text: string, offset: number): CriJoinedLine<Meta>[] => a.push(text, { offset, nextOffset: offset + 10 });
    expect(push(`${T1} stdout P a`, 0)).to.deep.equal([]);
    expect(push(`${T1} stderr F e`, 10)).to.deep.equal([]);
    expect(push('not cri', 20)).to.deep.equal([]);
    expect(view(push(`${T2} stdout F b`, 30))).to.deep.equal([
      [`${T1} stdout F ab`, 0, 10, false, 2],
      [`${T1} stderr F e`, 10, 20, false, 1],
      ['not cri', 20, 40, false, 1],
    ]);
  });

  it('hands on the joined part when maxBytes would be exceeded, tagged P and split, then goes on', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 5, maxLines: 100 });
    const { out } = feed(a, [`${T1} stdout P abc`, `${T2} stdout P de`, `${T3} stdout P fg`, `${T3} stdout F h`]);
    expect(out.map((o) => [o.text, o.split, o.metas.length])).to.deep.equal([
      [`${T1} stdout P abcde`, true, 2],
      [`${T3} stdout F fgh`, false, 2],
    ]);
    // A single chunk above the limit is still one line.
    const big = new CriPartialAssembler<Meta>({ maxBytes: 2, maxLines: 100 });
    expect(feed(big, [`${T1} stdout F abcdef`]).out.map((o) => o.text)).to.deep.equal([`${T1} stdout F abcdef`]);
  });

  it('bounds the lines held behind an unfinished line by maxLines', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 3 });
    const { out } = feed(a, [`${T1} stdout P a`, `${T1} stderr F 1`, `${T1} stderr F 2`, `${T1} stderr F 3`]);
    expect(out.map((o) => [o.text, o.split])).to.deep.equal([
      [`${T1} stdout P a`, true],
      [`${T1} stderr F 1`, false],
      [`${T1} stderr F 2`, false],
      [`${T1} stderr F 3`, false],
    ]);
    expect(a.pending).to.equal(false);
  });

  it('flush hands on unfinished lines as they are, covering every byte read', () => {
    const a = new CriPartialAssembler<Meta>({ maxBytes: 1000, maxLines: 100 });
    const { out, end } = feed(a, [`${T1} stdout P a`, `${T2} stdout P b`, `${T2} stderr P z`]);
    expect(out).to.deep.equal([]);
    expect(a.pending).to.equal(true);
    const flushed = a.flush();
    expect(flushed.map((o) => [o.text, o.split])).to.deep.equal([
      [`${T1} stdout P ab`, true],
      [`${T2} stderr P z`, true],
    ]);
    expect(flushed[0]?.ackOffset).to.equal(0);
    expect(flushed[0]?.ackNextOffset).to.equal(flushed[1]?.ackOffset);
    expect(flushed[1]?.ackNextOffset).to.equal(end);
    expect(a.pending).to.equal(false);
    expect(() => new CriPartialAssembler<Meta>({ maxBytes: 0, maxLines: 1 })).to.throw(RangeError);
  });
});
