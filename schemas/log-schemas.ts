/**
 * The Avro schemas of Sawmill's topics and their TypeScript shapes, field for field. The `.avsc`
 * files in schemas/avro/ are the source of truth (their docs explain every field); the interfaces
 * here must match them, which schemas/log-schemas.test.ts checks by round-tripping values.
 */
import { readFileSync } from 'node:fs';
import type { AvroRecordSchema } from '../topology/internal/serdes/avro-serde.js';
import type { SawmillTopicName } from '../lib/kafka/topics.js';

export type { RawLogEvent, RawLogSource } from '../agent/raw-event.js';

/** Normalized severities, lowest first (the Avro enum `io.sawmill.logs.LogLevel`). */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL', 'UNKNOWN'] as const;
/** A normalized severity. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The levels error rules and error rates count. */
export const ERROR_LEVELS: readonly LogLevel[] = ['ERROR', 'FATAL'];

/** A validated and enriched log event (`io.sawmill.logs.EnrichedLogEvent`, topic logs.enriched). */
export interface EnrichedLogEvent {
  eventId: string;
  timestampMs: number;
  timestampSource: 'LINE' | 'OBSERVED';
  observedTimestampMs: number;
  ingestTimestampMs: number;
  host: string;
  service: string;
  level: LogLevel;
  levelText: string | null;
  message: string;
  line: string;
  truncated: boolean;
  format: string;
  patternId: string;
  pattern: string;
  traceId: string | null;
  spanId: string | null;
  latencyMs: number | null;
  agentId: string;
  sourceKind: string;
  sourceId: string;
  sourcePath: string | null;
  streamId: string | null;
  sourceOffset: number | null;
  fields: Record<string, string>;
  labels: Record<string, string>;
}

/** Counts and latency quantiles of one service and level in one closed window (`io.sawmill.stats.WindowedStat`, topic stats.windowed). */
export interface WindowedStat {
  service: string;
  level: LogLevel;
  windowSizeMs: number;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  latencyCount: number;
  latencySumMs: number;
  latencyMaxMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  latencySketch: Buffer | null;
  emittedAtMs: number;
}

/** Kinds of alert rule. */
export const ALERT_RULE_KINDS = ['ERROR_SPIKE', 'LATENCY_ANOMALY', 'THRESHOLD', 'ABSENCE'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];
export type AlertSeverity = 'INFO' | 'WARNING' | 'CRITICAL';

export interface ErrorSpikeParams {
  zScoreThreshold: number;
  minCount: number;
  fireAfterWindows: number;
  ewmaAlpha: number;
  warmupWindows: number;
}

export interface LatencyAnomalyParams {
  quantile: 'P50' | 'P95' | 'P99';
  ratioThreshold: number;
  floorMs: number;
  fireAfterWindows: number;
  ewmaAlpha: number;
  warmupWindows: number;
}

export interface ThresholdParams {
  metric: 'COUNT' | 'ERROR_COUNT' | 'ERROR_RATIO';
  comparison: 'ABOVE' | 'BELOW';
  value: number;
  fireAfterWindows: number;
}

export interface AbsenceParams {
  absentForMs: number;
}

/** An alert rule (`io.sawmill.alerts.AlertRule`, compacted topic alert-rules, key = id, null value = deleted). Exactly the params of `kind` are non-null. */
export interface AlertRule {
  id: string;
  name: string;
  description: string | null;
  kind: AlertRuleKind;
  enabled: boolean;
  severity: AlertSeverity;
  service: string | null;
  windowSizeMs: number;
  resolveAfterWindows: number;
  errorSpike: ErrorSpikeParams | null;
  latencyAnomaly: LatencyAnomalyParams | null;
  threshold: ThresholdParams | null;
  absence: AbsenceParams | null;
  labels: Record<string, string>;
  updatedAtMs: number;
}

/** One log line an alert shows as evidence. */
export interface AlertSample {
  eventId: string;
  timestampMs: number;
  host: string;
  level: string;
  message: string;
  latencyMs: number | null;
}

/** What an alert transition was decided on. */
export interface AlertEvidence {
  windowStartMs: number;
  windowEndMs: number;
  metric: string;
  observedValue: number;
  baselineMean: number | null;
  baselineStdDev: number | null;
  threshold: number;
  score: number | null;
  samples: AlertSample[];
}

/** A FIRING or RESOLVED transition of one alert episode (`io.sawmill.alerts.AlertEvent`, topic alerts, key = fingerprint). */
export interface AlertEvent {
  alertId: string;
  fingerprint: string;
  state: 'FIRING' | 'RESOLVED';
  ruleId: string;
  ruleName: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  service: string;
  episodeStartedAtMs: number;
  eventTimeMs: number;
  summary: string;
  evidence: AlertEvidence;
  labels: Record<string, string>;
}

/** The `.avsc` file of each topic's value schema; the registry subject is `<topic>-value`. */
export const TOPIC_VALUE_SCHEMAS = {
  'logs.raw': 'raw-log-event.avsc',
  'logs.enriched': 'enriched-log-event.avsc',
  'stats.windowed': 'windowed-stat.avsc',
  'alert-rules': 'alert-rule.avsc',
  alerts: 'alert-event.avsc',
} as const satisfies Partial<Record<SawmillTopicName, string>>;

/** A topic that carries Avro values. */
export type AvroTopic = keyof typeof TOPIC_VALUE_SCHEMAS;

/** Reads and parses the value schema of `topic` from schemas/avro/ (also present in dist/ after the build). */
export function topicValueSchema(topic: AvroTopic): AvroRecordSchema {
  const file = TOPIC_VALUE_SCHEMAS[topic];
  return JSON.parse(readFileSync(new URL(`./avro/${file}`, import.meta.url), 'utf8')) as AvroRecordSchema;
}
