/**
 * The drills' load: numbered logfmt lines (`ts=<ISO> level=info msg="drill <name> seq=<n> ..."
 * service=svc-<k> drill=<name> seq=<n> trace_id=<name>-<n> duration_ms=<ms>`) appended round-robin
 * to a few files in the stack's log directory at a paced rate. The agent parses them as logfmt:
 * the seq appears in the OpenSearch message and, as the trace id, in PostgreSQL's log_events, so
 * the ledger can find a line by its number in both stores. Pacing integrates the rate over time,
 * so a late timer never lowers the long-run rate and `setRate` takes effect from the next tick.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DrillLoad, DrillStack } from './drill-types.js';

/** Options of startDrillLoad. */
export interface DrillLoadOptions {
  /** Lines per second (across all files). */
  readonly logsPerS: number;
  /** Files written round-robin, `drill-<i>.log`; default 4. */
  readonly files?: number;
}

const TICK_MS = 50;
/** Most lines written in one tick, so a stalled loop catches up in bounded bursts. */
const MAX_BURST_S = 1;
const SERVICES = 8;

/** The text of line `seq` of drill `name` at time `nowMs`, newline included. */
export function drillLine(name: string, seq: number, nowMs: number): string {
  const level = seq % 50 === 0 ? 'error' : seq % 20 === 0 ? 'warn' : 'info';
  return `ts=${new Date(nowMs).toISOString()} level=${level} msg="drill ${name} seq=${seq} request handled" service=svc-${seq % SERVICES} drill=${name} seq=${seq} trace_id=${name}-${seq} duration_ms=${seq % 250}\n`;
}

/** The seq of a drill line (its `seq=<n>` field), or undefined when it has none. */
export function seqOfLine(text: string): number | undefined {
  const match = / seq=(\d+)/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** Starts writing at once; stop with `stop()`. */
export function startDrillLoad(stack: DrillStack, options: DrillLoadOptions): DrillLoad {
  const fileCount = options.files ?? 4;
  if (!(options.logsPerS > 0) || !Number.isInteger(fileCount) || fileCount < 1) throw new TypeError('startDrillLoad: logsPerS > 0 and files >= 1 required');
  let rate = options.logsPerS;
  let written = 0;
  let stopping = false;
  let failure: unknown;
  // Lines owed so far: rate integrated over time since the start.
  let owed = 0;
  let last = performance.now();

  const loop = async (): Promise<void> => {
    const handles: FileHandle[] = [];
    try {
      for (let i = 0; i < fileCount; i += 1) handles.push(await open(join(stack.logDir, `drill-${i}.log`), 'a'));
      while (!stopping) {
        const now = performance.now();
        owed = Math.min(owed + ((now - last) / 1000) * rate, written + rate * MAX_BURST_S);
        last = now;
        const due = Math.floor(owed) - written;
        if (due > 0) {
          const chunks: string[][] = handles.map(() => []);
          const wall = Date.now();
          for (let k = 0; k < due; k += 1) {
            const seq = written + k;
            chunks[seq % fileCount]!.push(drillLine(stack.name, seq, wall));
          }
          await Promise.all(handles.map((handle, i) => (chunks[i]!.length === 0 ? undefined : handle.appendFile(chunks[i]!.join('')))));
          written += due;
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    } catch (error) {
      failure = error;
    } finally {
      await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
    }
  };
  const running = loop();

  return {
    setRate(logsPerS) {
      if (!(logsPerS > 0)) throw new TypeError('setRate: logsPerS must be > 0');
      rate = logsPerS;
    },
    written: () => written,
    async stop() {
      stopping = true;
      await running;
      if (failure !== undefined) throw failure;
      return written;
    },
  };
}
