import { expect } from 'chai';
import { buildSearchBody } from '../../api/logs/search-request.js';
import { corpusPeriod } from './log-corpus.js';
import { buildScenarios, TEXT_SEARCHES } from './scenarios.js';

describe('bench/api scenarios', () => {
  const period = corpusPeriod(3);
  const scenarios = buildScenarios({ apiUrl: 'http://127.0.0.1:1', token: 'tok', opensearchUrl: 'http://127.0.0.1:9200', searchPrefix: 'sawmill-bench-api-', period });

  it('has the five API scenarios and a direct OpenSearch baseline for each search', () => {
    expect(scenarios.map((s) => `${s.target}:${s.name}`)).to.deep.equal([
      'api:search',
      'opensearch:search',
      'api:search-range-level',
      'opensearch:search-range-level',
      'api:stats-volume-24h',
      'api:stats-error-rate-24h',
      'api:stats-top-services-24h',
    ]);
    for (const s of scenarios.filter((x) => x.target === 'api')) for (const r of s.requests) expect(r.headers).to.deep.equal({ authorization: 'Bearer tok' });
  });

  it('sends OpenSearch, for each variant, the body the API builds from the API request of that variant', () => {
    for (const name of ['search', 'search-range-level']) {
      const api = scenarios.find((s) => s.name === name && s.target === 'api')!;
      const direct = scenarios.find((s) => s.name === name && s.target === 'opensearch')!;
      expect(direct.baselineOf).to.equal(name);
      expect(direct.requests).to.have.length(api.requests.length);
      api.requests.forEach((request, i) => {
        const params = new URL(request.path, 'http://x').searchParams;
        const from = params.get('from');
        const to = params.get('to');
        const expected = buildSearchBody({
          q: params.get('q') ?? undefined,
          filters: { ...(params.has('service') ? { service: params.get('service')!.split(',') } : {}), ...(params.has('level') ? { level: params.get('level')!.split(',') } : {}) },
          fromMs: from === null ? undefined : Date.parse(from),
          toMs: to === null ? undefined : Date.parse(to),
          sort: '@timestamp:desc',
          size: Number(params.get('size')),
          highlight: true,
        });
        expect(JSON.parse(direct.requests[i]!.body!)).to.deep.equal(expected);
        expect(direct.requests[i]!.path).to.equal('/sawmill-bench-api-*/_search?ignore_unavailable=true&allow_no_indices=true');
      });
    }
  });

  it('asks free text with a service filter and size 50, and ranges inside the last day', () => {
    const api = scenarios[0]!;
    expect(api.requests.map((r) => r.path)).to.deep.equal(TEXT_SEARCHES.map(({ q, service }) => `/api/v1/logs/search?${new URLSearchParams({ q, service, size: '50' }).toString()}`));
    const ranged = scenarios[2]!;
    for (const r of ranged.requests) {
      const params = new URL(r.path, 'http://x').searchParams;
      expect(params.get('level')).to.equal('ERROR,WARN');
      expect(Date.parse(params.get('from')!)).to.be.at.least(period.endMs - 86_400_000);
      expect(Date.parse(params.get('to')!)).to.be.below(period.endMs);
    }
    expect(scenarios[4]!.requests[0]!.path).to.equal(`/api/v1/stats/volume?from=2026-10-31T00%3A00%3A00.000Z&to=2026-11-01T00%3A00%3A00.000Z&interval=5m`);
  });
});
