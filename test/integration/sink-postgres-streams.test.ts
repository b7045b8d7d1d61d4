/**
 * The stats and alerts streams of the PostgreSQL sink on real Kafka and PostgreSQL: windowed
 * stats upsert by window key and a replayed older emission never rolls a window back; alert
 * history is idempotent on alert id, and alert_state only moves forward (a RESOLVED of an older
 * episode, delivered late or replayed, reopens or closes nothing; a new episode clears the
 * acknowledgement). Each stream is its own consumer group.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/logger.js';
import { topicValueSchema, type AlertEvent, type WindowedStat } from '../../schemas/log-schemas.js';
import { postgresSinkCommandConfigSchema, startSinkRunners } from '../../sinks/runner/sink-catalog.js';
import type { SinkRunner } from '../../sinks/runner/sink-runner.js';
import { Serdes } from '../../topology/index.js';
import { waitFor } from '../support/wait-for.js';
import { createDatabase, createTopics, deleteTopics, dropDatabase, KAFKA_BROKERS, produceRaw, queryOnce, REGISTRY_URL, uniqueName } from './sink-test-kit.js';

const MINUTE = 60_000;

function stat(count: number, emittedAtMs: number, windowStartMs = Date.UTC(2026, 11, 1, 12, 0)): WindowedStat {
  return {
    service: 'api', level: 'ERROR', windowSizeMs: MINUTE, windowStartMs, windowEndMs: windowStartMs + MINUTE, count, latencyCount: count,
    latencySumMs: count * 10, latencyMaxMs: 30, latencyP50Ms: 10, latencyP95Ms: 20, latencyP99Ms: 30, latencySketch: Buffer.from([1, 2, 3]), emittedAtMs,
  };
}

function alert(alertId: string, state: 'FIRING' | 'RESOLVED', episodeStartedAtMs: number, eventTimeMs: number): AlertEvent {
  return {
    alertId, fingerprint: 'fp-1', state, ruleId: 'rule-1', ruleName: 'errors', kind: 'ERROR_SPIKE', severity: 'CRITICAL', service: 'api',
    episodeStartedAtMs, eventTimeMs, summary: `${state} ${alertId}`,
    evidence: { windowStartMs: 0, windowEndMs: MINUTE, metric: 'error_count', observedValue: 9, baselineMean: 1, baselineStdDev: 0.5, threshold: 3, score: 16, samples: [
      { eventId: 'e\u0000', timestampMs: 1, host: 'h', level: 'ERROR', message: 'boom \u0000', latencyMs: null },
    ] },
    labels: { team: 'core' },
  };
}

describe('sink postgres: stats and alerts streams', function () {
  this.timeout(2 * 60_000);
  const run = uniqueName('it_sink_pg_streams');
  const statsTopic = `${run}.stats`;
  const alertsTopic = `${run}.alerts`;
  const deadLetterTopic = `${run}.dlq`;
  const database = `${run}_pg`;
  let url: string;
  let runners: SinkRunner[] = [];
  const registry = new SchemaRegistry({ host: REGISTRY_URL });
  const statSerde = Serdes.Avro<WindowedStat>({ registry, schema: topicValueSchema('stats.windowed'), topic: statsTopic });
  const alertSerde = Serdes.Avro<AlertEvent>({ registry, schema: topicValueSchema('alerts'), topic: alertsTopic });

  const settled = (index: number): number => runners[index]!.stats().stored + runners[index]!.stats().duplicates + runners[index]!.stats().deadLettered;

  before(async () => {
    await createTopics({ [statsTopic]: 2, [alertsTopic]: 1, [deadLetterTopic]: 1 });
    url = await createDatabase(database);
    await statSerde.init?.();
    await alertSerde.init?.();
    const config = postgresSinkCommandConfigSchema.parse({
      postgres: { url, topics: { logs: null, stats: statsTopic, alerts: alertsTopic }, poolMax: 2 },
      kafka: { brokers: KAFKA_BROKERS, groupId: `${run}-group`, deadLetterTopic, sessionTimeoutMs: 10_000 },
      registry: { url: REGISTRY_URL },
      batch: { maxRecords: 100, maxWaitMs: 50 },
      health: { port: 0 },
    });
    runners = await startSinkRunners({ name: 'postgres', config, logger: createLogger('sink-it', { level: 'error' }), registry: new Registry() });
  });

  after(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await dropDatabase(database);
    await deleteTopics([statsTopic, alertsTopic, deadLetterTopic]);
  });

  it('runs one consumer group per stream', () => {
    expect(runners.map((runner) => runner.groupId)).to.deep.equal([`${run}-group-postgres-stats`, `${run}-group-postgres-alerts`]);
  });

  it('upserts windowed stats; the newest emission wins, also when an older one is replayed', async () => {
    const later = Date.UTC(2026, 11, 1, 12, 2);
    await produceRaw(statsTopic, [stat(5, later - 1000), stat(7, later), stat(5, later - 1000), stat(1, later, Date.UTC(2026, 11, 1, 12, 1))].map((s) => ({ key: 'api', value: statSerde.serialize(statsTopic, s) })), 10);
    await waitFor('4 stats settled', () => settled(0) === 4, { timeoutMs: 30_000 });
    const rows = await queryOnce<{ window_start: Date; count: string; emitted_at: Date; latency_sketch: Buffer }>(url, 'SELECT window_start, count, emitted_at, latency_sketch FROM stats_windowed ORDER BY window_start');
    expect(rows.map((row) => [row.window_start.getTime(), Number(row.count), row.emitted_at.getTime()])).to.deep.equal([
      [Date.UTC(2026, 11, 1, 12, 0), 7, later],
      [Date.UTC(2026, 11, 1, 12, 1), 1, later],
    ]);
    expect([...rows[0]!.latency_sketch]).to.deep.equal([1, 2, 3]);
    // Replaying the old emission alone, in its own batch, changes nothing either.
    await produceRaw(statsTopic, [{ key: 'api', value: statSerde.serialize(statsTopic, stat(5, later - 1000)) }]);
    await waitFor('5 stats settled', () => settled(0) === 5, { timeoutMs: 30_000 });
    const [row] = await queryOnce<{ count: string }>(url, 'SELECT count FROM stats_windowed WHERE window_start = $1', [new Date(Date.UTC(2026, 11, 1, 12, 0))]);
    expect(Number(row!.count)).to.equal(7);
  });

  it('keeps alert history idempotent and alert_state moving forward only', async () => {
    const send = (events: AlertEvent[]): Promise<void> => produceRaw(alertsTopic, events.map((e) => ({ key: e.fingerprint, value: alertSerde.serialize(alertsTopic, e) })), 1);
    const state = async (): Promise<Record<string, unknown>> => {
      const [row] = await queryOnce<Record<string, unknown>>(url, 'SELECT state, extract(epoch from episode_started_at)*1000 AS ep, last_alert_id, acknowledged_by FROM alert_state WHERE fingerprint = $1', ['fp-1']);
      return { ...row, ep: Number(row!['ep']) };
    };
    await send([alert('a1', 'FIRING', 1000, 1000), alert('a2', 'RESOLVED', 1000, 2000), alert('a3', 'FIRING', 3000, 3000)]);
    await waitFor('3 alerts settled', () => settled(1) === 3, { timeoutMs: 30_000 });
    expect(await state()).to.deep.equal({ state: 'FIRING', ep: 3000, last_alert_id: 'a3', acknowledged_by: null });

    // Late or replayed RESOLVED events of episode 1: one redelivered (same id), one new id.
    await send([alert('a2', 'RESOLVED', 1000, 2000), alert('a2b', 'RESOLVED', 1000, 2500)]);
    await waitFor('5 alerts settled', () => settled(1) === 5, { timeoutMs: 30_000 });
    expect(await state()).to.deep.equal({ state: 'FIRING', ep: 3000, last_alert_id: 'a3', acknowledged_by: null });
    expect(runners[1]!.stats().duplicates).to.equal(1);

    await queryOnce(url, "UPDATE alert_state SET acknowledged_by = 'ops', acknowledged_at = now() WHERE fingerprint = 'fp-1'");
    await send([alert('a4', 'RESOLVED', 3000, 4000)]);
    await waitFor('6 alerts settled', () => settled(1) === 6, { timeoutMs: 30_000 });
    expect(await state()).to.deep.equal({ state: 'RESOLVED', ep: 3000, last_alert_id: 'a4', acknowledged_by: 'ops' });

    await send([alert('a5', 'FIRING', 5000, 5000)]);
    await waitFor('7 alerts settled', () => settled(1) === 7, { timeoutMs: 30_000 });
    expect(await state()).to.deep.equal({ state: 'FIRING', ep: 5000, last_alert_id: 'a5', acknowledged_by: null });

    const history = await queryOnce<{ alert_id: string; sample: string }>(url, "SELECT alert_id, evidence->'samples'->0->>'message' AS sample FROM alert_events ORDER BY alert_id");
    expect(history.map((row) => row.alert_id)).to.deep.equal(['a1', 'a2', 'a2b', 'a3', 'a4', 'a5']);
    expect(history[0]!.sample).to.equal('boom \uFFFD');
  });
});
