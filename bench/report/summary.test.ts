import { expect } from 'chai';
import { e2eFixture, STAGE_FIXTURES } from './report-fixtures.js';
import { STAGES, type StageFile } from './stage-files.js';
import { buildSummary, relativePerformance } from './summary.js';
import { renderSummaryMarkdown } from './summary-markdown.js';

const runStartedAt = new Date('2026-12-01T16:45:00Z');
const at = new Date('2026-12-01T17:00:00Z');

function fresh(stage: (typeof STAGES)[number], data: unknown): StageFile {
  return { stage, state: 'fresh', file: `/r/${stage}.json`, modifiedAt: at, data };
}

function allFresh(): StageFile[] {
  return [...Object.entries(STAGE_FIXTURES).map(([stage, data]) => fresh(stage as (typeof STAGES)[number], data)), fresh('e2e', e2eFixture())];
}

describe('buildSummary', () => {
  it('puts every Sawmill figure beside its baseline with the ratio', () => {
    const summary = buildSummary({ files: allFresh(), outcomes: [], runStartedAt, now: at });
    const rows = summary.comparisons.map((c) => [c.stage, c.what, c.baseline_name, c.ratio]);
    expect(rows).to.deep.equal([
      ['topology', 'stateless, at_least_once', 'Kafka Streams', 0.5],
      ['agent', 'file to acked in Kafka', 'kcat -P', 0.333],
      ['agent', 'file to acked in Kafka', 'rsyslog imfile→omkafka', 0.667],
      ['agent', 'to acked in Kafka', 'kafka-producer-perf-test', 0.5],
      ['sink-postgres', 'sink (copy)', 'psql \\copy', 0.5],
      ['sink-postgres', 'sink (copy, steady state)', 'psql \\copy', 0.625],
      ['sink-opensearch', 'sink (steady state)', 'bulk helper, 5 concurrent', 0.8],
      ['api', 'search p50', 'OpenSearch direct', 1.5],
      ['api', 'search p99', 'OpenSearch direct', 1.333],
      ['e2e', 'sustained', 'requirement', 1.2],
      ['e2e', 'sustained', 'goal', 0.4],
      ['e2e', 'p99 ingest-to-searchable', 'goal', 0.947],
    ]);
    expect(summary.e2e).to.deep.include({ sustained_logs_per_s: 12_000, p99_ms: 1420, meets_requirement: true, meets_goal: false });
    expect(summary.stages.every((s) => s.status === 'ok')).to.equal(true);
  });

  it('lists a stale or missing stage as not run and shows none of its numbers', () => {
    const files = allFresh().map((f): StageFile => (f.stage === 'agent' ? { stage: 'agent', state: 'stale', file: '/r/agent-old.json', modifiedAt: new Date('2026-11-30T10:00:00Z') } : f.stage === 'e2e' ? { stage: 'e2e', state: 'missing' } : f));
    const summary = buildSummary({ files, outcomes: [], runStartedAt, now: at });
    expect(summary.stages.find((s) => s.stage === 'agent')).to.include({ status: 'not run', file: null });
    expect(summary.stages.find((s) => s.stage === 'e2e')).to.include({ status: 'not run' });
    expect(summary.comparisons.filter((c) => c.stage === 'agent' || c.stage === 'e2e')).to.deep.equal([]);
    expect(summary.e2e).to.equal(null);
    const markdown = renderSummaryMarkdown(summary);
    expect(markdown).to.match(/End to end: \*\*not run\*\*/);
    expect(markdown).to.match(/Agent vs kcat -P and rsyslog \| \*\*not run\*\* \|.*before this run/);
  });

  it('marks a stage failed when it exited non-zero, and records every stage time', () => {
    const files = allFresh().map((f): StageFile => (f.stage === 'sink-opensearch' ? { stage: 'sink-opensearch', state: 'unreadable', file: '/r/sink-opensearch.json', modifiedAt: at, error: 'Unexpected end of JSON input' } : f));
    const outcomes = [
      { stage: 'kafka' as const, exitCode: 0, seconds: 40 },
      { stage: 'api' as const, exitCode: 1, seconds: 100 },
      { stage: 'sink-opensearch' as const, exitCode: 1, seconds: 20 },
      { stage: 'topology' as const, exitCode: 2, seconds: 5 },
    ];
    const summary = buildSummary({ files: files.filter((f) => f.stage !== 'topology').concat({ stage: 'topology', state: 'missing' }), outcomes, runStartedAt, now: at });
    const status = Object.fromEntries(summary.stages.map((s) => [s.stage, s.status]));
    expect(status).to.include({ kafka: 'ok', api: 'failed', 'sink-opensearch': 'failed', topology: 'failed' });
    expect(summary.stages.find((s) => s.stage === 'kafka')?.seconds).to.equal(40);
    expect(summary.total_seconds).to.equal(165);
    expect(renderSummaryMarkdown(summary)).to.include('Total: 2.8 min.');
  });

  it('turns latency ratios around for the charts, so above 1 always means Sawmill did better', () => {
    const summary = buildSummary({ files: allFresh(), outcomes: [], runStartedAt, now: at });
    const apiP50 = summary.comparisons.find((c) => c.what === 'search p50');
    expect(apiP50 !== undefined && relativePerformance(apiP50)).to.equal(0.667);
  });
});
