import { expect } from 'chai';
import { normalizeId, parseTraceparent, resolveTraceContext, traceFromText } from './trace-context.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

describe('resolveTraceContext', () => {
  it("takes the agent's promoted ids first, lower-casing hex", () => {
    expect(resolveTraceContext({ traceId: T.toUpperCase(), spanId: S }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['traceId', 'spanId'] });
  });
  it('reads a W3C traceparent field', () => {
    expect(resolveTraceContext({ traceparent: `00-${T}-${S}-01` }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['traceparent'] });
  });
  it('reads B3 headers, the single b3 header and Jaeger uber-trace-id', () => {
    expect(resolveTraceContext({ 'X-B3-TraceId': T, 'X-B3-SpanId': S }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['X-B3-TraceId', 'X-B3-SpanId'] });
    expect(resolveTraceContext({ b3: `${T}-${S}-1` }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['b3'] });
    expect(resolveTraceContext({ 'uber-trace-id': `${T}:${S}:0:1` }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['uber-trace-id'] });
  });
  it('reads named fields: trace_id, traceId, dd.trace_id (decimal kept)', () => {
    expect(resolveTraceContext({ trace_id: T, span_id: S }, '', true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: ['trace_id', 'span_id'] });
    expect(resolveTraceContext({ 'dd.trace_id': '1234567890123456789', 'dd.span_id': '987654321' }, '', true)).to.deep.equal({ traceId: '1234567890123456789', spanId: '987654321', sourceKeys: ['dd.trace_id', 'dd.span_id'] });
  });
  it('finds ids in the text when no field has them, and only with scanText', () => {
    expect(resolveTraceContext({}, `GET /x trace_id=${T} span_id=${S} done`, true)).to.deep.equal({ traceId: T, spanId: S, sourceKeys: [] });
    expect(resolveTraceContext({}, `GET /x trace_id=${T}`, false)).to.deep.equal({ traceId: null, spanId: null, sourceKeys: [] });
    expect(traceFromText(`handled traceparent: 00-${T}-${S}-01 ok`)).to.deep.equal({ traceId: T, spanId: S });
    expect(traceFromText(`[traceId: "${T.toUpperCase()}"]`)).to.deep.equal({ traceId: T });
    expect(traceFromText('a stack trace follows')).to.deep.equal({});
    expect(traceFromText('trace_id=zzzzzzzzzz')).to.deep.equal({});
  });
  it('refuses invalid ids: zero, version ff, whitespace, too long, wrong shape', () => {
    expect(parseTraceparent(`00-${'0'.repeat(32)}-${S}-01`)).to.equal(undefined);
    expect(parseTraceparent(`ff-${T}-${S}-01`)).to.equal(undefined);
    expect(parseTraceparent(`00-${T}-${S}`)).to.equal(undefined);
    expect([' ', 'a b', 'x'.repeat(129), '0000', '\u0000abc', ''].map(normalizeId)).to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(resolveTraceContext({ trace_id: 'has space', traceparent: 'garbage' }, '', true)).to.deep.equal({ traceId: null, spanId: null, sourceKeys: [] });
  });
  it('bounds the text scan on a huge line', () => {
    const huge = `${'trace '.repeat(1_000_000)}trace_id=${T}`;
    expect(traceFromText(huge)).to.deep.equal({});
  });
});
