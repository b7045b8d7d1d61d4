/**
 * What the API bench sends: search (free text + service), search by time range and level, and the
 * three statistics over the last 24 h of the corpus; plus, as baselines, the two searches sent
 * straight to OpenSearch's _search with the very body the API builds (api/logs/search-request.ts).
 * Each scenario cycles through a few variants so no single cached answer is measured.
 */
import { buildSearchBody, type SearchParams } from '../../api/logs/search-request.js';
import type { CorpusPeriod } from './log-corpus.js';

/** One HTTP request of a scenario. */
export interface ScenarioRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A named load: requests sent in turn to `baseUrl`. */
export interface Scenario {
  readonly name: string;
  readonly target: 'api' | 'opensearch';
  /** For a baseline: the API scenario it is the direct equivalent of. */
  readonly baselineOf?: string;
  readonly baseUrl: string;
  readonly requests: readonly ScenarioRequest[];
  /** True when the answer is a search page whose total hits are worth reporting. */
  readonly search: boolean;
}

const HOUR_MS = 3_600_000;

/** Free-text searches, each restricted to the service whose lines contain the words. */
export const TEXT_SEARCHES: ReadonlyArray<{ q: string; service: string }> = [
  { q: 'card declined', service: 'payments' },
  { q: 'slow query', service: 'inventory' },
  { q: 'Failed password', service: 'sshd' },
  { q: 'PacketResponder terminating', service: 'hdfs-datanode' },
  { q: 'Login succeeded', service: 'auth' },
];

const RANGE_LEVELS = ['ERROR', 'WARN'];

/** Four 6-hour ranges of the last day of the corpus. */
function searchRanges(period: CorpusPeriod): Array<{ fromMs: number; toMs: number }> {
  return [0, 1, 2, 3].map((i) => ({ fromMs: period.endMs - 24 * HOUR_MS + i * 6 * HOUR_MS, toMs: period.endMs - 24 * HOUR_MS + (i + 1) * 6 * HOUR_MS - 1 }));
}

function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** Options of buildScenarios. */
export interface ScenarioOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly opensearchUrl: string;
  /** The API's search prefix: it searches `<searchPrefix>*`. */
  readonly searchPrefix: string;
  readonly period: CorpusPeriod;
}

/** Every scenario, API ones first, each baseline right after its API scenario. */
export function buildScenarios(options: ScenarioOptions): Scenario[] {
  const { apiUrl, period } = options;
  const auth = { authorization: `Bearer ${options.token}` };
  const api = (path: string): ScenarioRequest => ({ method: 'GET', path, headers: auth });
  const direct = (params: SearchParams): ScenarioRequest => ({
    method: 'POST',
    // The same index pattern and options as api/logs/log-store.ts sends through the client.
    path: `/${options.searchPrefix}*/_search?ignore_unavailable=true&allow_no_indices=true`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildSearchBody(params)),
  });
  // The API's defaults for what the requests leave out: newest first, highlights on.
  const searchDefaults = { sort: '@timestamp:desc', highlight: true, size: 50 } as const;
  const ranges = searchRanges(period);
  const day = query({ from: new Date(period.endMs - 24 * HOUR_MS).toISOString(), to: new Date(period.endMs).toISOString() });

  return [
    {
      name: 'search',
      target: 'api',
      baseUrl: apiUrl,
      search: true,
      requests: TEXT_SEARCHES.map(({ q, service }) => api(`/api/v1/logs/search?${query({ q, service, size: '50' })}`)),
    },
    {
      name: 'search',
      target: 'opensearch',
      baselineOf: 'search',
      baseUrl: options.opensearchUrl,
      search: true,
      requests: TEXT_SEARCHES.map(({ q, service }) => direct({ ...searchDefaults, q, filters: { service: [service] } })),
    },
    {
      name: 'search-range-level',
      target: 'api',
      baseUrl: apiUrl,
      search: true,
      requests: ranges.map(({ fromMs, toMs }) =>
        api(`/api/v1/logs/search?${query({ level: RANGE_LEVELS.join(','), from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), size: '50' })}`),
      ),
    },
    {
      name: 'search-range-level',
      target: 'opensearch',
      baselineOf: 'search-range-level',
      baseUrl: options.opensearchUrl,
      search: true,
      requests: ranges.map(({ fromMs, toMs }) => direct({ ...searchDefaults, filters: { level: RANGE_LEVELS }, fromMs, toMs })),
    },
    { name: 'stats-volume-24h', target: 'api', baseUrl: apiUrl, search: false, requests: [api(`/api/v1/stats/volume?${day}&interval=5m`)] },
    { name: 'stats-error-rate-24h', target: 'api', baseUrl: apiUrl, search: false, requests: [api(`/api/v1/stats/error-rate?${day}&interval=5m`)] },
    { name: 'stats-top-services-24h', target: 'api', baseUrl: apiUrl, search: false, requests: [api(`/api/v1/stats/top?${day}&dimension=service&limit=10`)] },
  ];
}
