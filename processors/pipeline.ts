/**
 * The log pipeline as one topology:
 *
 *   logs.raw ─ validate ─┬─ (invalid) ───────────────────────────────→ logs.dlq
 *                        └─ enrich, key = service ───────────────────→ logs.enriched
 *   logs.enriched ─ window-count ─┬─ stats ──────────────────────────→ stats.windowed
 *                                 └─ service windows ─ anomaly-detect → alerts   (rules: alert-rules)
 *
 * logs.enriched is both the output the sinks read and the repartition step of window-count, which
 * needs its input partitioned by service (as Kafka Streams' `through`): the raw key is host/service.
 * Records that cannot be decoded at all (not Avro, unknown schema id) are dead-lettered by the
 * runtime (`badRecordHandling: { deadLetterTopic }`), so every bad input lands on the same topic.
 *
 * Event time: logs.enriched keeps the raw record's Kafka timestamp (when the record was produced),
 * so retention never deletes a replayed archive of old lines at once; window-count reads the
 * enriched event's own `timestampMs` through the source's timestamp extractor instead.
 *
 * Record sizes: a raw record may be as large as logs.raw's `max.message.bytes` allows (8 MiB, so a
 * runaway 5 MB line reaches validate instead of failing at the producer), and it is dead-lettered
 * whole, so logs.dlq must accept a little more (9 MiB, for the headers). validate bounds an event's
 * line, fields and labels to 1 MiB together; enrich copies them (line, message, fields), so an
 * enriched record stays under about 3 MiB and logs.enriched needs 4 MiB.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Counter, type Registry } from 'prom-client';
import { pino } from 'pino';
import type { Logger } from '../lib/logger.js';
import { metricName } from '../lib/metrics.js';
import { topicValueSchema, type AlertEvent, type EnrichedLogEvent, type RawLogEvent, type WindowedStat } from '../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, type Processor, type ProcessorContext, type Record as StreamRecord, type Serde, type Topology } from '../topology/index.js';
import { addAnomalyDetect } from './anomaly-detect.js';
import { InMemoryRuleCatalog, type AlertRuleCatalog } from './anomaly/rule-catalog.js';
import { createEnricher } from './enrich.js';
import { pipelineConfigSchema, type PipelineConfig } from './pipeline-config.js';
import { addValidate, deadLetterHeaders, type ValidationReason } from './validate.js';
import { addWindowCount } from './window-count.js';

/** The value serdes of the pipeline's Avro topics. */
export interface PipelineSerdes {
  readonly raw: Serde<RawLogEvent>;
  readonly enriched: Serde<EnrichedLogEvent>;
  readonly stats: Serde<WindowedStat>;
  readonly alerts: Serde<AlertEvent>;
}

/** Avro serdes (Confluent wire format) through `registry`, each under `<topic>-value` of the configured topics. */
export function avroPipelineSerdes(registry: SchemaRegistry, topics: PipelineConfig['topics']): PipelineSerdes {
  return {
    raw: Serdes.Avro<RawLogEvent>({ registry, schema: topicValueSchema('logs.raw'), subject: `${topics.raw}-value` }),
    enriched: Serdes.Avro<EnrichedLogEvent>({ registry, schema: topicValueSchema('logs.enriched'), subject: `${topics.enriched}-value` }),
    stats: Serdes.Avro<WindowedStat>({ registry, schema: topicValueSchema('stats.windowed'), subject: `${topics.stats}-value` }),
    alerts: Serdes.Avro<AlertEvent>({ registry, schema: topicValueSchema('alerts'), subject: `${topics.alerts}-value` }),
  };
}

/** Why the pipeline dead-lettered an event itself (validate's reasons, or enrich failing on it). */
export type PipelineDeadLetterReason = ValidationReason | 'enrich-failed';

/** The pipeline's own metrics. */
export interface PipelineMetrics {
  /** Events validate or enrich sent to the dead-letter topic, by reason (undecodable records count in sawmill_topology_dead_letters_total). */
  readonly deadLetters: Counter<'reason'>;
}

/** Registers the pipeline metrics on `registry` (reusing them when already there). */
export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const name = metricName('stream', 'dead_letters_total');
  const existing = registry.getSingleMetric(name) as Counter<'reason'> | undefined;
  return {
    deadLetters:
      existing ??
      new Counter({ name, help: 'Events the pipeline sent to the dead-letter topic after decoding (validation failures, enrich failures), by reason.', labelNames: ['reason'], registers: [registry] }),
  };
}

/** What buildPipeline needs besides its config. */
export interface PipelineDependencies {
  readonly serdes: PipelineSerdes;
  /** The alert rules (alert-rules-table.ts on Kafka; InMemoryRuleCatalog in tests). */
  readonly catalog: AlertRuleCatalog;
  /** Registry of the pipeline's metrics (dead letters, alerts emitted, rejected rules); none when absent. */
  readonly registry?: Registry;
  /** Default: a silent logger. */
  readonly logger?: Logger;
}

