import { Counter, Gauge, type Registry } from 'prom-client';
import { demoSourceConfigSchema, demoSourceOptionsFromConfig } from '../../bench/generator/config.js';
import { createMetricsSink } from '../../bench/generator/metrics-sink.js';
import { runDemoSource } from '../../bench/generator/run.js';
import { startHealthServer } from '../../lib/health-server.js';
import type { Logger } from '../../lib/logger.js';
import { createMetrics, metricName } from '../../lib/metrics.js';
import { retry } from '../../lib/retry.js';
import { runCommand } from '../run-command.js';
import { DEMO_ALERT_RULES } from './demo-alert-rules.js';
import { demoAlertRulesConfigSchema, installDemoAlertRules, readPasswordFile, type DemoAlertRulesConfig } from './demo-alert-rules-installer.js';

/** `sawmill demo`'s config: the demo source's, plus the optional API to create the demo's alert rules on. */
export const demoCommandConfigSchema = demoSourceConfigSchema.safeExtend({ alertRules: demoAlertRulesConfigSchema.optional() });

/** `sawmill demo`: runs the demo log source until stopped (or until its duration or line budget is spent). */
export async function demoCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'demo',
    schema: demoCommandConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const registry = createMetrics({ component: 'demo' });
      const health = await startHealthServer({ port: config.metricsPort, host: config.metricsHost, registry, logger });
      shutdown.onShutdown('health server', () => health.close());
      logger.info({ url: health.url }, 'metrics and health endpoints listening');

      if (config.alertRules !== undefined) {
        // Read now, so a missing password file stops the start with a ConfigError instead of a log line.
        const password = readPasswordFile(config.alertRules.passwordFile);
        const installing = ensureDemoAlertRules(config.alertRules, password, { registry, logger, signal: shutdown.signal });
        shutdown.onShutdown('demo alert rules', () => installing);
      }

      // The generator stops on the shutdown signal and flushes its outputs before resolving,
      // so no produced line is left unacknowledged when the process ends.
      const finished = runDemoSource({
        ...demoSourceOptionsFromConfig(config, { logger, signal: shutdown.signal }),
        extraSinks: [createMetricsSink(registry)],
      });
      shutdown.onShutdown('demo source', () => finished.then(() => undefined));
      const result = await finished;
      logger.info({ ...result }, 'demo source finished');
      if (!shutdown.isShuttingDown) await shutdown.exitAfterShutdown('demo source finished', 0);
    },
  });
}

/**
 * Creates the missing demo alert rules in the background while the demo writes its logs: the API
 * may come up after the demo (or be restarting), so unreachable and 5xx answers are retried for
 * `retryForMs`. Never rejects: the rules are a convenience, the logs are the demo. Progress shows
 * in `sawmill_demo_alert_rules_pending` (0 once every rule is in place) and the log.
 */
async function ensureDemoAlertRules(config: DemoAlertRulesConfig, password: string, context: { registry: Registry; logger: Logger; signal: AbortSignal }): Promise<void> {
  const { registry, logger, signal } = context;
  const pending = new Gauge({ name: metricName('demo', 'alert_rules_pending'), help: 'Demo alert rules not yet confirmed in place by the API (0 once all are).', registers: [registry] });
  const created = new Counter({ name: metricName('demo', 'alert_rules_created_total'), help: 'Demo alert rules this process created through the API (already existing ones are not counted).', registers: [registry] });
  pending.set(DEMO_ALERT_RULES.length);
  const startedAt = Date.now();
  try {
    const outcome = await retry(() => installDemoAlertRules({ apiUrl: config.apiUrl, username: config.username, password, signal }), {
      retries: Number.MAX_SAFE_INTEGER,
      initialDelayMs: 1_000,
      maxDelayMs: 15_000,
      signal,
      onRetry: ({ attempt, delayMs, error }) => {
        if (Date.now() - startedAt + delayMs > config.retryForMs) throw error;
        logger.info({ attempt, delay_ms: delayMs, err: error }, 'demo alert rules: API not available yet, retrying');
      },
    });
    created.inc(outcome.created.length);
    pending.set(0);
    logger.info({ api_url: config.apiUrl, created: outcome.created, existing: outcome.existing }, 'demo alert rules in place');
  } catch (error) {
    if (signal.aborted) return;
    logger.error({ api_url: config.apiUrl, err: error }, 'demo alert rules not created; the demo goes on without them');
  }
}
