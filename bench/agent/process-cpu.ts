/** CPU time of a running process (all its threads) read from /proc, for the agent benchmark. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat times. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const parsed = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    clockTicks = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
  }
  return clockTicks;
}

/** User plus system CPU seconds `pid` has used so far; throws when the process is gone. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses, so count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) sit at indexes 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

/**
 * Parses the children's line of bash's `times` builtin (`0m1.234s 0m0.056s`, user then system)
 * into CPU seconds; used for engines that exit on their own (kcat), whose /proc entry is gone
 * by the time we could read it.
 */
export function parseBashTimes(output: string): number | undefined {
  const lines = output.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()));
  const children = lines.at(-1);
  if (children === undefined) return undefined;
  let total = 0;
  for (const part of children.trim().split(' ')) {
    const match = /^(\d+)m([\d.]+)s$/.exec(part);
    if (match === null) return undefined;
    total += Number(match[1]) * 60 + Number(match[2]);
  }
  return total;
}
