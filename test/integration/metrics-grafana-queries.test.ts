// The Grafana provisioning names only what exists. Every PromQL query of every dashboard (and every
// expression of the Prometheus rule files) may read only: a metric a Sawmill service exports (its
// registry built through the service's own factories, or a `metricName(...)` registration found in
// the sources), a recording rule, or Prometheus' own `up`. A deliberately wrong fixture proves the
// check fails. Every PostgreSQL query runs, Grafana macros expanded, against a fresh database with
// the project's migrations and known rows, and must return the expected numbers.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { parse } from 'yaml';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import { ensureTestDatabase } from '../support/test-database.js';
import { promqlMetricNames } from './metrics-promql-names.js';
import { buildServiceRegistries, exposedSeriesNames, recordingRuleNames, REPO_ROOT, scanSourceMetricNames } from './metrics-sources.js';

const GRAFANA_DIR = join(REPO_ROOT, 'infra/grafana');
const DASHBOARD_DIR = join(GRAFANA_DIR, 'dashboards');
const RULES_DIR = join(REPO_ROOT, 'infra/prometheus/rules');
const PG_BASE = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

/** Series Prometheus itself writes for every target. */
const PROMETHEUS_SERIES = new Set(['up']);

interface Target {
  refId: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  rawSql?: string;
  format?: string;
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

/** A query naming a metric nothing exports. */
interface UnknownMetric {
  dashboard: string;
  panel: string;
  expr: string;
  name: string;
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** Every metric a dashboard's PromQL reads that is not in `known`. */
function unknownMetrics(dashboard: Dashboard, known: ReadonlySet<string>): UnknownMetric[] {
  const unknown: UnknownMetric[] = [];
  for (const panel of allPanels(dashboard.panels)) {
    for (const target of panel.targets ?? []) {
      if (target.expr === undefined) continue;
      for (const name of promqlMetricNames(target.expr)) {
        if (!known.has(name)) unknown.push({ dashboard: dashboard.uid, panel: panel.title, expr: target.expr, name });
      }
    }
  }
  return unknown;
}

function loadDashboards(): Dashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard);
}

/** Data sources provisioned: uid → type. */
function provisionedDataSources(): Map<string, string> {
  const dir = join(GRAFANA_DIR, 'provisioning/datasources');
  const sources = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { datasources: { uid: string; type: string }[] };
    for (const source of doc.datasources) sources.set(source.uid, source.type);
  }
  return sources;
}

