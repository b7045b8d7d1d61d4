/**
 * CPU and memory of the stack's components from /proc: each component is a set of root pids
 * (from .local/run/<name>.pid, or every `postgres` process) plus all their descendants, so a
 * launcher script or a JVM's children are counted with the component.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat the benchmark needs. */
export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, in clock ticks. */
  readonly cpuTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are counted after the last ')'. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new TypeError(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // After the name: state is field 3, ppid 4, utime 14, stime 15 (1-based), so indexes 1, 11, 12 here.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) throw new TypeError(`malformed /proc/<pid>/stat: ${text.slice(0, 80)}`);
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), ppid, cpuTicks: utime + stime };
}

/** Resident set size in KiB from /proc/<pid>/status (`VmRSS:`); 0 for a kernel thread or a zombie, which have none. */
export function parseVmRssKiB(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? 0 : Number(match[1]);
}

let ticks: number | undefined;
/** Kernel clock ticks per second (`getconf CLK_TCK`). */
export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    const parsed = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticks = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
  }
  return ticks;
}

/** Every process now, by pid; processes that vanish while being read are skipped. */
export function readAllProcStats(): Map<number, ProcStat> {
  const all = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      all.set(Number(entry), parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // Gone between readdir and read: it has nothing more to count.
    }
  }
  return all;
}

/** `roots` and all their descendants among `all`. */
export function withDescendants(roots: readonly number[], all: ReadonlyMap<number, ProcStat>): Set<number> {
  const members = new Set(roots.filter((pid) => all.has(pid)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of all.values()) {
      if (!members.has(stat.pid) && members.has(stat.ppid)) {
        members.add(stat.pid);
        grew = true;
      }
    }
  }
  return members;
}

/** CPU ticks per pid of a component at one moment. */
export type CpuSnapshot = ReadonlyMap<number, number>;

/**
 * Cores used between two snapshots of one component: per pid, the ticks it gained (a pid new
 * in `after` counts from 0, since it started within the interval); pids gone by `after` are lost.
 */
export function coresBetween(before: CpuSnapshot, after: CpuSnapshot, seconds: number, ticksPerSecond: number): number {
  if (seconds <= 0) return 0;
  let gained = 0;
  for (const [pid, now] of after) gained += Math.max(0, now - (before.get(pid) ?? 0));
  return gained / ticksPerSecond / seconds;
}

/** Resident memory of a set of pids, MiB; processes gone meanwhile count 0. */
export function rssMiB(pids: Iterable<number>): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += parseVmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      // Exited: no memory left to count.
    }
  }
  return kib / 1024;
}
