/**
 * `sawmill agent spool inspect`: lists the segments of a spool directory with their record
 * counts and bytes, and verifies every checksum, without changing anything.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFrame, segmentSeq } from './segment-format.js';

/** What inspection found in one segment. */
export interface SegmentReport {
  name: string;
  bytes: number;
  records: number;
  /** Records whose checksum failed. */
  corrupt: number;
  /** Why the segment ends early, when its tail is torn. */
  torn?: string;
}

/** What inspection found in a spool directory. */
export interface SpoolReport {
  dir: string;
  segments: SegmentReport[];
  records: number;
  bytes: number;
  corrupt: number;
  /** True when every record's checksum holds and no tail is torn. */
  ok: boolean;
}

/** Reads every segment of `dir` and verifies it; a missing directory is an empty spool. */
export async function inspectSpool(dir: string): Promise<SpoolReport> {
  const names = (await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  })).filter((name) => segmentSeq(name) !== undefined).sort();
  const segments: SegmentReport[] = [];
  for (const name of names) {
    const data = await readFile(join(dir, name));
    const report: SegmentReport = { name, bytes: data.length, records: 0, corrupt: 0 };
    let position = 0;
    for (;;) {
      const frame = readFrame(data, position);
      if (frame.kind === 'end') break;
      if (frame.kind === 'torn') {
        report.torn = frame.reason;
        break;
      }
      if (frame.kind === 'corrupt') report.corrupt += 1;
      else report.records += 1;
      position = frame.next;
    }
    segments.push(report);
  }
  const records = segments.reduce((n, s) => n + s.records, 0);
  const corrupt = segments.reduce((n, s) => n + s.corrupt, 0);
  return { dir, segments, records, bytes: segments.reduce((n, s) => n + s.bytes, 0), corrupt, ok: corrupt === 0 && segments.every((s) => s.torn === undefined) };
}

/** Formats a report as the table `spool inspect` prints. */
export function formatSpoolReport(report: SpoolReport): string {
  const lines = [`spool ${report.dir}: ${report.segments.length} segment(s), ${report.records} record(s), ${report.bytes} bytes, ${report.corrupt} corrupt${report.ok ? ', checksums ok' : ', DAMAGED'}`];
  for (const s of report.segments) {
    lines.push(`  ${s.name}  records=${s.records}  bytes=${s.bytes}  corrupt=${s.corrupt}${s.torn ? `  torn: ${s.torn}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
