import { startHealthServer } from '../../lib/health-server.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createMetrics } from '../../lib/metrics.js';
import { streamConfigSchema } from '../../processors/pipeline-config.js';
import { startPipeline, type RunningPipeline } from '../../processors/run-pipeline.js';
import { runCommand } from '../run-command.js';

/**
 * `sawmill stream`: runs the log pipeline (validate → enrich → window-count → anomaly-detect) until
 * SIGTERM, with /metrics, /healthz and /readyz on port 9401. exactly_once by default: window counts
 * and alert episodes stay exact after a crash because outputs, changelog writes and input offsets
 * commit in one transaction. Graceful stop: the topology commits what it processed, then the rules
 * reader and the health server close. A topology that dies (e.g. Kafka gone for good) ends the
 * process with exit code 1, so the supervisor restarts it.
 */
export async function streamCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'stream',
    schema: streamConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const metrics = createMetrics({ component: 'stream' });
      // Filled in as start-up proceeds; the readiness check reads it on every probe.
      const state: { pipeline?: RunningPipeline; failed?: unknown } = {};
      const health = await startHealthServer({
        port: config.metricsPort,
        host: config.metricsHost,
        registry: metrics,
        logger,
        readinessChecks: {
          // Ready once the rules were read and the topology joined its group; not ready after it died.
          pipeline: async () => {
            if (state.failed !== undefined) throw new Error(`the topology stopped: ${state.failed instanceof Error ? state.failed.message : String(state.failed)}`);
            if (state.pipeline === undefined) throw new Error('starting: reading alert rules and joining the consumer group');
          },
        },
      });
      shutdown.onShutdown('health server', () => health.close());

      const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger, configSource: options.config ?? 'environment' });
      const running = await startPipeline({ config, kafka, logger, metrics });
      state.pipeline = running;
      // Enough for a commit of the open transaction and a clean leave of the group.
      shutdown.onShutdown('pipeline', () => running.stop(), { timeoutMs: 25_000 });
      logger.info(
        { application_id: config.applicationId, guarantee: config.guarantee, topics: config.pipeline.topics, metrics: health.url },
        'stream pipeline running',
      );
      running.topology.done.catch((error: unknown) => {
        state.failed = error;
        logger.fatal({ err: error }, 'the pipeline topology stopped');
        void shutdown.exitAfterShutdown('topology failed', 1);
      });
    },
  });
}