describe('Grafana provisioning names only what Sawmill exports (integration)', function () {
  this.timeout(60_000);
  const dashboards = loadDashboards();
  let known: Set<string>;

  before(async () => {
    const registries = buildServiceRegistries();
    known = new Set([...PROMETHEUS_SERIES, ...recordingRuleNames(), ...scanSourceMetricNames().keys()]);
    for (const entry of registries) for (const name of exposedSeriesNames(await entry.registry.metrics())) known.add(name);
    await Promise.all(registries.map((r) => r.close()));
  });

  it('finds the exported names it checks against (the registries and the source scan both answered)', () => {
    for (const name of [
      'sawmill_agent_lines_acknowledged_total',
      'sawmill_canary_ingest_to_searchable_seconds_bucket',
      'sawmill_sink_lag_records',
      'sawmill_topology_lag_records',
      'sawmill_notifier_dead_letters_total',
      'sawmill_stream_alerts_emitted_total',
      'sawmill_registry_http_requests_total',
      'sawmill_sink_opensearch_bulk_requests_total',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'job:sawmill_canary_ingest_to_searchable_seconds:p99',
    ]) {
      expect(known.has(name), name).to.equal(true);
    }
    // prom-client's misnamed gauges are removed by lib/metrics.ts: naming one must fail.
    expect(known.has('nodejs_active_handles_total')).to.equal(false);
  });

  it('holds the pipeline health and log volume dashboards besides the overview, with unique uids and panel ids', () => {
    expect(dashboards.map((d) => d.uid)).to.deep.equal(['sawmill-log-volume', 'sawmill-overview', 'sawmill-pipeline-health']);
    for (const dashboard of dashboards) {
      const ids = allPanels(dashboard.panels).map((p) => p.id);
      expect(new Set(ids).size, dashboard.uid).to.equal(ids.length);
    }
  });

  it('every panel and query uses a provisioned data source of the right type', () => {
    const sources = provisionedDataSources();
    expect([...sources.entries()].sort()).to.deep.equal([['sawmill-postgres', 'grafana-postgresql-datasource'], ['sawmill-prometheus', 'prometheus']]);
    for (const dashboard of dashboards) {
      for (const panel of allPanels(dashboard.panels)) {
        for (const ds of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
          if (ds === undefined) continue;
          expect(sources.get(ds.uid), `${dashboard.uid} / ${panel.title}: data source ${ds.uid}`).to.equal(ds.type);
        }
        for (const target of panel.targets ?? []) {
          const type = target.datasource?.type ?? panel.datasource?.type;
          if (type === 'prometheus') expect(target.expr, `${dashboard.uid} / ${panel.title}`).to.be.a('string').and.have.length.above(0);
          if (type === 'grafana-postgresql-datasource') expect(target.rawSql, `${dashboard.uid} / ${panel.title}`).to.be.a('string').and.have.length.above(0);
        }
      }
    }
  });

  it('every PromQL query of every dashboard names only exported metrics and recording rules', () => {
    const unknown = dashboards.flatMap((dashboard) => unknownMetrics(dashboard, known));
    expect(unknown).to.deep.equal([]);
    // And they do name some: the pipeline health dashboard reads at least the metrics the issue asks for.
    const health = dashboards.find((d) => d.uid === 'sawmill-pipeline-health')!;
    const named = new Set(allPanels(health.panels).flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr ? promqlMetricNames(t.expr) : []))));
    for (const name of ['up', 'job:sawmill_agent_lines_shipped:rate5m', 'job_topic:sawmill_consumer_lag_records:sum', 'job:sawmill_dead_letters:rate5m', 'sink:sawmill_sink_write_duration_seconds:p99', 'job:sawmill_canary_ingest_to_searchable_seconds:p99']) {
      expect(named.has(name), name).to.equal(true);
    }
  });

  it('every rule expression names only exported metrics and recording rules', () => {
    const unknown: string[] = [];
    for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.rules.yml'))) {
      const doc = parse(readFileSync(join(RULES_DIR, file), 'utf8')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
      for (const rule of doc.groups.flatMap((g) => g.rules)) {
        for (const name of promqlMetricNames(rule.expr)) if (!known.has(name)) unknown.push(`${file} ${rule.record ?? rule.alert}: ${name}`);
      }
    }
    expect(unknown).to.deep.equal([]);
  });

  it('fails on a dashboard fixture with a misspelt metric, a misnamed default metric and a made-up rule', () => {
    const fixture: Dashboard = {
      uid: 'fixture',
      title: 'deliberately wrong',
      panels: [
        { id: 1, title: 'typo', type: 'timeseries', targets: [{ refId: 'A', expr: 'sum(rate(sawmill_agent_lines_acknowledged[5m]))' }] },
        {
          id: 2,
          title: 'row',
          type: 'row',
          panels: [
            { id: 3, title: 'handles', type: 'timeseries', targets: [{ refId: 'A', expr: 'nodejs_active_handles_total{job=~"sawmill-.+"} > on(job) group_left up' }] },
            { id: 4, title: 'rule', type: 'timeseries', targets: [{ refId: 'A', expr: 'histogram_quantile(0.99, job:sawmill_ingest:p99) or vector(0)' }] },
          ],
        },
        { id: 5, title: 'fine', type: 'timeseries', targets: [{ refId: 'A', expr: 'sum by (sink) (rate(sawmill_sink_retries_total{sink!~"x|y"}[$__rate_interval]))' }] },
      ],
    };
    expect(unknownMetrics(fixture, known).map((u) => `${u.panel}: ${u.name}`)).to.deep.equal([
      'typo: sawmill_agent_lines_acknowledged',
      'handles: nodejs_active_handles_total',
      'rule: job:sawmill_ingest:p99',
    ]);
  });

  it('extracts metric names from PromQL, not functions, keywords, labels, durations or strings', () => {
    expect(promqlMetricNames('histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{le!="+Inf", x="rate(b)"}[5m] offset 1h)))')).to.deep.equal(['a_bucket']);
    expect(promqlMetricNames('a > bool 1 and on(job) b unless ignoring (instance) c or d * 1e3')).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(promqlMetricNames('{__name__="x_total", job="y"}')).to.deep.equal(['x_total']);
    expect(promqlMetricNames('topk(5, sum without (instance) (x:y:z)) / ${interval_s}')).to.deep.equal(['x:y:z']);
    expect(() => promqlMetricNames('ratee(x[5m])')).to.throw(/unknown PromQL function ratee/);
    expect(() => promqlMetricNames('x{job="a"')).to.throw(/unbalanced/);
  });

  describe('PostgreSQL panels run against the migrated schema', () => {
    const database = `sawmill_grafana_it_${randomUUID().slice(0, 8)}`;
    const url = new URL(PG_BASE);
    url.pathname = `/${database}`;
    let pool: pg.Pool;
    const from = '2026-06-01T10:00:00Z';
    const to = '2026-06-01T11:00:00Z';

    /** Expands the Grafana macros the dashboards use, for the range [from, to). */
    function expand(sql: string): string {
      return sql.replace(/\$__timeFilter\((\w+)\)/g, `$1 >= '${from}'::timestamptz AND $1 < '${to}'::timestamptz`);
    }

    function query(uid: string, title: string): string {
      const panel = allPanels(dashboards.find((d) => d.uid === uid)!.panels).find((p) => p.title === title);
      const sql = panel?.targets?.[0]?.rawSql;
      if (sql === undefined) throw new Error(`${uid}: no SQL panel ${title}`);
      // Only the macros expanded above may remain unexpanded; an unknown one would reach PostgreSQL.
      expect(expand(sql)).not.to.match(/\$__|\$\{/);
      return expand(sql);
    }

    before(async () => {
      await ensureTestDatabase(url.toString());
      pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      await runMigrations(pool);
      await pool.query(`CREATE TABLE log_events_it PARTITION OF log_events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`);
      const stat = (service: string, level: string, start: string, count: number, p95: number | null, size = 60_000): Promise<unknown> =>
        pool.query(
          `INSERT INTO stats_windowed (service, level, window_size_ms, window_start, window_end, count, latency_count, latency_sum_ms, latency_p95_ms, emitted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, now())`,
          [service, level, size, start, new Date(Date.parse(start) + size).toISOString(), count, p95 === null ? 0 : count, p95],
        );
      await stat('checkout', 'INFO', '2026-06-01T10:00:00Z', 90, 120);
      await stat('checkout', 'ERROR', '2026-06-01T10:00:00Z', 10, 800);
      await stat('payments', 'INFO', '2026-06-01T10:00:00Z', 30, null);
      await stat('checkout', 'INFO', '2026-06-01T10:01:00Z', 40, 100);
      await stat('payments', 'FATAL', '2026-06-01T10:01:00Z', 10, null);
      // Outside the range, and a 10 s window inside it: both must be left out.
      await stat('checkout', 'ERROR', '2026-06-01T11:00:00Z', 1000, null);
      await stat('checkout', 'ERROR', '2026-06-01T10:00:00Z', 5000, null, 10_000);
      const event = (id: string, ts: string, service: string, level: string): Promise<unknown> =>
        pool.query(
          `INSERT INTO log_events (event_id, ts, host, service, level, pattern_id, index_name, ingest_ts) VALUES ($1, $2, 'h1', $3, $4, 'p1', 'sawmill-logs-2026.06.01', now())`,
          [id, ts, service, level],
        );
      await event('e1', '2026-06-01T10:05:00Z', 'checkout', 'ERROR');
      await event('e2', '2026-06-01T10:06:00Z', 'payments', 'FATAL');
      await event('e3', '2026-06-01T10:07:00Z', 'payments', 'INFO');
      await event('e4', '2026-06-01T09:00:00Z', 'payments', 'ERROR');
    });

    after(async () => {
      await pool?.end();
      const admin = new pg.Client({ connectionString: PG_BASE.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    });

    it('log volume by level: lines per one-minute window and level', async () => {
      const { rows } = await pool.query(query('sawmill-log-volume', 'Log volume by level (lines/min)'));
      expect(rows.map((r: { time: Date; metric: string; value: string }) => [r.time.toISOString(), r.metric, Number(r.value)])).to.deep.equal([
        ['2026-06-01T10:00:00.000Z', 'ERROR', 10],
        ['2026-06-01T10:00:00.000Z', 'INFO', 120],
        ['2026-06-01T10:01:00.000Z', 'FATAL', 10],
        ['2026-06-01T10:01:00.000Z', 'INFO', 40],
      ]);
    });

    it('error rate: ERROR and FATAL among all lines, per window', async () => {
      const { rows } = await pool.query(query('sawmill-log-volume', 'Error rate'));
      expect(rows.map((r: { time: Date; 'error rate': number }) => [r.time.toISOString(), r['error rate']])).to.deep.equal([
        ['2026-06-01T10:00:00.000Z', 10 / 130],
        ['2026-06-01T10:01:00.000Z', 10 / 50],
      ]);
    });

    it('top services: lines, errors and error rate, busiest first', async () => {
      const { rows } = await pool.query(query('sawmill-log-volume', 'Top services'));
      expect(rows.map((r: { service: string; lines: string; errors: string; error_rate: string }) => [r.service, Number(r.lines), Number(r.errors), Number(r.error_rate)])).to.deep.equal([
        ['checkout', 140, 10, 0.0714],
        ['payments', 40, 10, 0.25],
      ]);
    });

    it('latency p95 by service: the worst window p95, only where lines carried a latency', async () => {
      const { rows } = await pool.query(query('sawmill-log-volume', 'Latency p95 by service'));
      expect(rows.map((r: { time: Date; metric: string; value: number }) => [r.time.toISOString(), r.metric, r.value])).to.deep.equal([
        ['2026-06-01T10:00:00.000Z', 'checkout', 800],
        ['2026-06-01T10:01:00.000Z', 'checkout', 100],
      ]);
    });

    it('latest errors: ERROR and FATAL events of the range, newest first', async () => {
      const { rows } = await pool.query(query('sawmill-log-volume', 'Latest errors'));
      expect(rows.map((r: { event_id: string; level: string }) => `${r.event_id} ${r.level}`)).to.deep.equal(['e2 FATAL', 'e1 ERROR']);
    });
  });
});
