import { expect } from 'chai';
import { buildSearchBody } from './search-request.js';

describe('buildSearchBody', () => {
  it('puts the text on message only, filters as terms, the range on @timestamp, and a fixed sort with a tie-breaker', () => {
    const body = buildSearchBody({ q: 'level:x OR 1=1', filters: { service: ['checkout'], level: ['ERROR', 'FATAL'] }, fromMs: 1, toMs: 2, sort: '@timestamp:asc', size: 10, searchAfter: [5, 'e'], highlight: true });
    expect(body).to.deep.equal({
      query: {
        bool: {
          filter: [{ terms: { service: ['checkout'] } }, { terms: { level: ['ERROR', 'FATAL'] } }, { range: { '@timestamp': { gte: 1, lte: 2, format: 'epoch_millis' } } }],
          must: [{ simple_query_string: { query: 'level:x OR 1=1', fields: ['message'], default_operator: 'and', flags: 'AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE|PREFIX', lenient: true, analyze_wildcard: false } }],
        },
      },
      sort: [{ '@timestamp': { order: 'asc' } }, { eventId: { order: 'asc' } }],
      size: 10,
      track_total_hits: 10_000,
      search_after: [5, 'e'],
      highlight: { fields: { message: { number_of_fragments: 0 } }, pre_tags: ['<mark>'], post_tags: ['</mark>'], encoder: 'html' },
    });
  });

  it('has no must clause, highlight or search_after when not asked', () => {
    const body = buildSearchBody({ q: '  ', filters: {}, sort: '@timestamp:desc', size: 5, highlight: true });
    expect(body).to.deep.equal({ query: { bool: { filter: [] } }, sort: [{ '@timestamp': { order: 'desc' } }, { eventId: { order: 'desc' } }], size: 5, track_total_hits: 10_000 });
  });
});
