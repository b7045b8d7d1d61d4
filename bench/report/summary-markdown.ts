/** Renders a bench summary as Markdown: the end-to-end headline, each stage's status and time, every figure beside its baseline. */
import type { BenchSummary, Comparison } from './summary.js';

function number(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toFixed(2)));
}

function ratioCell(c: Comparison): string {
  const verdict = c.better === 'higher' ? (c.ratio >= 1 ? 'at or above' : 'below') : c.ratio <= 1 ? 'at or under' : 'over';
  return `${c.ratio.toFixed(2)} (${verdict})`;
}

/** The summary as a Markdown document (ends with a newline). */
export function renderSummaryMarkdown(summary: BenchSummary, charts: readonly string[] = []): string {
  const lines: string[] = [`# make bench, run started ${summary.run_started_at}`, ''];
  const e2e = summary.e2e;
  if (e2e === null) {
    lines.push('End to end: **not run** (no fresh bench/results/e2e.json).');
  } else {
    const ms = (v: number | null): string => (v === null ? '–' : `${number(v)} ms`);
    lines.push(
      `End to end: **${number(e2e.sustained_logs_per_s)} logs/s sustained** (requirement ${number(e2e.required_logs_per_s)}: ` +
        `${e2e.meets_requirement ? 'met' : '**not met**'}; goal ${number(e2e.goal_logs_per_s)} with p99 ≤ ${number(e2e.goal_p99_ms)} ms: ${e2e.meets_goal ? 'met' : 'not met'}), ` +
        `ingest-to-searchable p50 ${ms(e2e.p50_ms)}, p99 ${ms(e2e.p99_ms)}.`,
    );
  }
  lines.push('', '## Stages', '', '| stage | status | elapsed s | result | note |', '| --- | --- | ---: | --- | --- |');
  for (const s of summary.stages) {
    const status = s.status === 'ok' ? 'ok' : `**${s.status}**`;
    lines.push(`| ${s.title} | ${status} | ${s.seconds === null ? '–' : s.seconds.toFixed(0)} | ${s.file === null ? '–' : s.file.split('/').pop() ?? ''} | ${s.note ?? ''} |`);
  }
  if (summary.total_seconds !== null) lines.push('', `Total: ${(summary.total_seconds / 60).toFixed(1)} min.`);
  lines.push('', '## Sawmill beside its baselines (same run)', '');
  if (summary.comparisons.length === 0) {
    lines.push('No stage produced a comparison.');
  } else {
    lines.push('| stage | what | Sawmill | baseline | baseline figure | Sawmill / baseline |', '| --- | --- | ---: | --- | ---: | ---: |');
    for (const c of summary.comparisons) {
      lines.push(`| ${c.stage} | ${c.what} | ${number(c.sawmill)} ${c.unit} | ${c.baseline_name} | ${number(c.baseline)} ${c.unit} | ${ratioCell(c)} |`);
    }
    lines.push('', 'Throughput: higher is better, so a ratio above 1 means Sawmill is faster. Latency (ms): lower is better.');
  }
  const notRun = summary.stages.filter((s) => s.status !== 'ok');
  if (notRun.length > 0) lines.push('', `Not in this table: ${notRun.map((s) => `${s.stage} (${s.status})`).join(', ')}.`);
  if (charts.length > 0) lines.push('', `Charts: ${charts.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
