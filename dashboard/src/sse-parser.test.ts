import { expect } from 'chai';
import { MAX_SSE_LINE, SseParser } from './sse-parser.js';

describe('dashboard SSE parser', () => {
  it('parses named events, comments and multi-line data across arbitrary chunk splits', () => {
    const text = ': keep-alive\n\nevent: ready\ndata: {"filters":{}}\n\nid: e1\nevent: log\ndata: {"a":1}\n\ndata: one\ndata: two\n\n';
    const parser = new SseParser();
    const got = [];
    for (const char of text) got.push(...parser.push(char));
    expect(got).to.deep.equal([
      { event: 'ready', data: '{"filters":{}}', id: undefined },
      { event: 'log', data: '{"a":1}', id: 'e1' },
      { event: 'message', data: 'one\ntwo', id: 'e1' },
    ]);
  });
  it('accepts CRLF and CR line ends, including a CRLF split between chunks', () => {
    const parser = new SseParser();
    expect(parser.push('event: log\r')).to.deep.equal([]);
    // The trailing CR may be half of a CRLF: nothing is dispatched until the next chunk says.
    expect(parser.push('\ndata: x\r\r')).to.deep.equal([]);
    expect(parser.push('\n')).to.deep.equal([{ event: 'log', data: 'x', id: undefined }]);
  });
  it('dispatches nothing for a block without data and ignores unknown fields', () => {
    const parser = new SseParser();
    expect(parser.push('event: skipped\nretry: 10\nbogus\n\n')).to.deep.equal([]);
  });
  it('refuses an endless line instead of buffering without bound', () => {
    const parser = new SseParser();
    expect(() => parser.push('data: ' + 'x'.repeat(MAX_SSE_LINE))).to.throw(/longer than/);
  });
});
