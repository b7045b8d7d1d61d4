/**
 * Runs one scenario with autocannon at a fixed overall request rate and reduces the answer to
 * what the report shows. Each distinct request is first sent once (warm-up, not measured) and
 * checked; a scenario with any non-2xx answer, connection error or timeout is `failed`.
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import type { Scenario, ScenarioRequest } from './scenarios.js';

/** How hard to push. */
export interface LoadSettings {
  /** Requests per second over all connections. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly connections: number;
}

/** The measured result of one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly target: 'api' | 'opensearch';
  readonly baseline_of: string | null;
  readonly status: 'ok' | 'failed';
  /** Why the scenario failed; empty when ok. */
  readonly failures: string[];
  readonly target_rate_per_s: number;
  readonly duration_s: number;
  readonly requests: number;
  readonly requests_per_s: number;
  readonly latency_ms: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly non_2xx: number;
  readonly status_codes: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  readonly bytes_per_s: number;
  /** One-minute load average of the machine when the scenario ended: other work on the host skews the latencies. */
  readonly load_avg_1m: number;
  /** Search scenarios: total hits of each variant in the warm-up (OpenSearch counts up to 10,000, then says `gte`). */
  readonly hits_per_variant: number[] | null;
}

/** A short, single-line excerpt of an answer for a failure message. */
function excerpt(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200);
}

/** Sends each request once; returns failure messages and (for searches) the total hits per variant. */
async function warmUp(scenario: Scenario): Promise<{ failures: string[]; hits: number[] }> {
  const failures: string[] = [];
  const hits: number[] = [];
  for (const request of scenario.requests) {
    const response = await fetch(`${scenario.baseUrl}${request.path}`, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      failures.push(`warm-up ${request.method} ${request.path} answered ${response.status}: ${excerpt(text)}`);
      continue;
    }
    if (scenario.search) {
      const body = JSON.parse(text) as { total?: { value?: number }; hits?: { total?: { value?: number } } };
      // The API answers { total }, OpenSearch { hits: { total } }.
      hits.push(Number(body.total?.value ?? body.hits?.total?.value ?? 0));
    }
  }
  return { failures, hits };
}

function toAutocannonRequest(request: ScenarioRequest): autocannon.Request {
  return { method: request.method, path: request.path, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) };
}

/** Runs `scenario` at `settings`; never throws for bad answers (they make the result `failed`). */
export async function runScenario(scenario: Scenario, settings: LoadSettings): Promise<ScenarioResult> {
  const warm = await warmUp(scenario);
  const failures = [...warm.failures];
  if (scenario.search && warm.hits.some((n) => n === 0)) failures.push(`a search variant found no logs (hits ${warm.hits.join(', ')}): the data is not what the scenario expects`);
  const result = await autocannon({
    url: scenario.baseUrl,
    connections: settings.connections,
    overallRate: settings.rate,
    duration: settings.durationSeconds,
    timeout: 30,
    requests: scenario.requests.map(toAutocannonRequest),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  if (result.non2xx > 0) failures.push(`${result.non2xx} non-2xx answers (${Object.entries(statusCodes).map(([code, n]) => `${code}: ${n}`).join(', ')})`);
  if (result.errors > 0) failures.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  const requests = result.requests.total;
  const requestsPerS = requests / result.duration;
  // The rate is an upper bound: when answers are slower than connections / rate allows, fewer are sent.
  if (requestsPerS < settings.rate * 0.9) failures.push(`the target rate was not kept: ${requestsPerS.toFixed(1)} of ${settings.rate} req/s`);
  return {
    name: scenario.name,
    target: scenario.target,
    baseline_of: scenario.baselineOf ?? null,
    status: failures.length === 0 ? 'ok' : 'failed',
    failures,
    target_rate_per_s: settings.rate,
    duration_s: Number(result.duration.toFixed(2)),
    requests,
    requests_per_s: Number(requestsPerS.toFixed(2)),
    latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: Number(result.latency.mean.toFixed(2)) },
    non_2xx: result.non2xx,
    status_codes: statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    bytes_per_s: Math.round(result.throughput.mean),
    load_avg_1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    hits_per_variant: scenario.search ? warm.hits : null,
  };
}
