/**
 * A private Prometheus (Debian's `prometheus` binary, installed by
 * infra/local/components/prometheus.sh install) that evaluates the repository's real alert rules
 * against a drill's services, so a drill proves an alert is raised rather than that a metric moved.
 *
 * The drill stack exposes each service's /metrics only through `stack.metrics(service)`, so each
 * scraped job is a small HTTP relay in the test process that answers with that text. Scrapes and
 * rule evaluations run every second; an alert with a long `for:` shows as `pending` within seconds
 * and as `firing` only after its `for:`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '../../support/wait-for.js';

/** The pipeline rules every drill evaluates. */
export const PIPELINE_RULES_FILE = resolve(import.meta.dirname, '../../../infra/prometheus/rules/sawmill-pipeline.rules.yml');

/** One alert as Prometheus' /api/v1/alerts lists it. */
export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
  readonly value?: string;
}

/** One scraped job: its name (the `job` label) and where its metrics text comes from. */
export interface ScrapedJob {
  readonly job: string;
  readonly metrics: () => Promise<string>;
}

/** A running private Prometheus. */
export interface PrivatePrometheus {
  readonly url: string;
  /** Every pending or firing alert now. */
  alerts(): Promise<PrometheusAlert[]>;
  /** An instant query: each result series' labels and value. */
  query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]>;
  /** Waits until alert `name` (with `labels`, if given) is in one of `states`; returns it. */
  waitForAlert(name: string, states: readonly ('pending' | 'firing')[], options?: { timeoutMs?: number; labels?: Readonly<Record<string, string>> }): Promise<PrometheusAlert>;
  /** The last lines Prometheus printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** prometheus.yml for jobs relayed on the given ports, 1 s scrape and evaluation. */
export function prometheusConfig(rulesFiles: readonly string[], jobs: readonly { job: string; port: number }[]): string {
  const lines = ['global:', '  scrape_interval: 1s', '  scrape_timeout: 900ms', '  evaluation_interval: 1s', 'rule_files:'];
  for (const file of rulesFiles) lines.push(`  - ${JSON.stringify(file)}`);
  lines.push('scrape_configs:');
  for (const { job, port } of jobs) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_-]*$/.test(job)) throw new Error(`job name ${JSON.stringify(job)}: letters, digits, _ and - only`);
    lines.push(`  - job_name: ${JSON.stringify(job)}`, '    static_configs:', `      - targets: ["127.0.0.1:${port}"]`);
  }
  return `${lines.join('\n')}\n`;
}

/** The alerts named `name` whose labels include `labels`, from an /api/v1/alerts answer. */
export function matchingAlerts(answer: unknown, name: string, labels: Readonly<Record<string, string>> = {}): PrometheusAlert[] {
  const alerts = (answer as { data?: { alerts?: PrometheusAlert[] } } | null)?.data?.alerts;
  if (!Array.isArray(alerts)) throw new Error(`not an /api/v1/alerts answer: ${JSON.stringify(answer).slice(0, 200)}`);
  return alerts.filter((a) => a.labels['alertname'] === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function startRelay(job: ScrapedJob): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    job.metrics().then(
      (text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
      // The service is down or restarting: a failed scrape (`up` 0), as Prometheus would see it.
      (error: unknown) => response.writeHead(503).end(String(error)),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Starts Prometheus on a free port with `rulesFiles`, scraping `jobs`; resolves once it is ready. */
export async function startPrivatePrometheus(jobs: readonly ScrapedJob[], rulesFiles: readonly string[] = [PIPELINE_RULES_FILE]): Promise<PrivatePrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'drill-prometheus-'));
  const relays = await Promise.all(jobs.map(startRelay));
  const port = await freePort();
  await writeFile(join(dir, 'prometheus.yml'), prometheusConfig(rulesFiles, jobs.map((j, i) => ({ job: j.job, port: relays[i]!.port }))));
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(relays.map(({ server }) => new Promise((done) => server.close(done))));
    await rm(dir, { recursive: true, force: true });
  };

  const alerts = async (): Promise<PrometheusAlert[]> => {
    const response = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) });
    const answer: unknown = await response.json();
    return (answer as { data: { alerts: PrometheusAlert[] } }).data.alerts;
  };

  try {
    await waitFor('the private Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${output}`);
      return fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    }, { timeoutMs: 30_000, intervalMs: 200 });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    alerts,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
      const answer = (await response.json()) as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
      return (answer.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    output: () => output,
    stop,
    async waitForAlert(name, states, options = {}) {
      let found: PrometheusAlert | undefined;
      let seen: PrometheusAlert[] = [];
      await waitFor(`alert ${name} ${states.join(' or ')}`, async () => {
        const answer = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.json() as Promise<unknown>);
        seen = matchingAlerts(answer, name, options.labels);
        found = seen.find((a) => (states as readonly string[]).includes(a.state));
        return found !== undefined;
      }, { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 500, detail: () => `(seen: ${JSON.stringify(seen)}; prometheus: ${output.slice(-500)})` });
      return found!;
    },
  };
}
