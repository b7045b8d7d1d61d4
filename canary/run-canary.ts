/**
 * The canary service: probes at a fixed interval until stopped, with /metrics, /healthz and
 * /readyz on its own port (9407 by default).
 */
import { startHealthServer } from '../lib/health-server.js';
import type { Logger } from '../lib/logger.js';
import { checkOpenSearchHealth, createOpenSearchClient, type OpenSearchClient } from '../lib/opensearch.js';
import { abortableSleep } from '../lib/retry.js';
import { createCanaryMetrics, type CanaryMetrics } from './canary-metrics.js';
import { runProbe, type ProbeResult } from './canary-probe.js';
import type { CanaryConfig } from './config.js';
import { createLineWriter } from './line-writer.js';
import { createSearchableCheck } from './searchable-check.js';

/** Options of startCanary. */
export interface StartCanaryOptions {
  readonly config: CanaryConfig;
  readonly logger: Logger;
  /** Register the process metrics; default true (tests of one canary in a test process may turn it off). */
  readonly defaultMetrics?: boolean;
  /** Called after every probe (tests wait on it). */
  readonly onProbe?: (result: ProbeResult) => void;
}

/** A running canary. */
export interface RunningCanary {
  /** Base URL of /metrics, /healthz and /readyz. */
  readonly url: string;
  readonly metrics: CanaryMetrics;
  /** Stops probing (a probe in progress is abandoned, not recorded) and closes the health server; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the health server, then probes every `intervalMs` (never two at once) until `stop`. */
export async function startCanary({ config, logger, defaultMetrics, onProbe }: StartCanaryOptions): Promise<RunningCanary> {
  const metrics = createCanaryMetrics(defaultMetrics === undefined ? {} : { defaultMetrics });
  const client: OpenSearchClient = createOpenSearchClient({ node: config.opensearch.node, logger, requestTimeoutMs: config.opensearch.requestTimeoutMs, source: 'canary config' });
  const writer = createLineWriter(config.write);
  const check = createSearchableCheck({ client, indexPattern: config.opensearch.indexPattern, requestTimeoutMs: config.opensearch.requestTimeoutMs });
  const health = await startHealthServer({
    port: config.metricsPort,
    host: config.metricsHost,
    registry: metrics.registry,
    logger,
    readinessChecks: {
      opensearch: async () => {
        const state = await checkOpenSearchHealth(client, { timeoutMs: config.opensearch.requestTimeoutMs });
        if (!state.healthy) throw new Error(state.status === 'unreachable' ? state.reason : `cluster status ${state.status}`);
      },
    },
  });
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      const startedAt = Date.now();
      const result = await runProbe({
        writer,
        check,
        metrics,
        service: config.service,
        timeoutMs: config.timeoutMs,
        pollIntervalMs: config.pollIntervalMs,
        signal: controller.signal,
      });
      logProbe(logger, result, writer.target, config.opensearch.indexPattern);
      onProbe?.(result);
      await abortableSleep(Math.max(0, startedAt + config.intervalMs - Date.now()), controller.signal);
    }
  })().catch((error: unknown) => {
    // Only the abort of stop() ends the loop; anything else is a bug worth a loud line.
    if (!controller.signal.aborted) logger.error({ err: error }, 'canary loop stopped unexpectedly');
  });
  logger.info({ metrics: health.url, target: writer.target, index_pattern: config.opensearch.indexPattern, interval_ms: config.intervalMs }, 'canary running');
  let stopping: Promise<void> | undefined;
  return {
    url: health.url,
    metrics,
    stop() {
      stopping ??= (async () => {
        controller.abort(new Error('canary stopping'));
        await loop;
        await health.close();
        await client.close();
      })();
      return stopping;
    },
  };
}

function logProbe(logger: Logger, result: ProbeResult, target: string, indexPattern: string): void {
  const base = { token: result.token, outcome: result.outcome, target, index_pattern: indexPattern };
  switch (result.outcome) {
    case 'searchable':
      logger.info({ ...base, seconds: result.seconds, searches: result.searches }, 'canary line searchable');
      break;
    case 'timeout':
      logger.warn({ ...base, searches: result.searches, err: result.lastError }, 'canary line not searchable within the timeout');
      break;
    case 'write_failed':
      logger.error({ ...base, err: result.error }, 'canary line could not be written');
      break;
    case 'search_failed':
      logger.error({ ...base, searches: result.searches, err: result.error }, 'every canary search failed');
      break;
  }
}
