/**
 * Finds the latest result file of every benchmark stage in bench/results/ and decides whether it
 * belongs to this run: a file written before the run started is stale and never read, so a
 * stage that did not run (or died before writing) shows as "not run" instead of an old number.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The stages of `make bench`, in the order run-bench runs them. */
export const STAGES = ['kafka', 'topology', 'agent', 'sink-postgres', 'sink-opensearch', 'api', 'e2e'] as const;
/** One stage of `make bench`. */
export type Stage = (typeof STAGES)[number];

/** Which file each stage writes: a fixed name, or a prefix of timestamped files (the newest wins). */
const STAGE_FILES: Record<Stage, { readonly exact: string } | { readonly prefix: string }> = {
  kafka: { exact: 'kafka-producer-perf.json' },
  topology: { prefix: 'topology-' },
  agent: { prefix: 'agent-' },
  'sink-postgres': { exact: 'sink-postgres.json' },
  'sink-opensearch': { exact: 'sink-opensearch.json' },
  api: { exact: 'api.json' },
  e2e: { exact: 'e2e.json' },
};

/** A stage's result file as found: its parsed content when fresh, or why there is none. */
export type StageFile =
  | { readonly stage: Stage; readonly state: 'fresh'; readonly file: string; readonly modifiedAt: Date; readonly data: unknown }
  | { readonly stage: Stage; readonly state: 'missing' }
  | { readonly stage: Stage; readonly state: 'stale'; readonly file: string; readonly modifiedAt: Date }
  | { readonly stage: Stage; readonly state: 'unreadable'; readonly file: string; readonly modifiedAt: Date; readonly error: string };

/** The newest file of `stage` in `dir` (by modification time), or undefined. */
function newestFile(dir: string, stage: Stage): { file: string; modifiedAt: Date } | undefined {
  const rule = STAGE_FILES[stage];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const candidates = names.filter((name) => ('exact' in rule ? name === rule.exact : name.startsWith(rule.prefix) && name.endsWith('.json')));
  let best: { file: string; modifiedAt: Date } | undefined;
  for (const name of candidates) {
    const file = path.join(dir, name);
    const modifiedAt = statSync(file).mtime;
    if (best === undefined || modifiedAt > best.modifiedAt) best = { file, modifiedAt };
  }
  return best;
}

/**
 * Looks up every stage's newest result in `dir`; files modified before `runStartedAt` are stale.
 * A fresh file that is not JSON (a bench that died mid-write; the sink benches' output is tee'd) is unreadable.
 */
export function findStageFiles(dir: string, runStartedAt: Date): StageFile[] {
  return STAGES.map((stage): StageFile => {
    const found = newestFile(dir, stage);
    if (found === undefined) return { stage, state: 'missing' };
    // mtime has sub-second precision, the run start given on the command line often only seconds.
    if (found.modifiedAt.getTime() < Math.floor(runStartedAt.getTime() / 1000) * 1000) return { stage, state: 'stale', ...found };
    try {
      return { stage, state: 'fresh', ...found, data: JSON.parse(readFileSync(found.file, 'utf8')) as unknown };
    } catch (error) {
      return { stage, state: 'unreadable', ...found, error: error instanceof Error ? error.message : String(error) };
    }
  });
}
