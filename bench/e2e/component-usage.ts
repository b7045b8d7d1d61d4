/**
 * Samples CPU and memory of every stack component over a step: the components of the local
 * stack by their .local/run pid files, PostgreSQL by its `postgres` processes, and the generator
 * by the pid of its child process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComponentUsage } from './e2e-result.js';
import { clockTicksPerSecond, coresBetween, readAllProcStats, rssMiB, withDescendants, type CpuSnapshot, type ProcStat } from './proc-usage.js';

/** Components whose pid the stack scripts record in .local/run/<name>.pid. */
export const PID_FILE_COMPONENTS = ['agent', 'stream', 'sink-postgres', 'sink-opensearch', 'kafka-node1', 'opensearch', 'registry'] as const;

/** Root pids of each component now; a component without a live pid is left out. */
export function componentRoots(runDir: string, generatorPid: number | undefined, all: ReadonlyMap<number, ProcStat>): Map<string, number[]> {
  const roots = new Map<string, number[]>();
  for (const name of PID_FILE_COMPONENTS) {
    try {
      const pid = Number(readFileSync(path.join(runDir, `${name}.pid`), 'utf8').trim());
      if (all.has(pid)) roots.set(name, [pid]);
    } catch {
      // Not started by the stack scripts (or stopped): nothing to measure.
    }
  }
  const postgres = [...all.values()].filter((stat) => stat.comm === 'postgres').map((stat) => stat.pid);
  if (postgres.length > 0) roots.set('postgres', postgres);
  if (generatorPid !== undefined && all.has(generatorPid)) roots.set('generator', [generatorPid]);
  return roots;
}

/** Measures components between start() and finish(), sampling memory in between. */
export interface UsageMeter {
  /** Takes a memory sample (call about once a second). */
  sample(): void;
  /** Ends the interval: cores used on average and the largest resident memory seen, busiest first. */
  finish(): ComponentUsage[];
}

function cpuOf(pids: Iterable<number>, all: ReadonlyMap<number, ProcStat>): CpuSnapshot {
  const snapshot = new Map<number, number>();
  for (const pid of pids) {
    const stat = all.get(pid);
    if (stat !== undefined) snapshot.set(pid, stat.cpuTicks);
  }
  return snapshot;
}

/** Starts measuring now. `generatorPid` is read through a function: the generator starts after the meter. */
export function startUsageMeter(runDir: string, generatorPid: () => number | undefined): UsageMeter {
  const startedAt = performance.now();
  const firstAll = readAllProcStats();
  const before = new Map<string, CpuSnapshot>();
  for (const [name, roots] of componentRoots(runDir, generatorPid(), firstAll)) before.set(name, cpuOf(withDescendants(roots, firstAll), firstAll));
  const maxRss = new Map<string, number>();
  const sample = (): void => {
    const all = readAllProcStats();
    for (const [name, roots] of componentRoots(runDir, generatorPid(), all)) {
      maxRss.set(name, Math.max(maxRss.get(name) ?? 0, rssMiB(withDescendants(roots, all))));
    }
  };
  return {
    sample,
    finish() {
      sample();
      const seconds = (performance.now() - startedAt) / 1000;
      const all = readAllProcStats();
      const usage: ComponentUsage[] = [];
      for (const [name, roots] of componentRoots(runDir, generatorPid(), all)) {
        const after = cpuOf(withDescendants(roots, all), all);
        const cores = coresBetween(before.get(name) ?? new Map(), after, seconds, clockTicksPerSecond());
        usage.push({ component: name, cpuCores: Math.round(cores * 1000) / 1000, rssMiB: Math.round(maxRss.get(name) ?? 0) });
      }
      return usage.sort((a, b) => b.cpuCores - a.cpuCores);
    },
  };
}
