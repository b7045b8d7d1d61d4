/**
 * API benchmark (issue 7): search and statistics latency of `sawmill api` at a steady request
 * rate over at least 1,000,000 stored logs, next to the same searches sent straight to OpenSearch.
 *
 *   npx tsx bench/api/api-bench.ts [--docs 1000000] [--days 3] [--rate 20] [--duration-s 30]
 *                                  [--connections 64] [--bulk-concurrency 3] [--only a,b] [--reload]
 *
 * Data: the logs live in the daily indices `sawmill-bench-api-YYYY.MM.DD` (the sink's template,
 * document builder and index names) and their windowed counts in `stats_windowed` of the
 * database `sawmill_bench`; both are reused when already loaded (consistent and at least --docs),
 * or loaded again with --reload. The API runs in this process on that data.
 * Output: one JSON document on stdout; logs and a Markdown table on stderr. Exit code 1 when a
 * scenario failed (non-2xx answers, errors, or the rate not kept).
 * Environment: OPENSEARCH_URL, POSTGRES_URL (any database of the server; the bench uses
 * sawmill_bench), REDIS_URL, BENCH_API_DOCS, BENCH_API_RATE, BENCH_API_DURATION_S.
 */
import pg from 'pg';
import { destination, pino } from 'pino';
import { createOpenSearchClient } from '../../lib/opensearch.js';
import { parseBenchOptions } from './bench-options.js';
import { startBenchApi } from './bench-api-server.js';
import { renderReport } from './bench-report.js';
import { corpusPeriod, generateCorpus } from './log-corpus.js';
import { countStoredLogs, loadLogs } from './opensearch-loader.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { buildScenarios } from './scenarios.js';
import { countStatsEvents, prepareBenchDatabase, writeStats } from './stats-loader.js';
import { StatsRollup } from './stats-rollup.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env['POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INDEX_PREFIX = 'sawmill-bench-api';
const DATABASE = 'sawmill_bench';
/** The window size the API's statistics read (api config stats.windowSizeMs default). */
const STATS_WINDOW_MS = 60_000;

// Log lines go to stderr: stdout carries only the JSON result.
const logger = pino({ level: process.env['SAWMILL_LOG_LEVEL'] ?? 'info', base: { component: 'bench-api' } }, destination(2));

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const period = corpusPeriod(options.days);
  const databaseUrl = new URL(POSTGRES_URL);
  databaseUrl.pathname = `/${DATABASE}`;
  const opensearch = createOpenSearchClient({ node: OPENSEARCH_URL, logger: logger.child({ client: 'opensearch' }), requestTimeoutMs: 120_000 });
  await prepareBenchDatabase(databaseUrl.toString(), logger);
  const pool = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });

  let loadSeconds: number | null = null;
  let stored: number;
  try {
    stored = await countStoredLogs(opensearch, INDEX_PREFIX);
    const counted = await countStatsEvents(pool, period, STATS_WINDOW_MS);
    const reuse = !options.reload && stored >= options.docs && counted === stored;
    logger.info({ stored, stats_events: counted, wanted: options.docs, reuse }, reuse ? 'reusing the loaded bench data' : 'loading the bench data');
    if (!reuse) {
      const started = performance.now();
      const rollup = new StatsRollup();
      const events = (function* () {
        for (const event of generateCorpus(options.docs, period)) {
          rollup.add(event);
          yield event;
        }
      })();
      stored = await loadLogs({ client: opensearch, indexPrefix: INDEX_PREFIX, period, events, concurrency: options.bulkConcurrency, logger });
      const rows = await writeStats(pool, period, rollup.rows());
      loadSeconds = Number(((performance.now() - started) / 1000).toFixed(1));
      logger.info({ stored, stats_rows: rows, seconds: loadSeconds }, 'bench data loaded');
      const check = await countStatsEvents(pool, period, STATS_WINDOW_MS);
      if (check !== stored) throw new Error(`stats_windowed counts ${check} events but OpenSearch holds ${stored}`);
    }
  } finally {
    await pool.end();
    await opensearch.close();
  }

  const api = await startBenchApi({ databaseUrl: databaseUrl.toString(), redisUrl: REDIS_URL, opensearchUrl: OPENSEARCH_URL, searchPrefix: `${INDEX_PREFIX}-`, // Warnings only: a line per request would be most of the bench's own CPU.
    logger: logger.child({ component: 'api' }, { level: 'warn' }),
  });
  const results: ScenarioResult[] = [];
  try {
    const scenarios = buildScenarios({ apiUrl: api.server.url, token: api.token, opensearchUrl: OPENSEARCH_URL, searchPrefix: `${INDEX_PREFIX}-`, period }).filter(
      (scenario) => options.only.length === 0 || options.only.includes(scenario.name),
    );
    for (const scenario of scenarios) {
      logger.info({ scenario: scenario.name, target: scenario.target, rate: options.rate, seconds: options.durationSeconds }, 'scenario starts');
      const result = await runScenario(scenario, options);
      logger.info({ scenario: result.name, target: result.target, status: result.status, p50_ms: result.latency_ms.p50, p99_ms: result.latency_ms.p99 }, 'scenario done');
      results.push(result);
    }
  } finally {
    await api.close();
  }

  const failed = results.filter((r) => r.status !== 'ok').map((r) => `${r.name} (${r.target})`);
  const document = {
    bench: 'api',
    finished_at: new Date().toISOString(),
    data: {
      stored_logs: stored,
      index_pattern: `${INDEX_PREFIX}-*`,
      database: DATABASE,
      period: { from: new Date(period.startMs).toISOString(), to: new Date(period.endMs).toISOString() },
      loaded_this_run: loadSeconds !== null,
      load_seconds: loadSeconds,
    },
    settings: { rate_per_s: options.rate, duration_s: options.durationSeconds, connections: options.connections },
    results,
    failed,
  };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(
    `\n${renderReport(results, `API bench: ${stored.toLocaleString('en-US')} stored logs, ${options.rate} req/s for ${options.durationSeconds} s per scenario, latency in ms (autocannon, corrected for coordinated omission)`)}`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'api bench failed');
  process.exitCode = 2;
});
