/**
 * The stage log infra/local/run-bench writes while it runs: one line per stage,
 * `<stage>\t<exit code>\t<elapsed seconds>`, so the summary can say which stage failed and how
 * long each took.
 */
import { STAGES, type Stage } from './stage-files.js';

/** How one stage's process ended. */
export interface StageOutcome {
  readonly stage: Stage;
  readonly exitCode: number;
  readonly seconds: number;
}

/** Parses the stage log; throws on a line that is not `<known stage>\t<int>\t<number>` (a broken log must not pass silently). */
export function parseStageLog(text: string): StageOutcome[] {
  const outcomes: StageOutcome[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const [stage, code, seconds, ...rest] = line.split('\t');
    const exitCode = Number(code);
    const elapsed = Number(seconds);
    if (!STAGES.includes(stage as Stage) || !Number.isInteger(exitCode) || !Number.isFinite(elapsed) || rest.length > 0) {
      throw new Error(`stage log line ${index + 1} is not "<stage>\\t<exit code>\\t<seconds>" with a known stage: ${JSON.stringify(raw)}`);
    }
    outcomes.push({ stage: stage as Stage, exitCode, seconds: elapsed });
  });
  return outcomes;
}