type Enriched = { readonly ok: true; readonly event: EnrichedLogEvent } | { readonly ok: false; readonly raw: RawLogEvent };

/** Runs enrich on each valid event and re-keys it by service; an event enrich throws on is marked for the dead-letter topic instead of stopping the task. */
class EnrichProcessor implements Processor<string, RawLogEvent, string, Enriched> {
  private context!: ProcessorContext<string, Enriched>;

  constructor(
    private readonly enrich: (raw: RawLogEvent, ingestTimestampMs: number) => EnrichedLogEvent,
    private readonly logger: Logger,
    private readonly metrics: PipelineMetrics | undefined,
  ) {}

  init(context: ProcessorContext<string, Enriched>): void {
    this.context = context;
  }

  process(record: StreamRecord<string, RawLogEvent>): void {
    const raw = record.value as RawLogEvent;
    let event: EnrichedLogEvent;
    try {
      event = this.enrich(raw, this.context.currentSystemTimeMs());
    } catch (error) {
      // enrich is meant to accept every valid event; one it cannot handle is a bug to fix, not a reason to stop.
      const detail = error instanceof Error ? error.message : String(error);
      this.logger.error({ event_id: raw.eventId, err: error }, 'enrich failed; event dead-lettered');
      this.metrics?.deadLetters.inc({ reason: 'enrich-failed' });
      const headers = deadLetterHeaders(record, this.context.recordMetadata(), `enrich-failed: ${detail}`, 'enrich');
      this.context.forward({ ...record, headers, value: { ok: false, raw } });
      return;
    }
    this.context.forward({ key: event.service, value: { ok: true, event }, timestamp: record.timestamp, headers: record.headers });
  }
}

/** Builds the pipeline topology from `config` (parsed with pipelineConfigSchema) and its dependencies. */
export function buildPipeline(config: PipelineConfig, deps: PipelineDependencies): Topology {
  const { topics } = config;
  const { serdes } = deps;
  const metrics = deps.registry ? createPipelineMetrics(deps.registry) : undefined;
  const logger = deps.logger ?? pino({ level: 'silent' });
  // Resolved once here: a bad enrich option fails the build, not the first event.
  const enrich = createEnricher(config.enrich);
  const builder = new StreamsBuilder();
  const key = Serdes.String();

  const raw = builder.stream(topics.raw, { keySerde: key, valueSerde: serdes.raw, name: 'logs-raw-source' });
  const valid = addValidate(raw, {
    limits: config.validate,
    deadLetterTopic: topics.deadLetter,
    keySerde: key,
    valueSerde: serdes.raw,
    ...(metrics ? { onDeadLetter: (reason: ValidationReason) => metrics.deadLetters.inc({ reason }) } : {}),
  });
  const enrichedOrNot = valid
    .process<string, Enriched>(() => new EnrichProcessor(enrich, logger, metrics), { name: 'enrich' })
    .split('enrich-split')
    .branch((_k, value) => value.ok, { name: 'ok' })
    .defaultBranch({ name: 'failed' });
  enrichedOrNot.failed
    .flatMapValues((value) => (value.ok ? [] : [value.raw]), 'enrich-dead-letter-value')
    .to(topics.deadLetter, { keySerde: key, valueSerde: serdes.raw, name: 'enrich-dead-letters' });
  enrichedOrNot.ok
    .flatMapValues((value) => (value.ok ? [value.event] : []), 'enriched-value')
    .to(topics.enriched, { keySerde: key, valueSerde: serdes.enriched, name: 'logs-enriched-sink' });

  const enriched = builder.stream(topics.enriched, {
    keySerde: key,
    valueSerde: serdes.enriched,
    name: 'logs-enriched-source',
    timestampExtractor: (record) => record.value?.timestampMs ?? record.timestamp,
  });
  const { stats, serviceWindows } = addWindowCount(enriched, {
    builder,
    windowSizesMs: config.windowCount.windowSizesMs,
    graceMs: config.windowCount.graceMs,
    logger,
  });
  stats.to(topics.stats, { keySerde: key, valueSerde: serdes.stats, name: 'stats-windowed-sink' });
  addAnomalyDetect(serviceWindows, {
    builder,
    catalog: deps.catalog,
    windowSizesMs: config.windowCount.windowSizesMs,
    checkIntervalMs: config.anomalyDetect.checkIntervalMs,
    ...(deps.registry ? { registry: deps.registry } : {}),
    logger,
  }).to(topics.alerts, { keySerde: key, valueSerde: serdes.alerts, name: 'alerts-sink' });
  return builder.build();
}

/**
 * The pipeline with the default config, for `sawmill topology describe`: serdes point at the
 * default registry but never contact it (describing encodes nothing), and the rule catalog is empty.
 */
export function buildTopology(): Topology {
  const config = pipelineConfigSchema.parse({});
  const registry = new SchemaRegistry({ host: 'http://127.0.0.1:8081' });
  return buildPipeline(config, { serdes: avroPipelineSerdes(registry, config.topics), catalog: new InMemoryRuleCatalog() });
}
