/**
 * The zero-loss ledger of a drill: every line the agent acknowledged (its checkpoint's offset per
 * file; after a drain, every line in the files), each with the event id the agent gave it,
 * recomputed here with the agent's own code (agent/tail/event-id.ts) from the agent id, the file's
 * stream id (read from the checkpoint, since a file first seen shorter than 1 KiB gets a random
 * one) and the line's byte offset, and with the line's seq. Each store is then read in full and
 * compared: an expected id not found is missing; an id found twice, or a seq found under two ids
 * (a line resent with a new id), is duplicated; a document with an id and seq the ledger does not
 * know counts as duplicated too (something was stored that no line explains).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { eventId } from '../../../agent/tail/event-id.js';
import { acknowledgedFiles } from './agent-checkpoint.js';
import { seqOfLine } from './drill-load.js';
import type { DrillLedger, DrillStack, StoreLedger } from './drill-types.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const LEDGER_DIR = fileURLToPath(new URL('../../../.local/drills/', import.meta.url));
const EXAMPLES = 10;

/** One stored record: its event id and the seq read from it (undefined when none). */
export interface StoredRecord {
  readonly id: string;
  readonly seq: number | undefined;
}

/** Every acknowledged line of the stack: event id → seq. */
export async function expectedLines(stack: Pick<DrillStack, 'logDir' | 'agentCheckpointPath' | 'agentId'>): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  for (const file of await acknowledgedFiles(stack.logDir, stack.agentCheckpointPath)) {
    if (file.streamId === undefined || file.acknowledged === 0) continue;
    const bytes = await readFile(file.path);
    let offset = 0;
    while (offset < file.acknowledged) {
      let end = bytes.indexOf(0x0a, offset);
      if (end < 0) end = bytes.length;
      const seq = seqOfLine(bytes.toString('utf8', offset, end));
      if (seq === undefined) throw new Error(`${file.path} at ${offset}: a line without seq=`);
      expected.set(eventId(stack.agentId, file.streamId, offset), seq);
      offset = end + 1;
    }
  }
  return expected;
}

/** Compares what one store holds with the expected lines. */
export function compareStore(store: StoreLedger['store'], expected: ReadonlyMap<string, number>, stored: Iterable<StoredRecord>): StoreLedger {
  const countById = new Map<string, number>();
  const idsBySeq = new Map<number, Set<string>>();
  const duplicatedExamples: string[] = [];
  let duplicated = 0;
  const note = (text: string): void => {
    duplicated += 1;
    if (duplicatedExamples.length < EXAMPLES) duplicatedExamples.push(text);
  };
  for (const record of stored) {
    const count = (countById.get(record.id) ?? 0) + 1;
    countById.set(record.id, count);
    if (count > 1) {
      note(`id ${record.id} (seq ${String(record.seq)}) stored ${count} times`);
      continue;
    }
    const seq = expected.get(record.id) ?? record.seq;
    if (seq === undefined) {
      note(`id ${record.id}: unexpected, no seq`);
      continue;
    }
    let ids = idsBySeq.get(seq);
    if (ids === undefined) idsBySeq.set(seq, (ids = new Set()));
    ids.add(record.id);
    if (ids.size > 1) note(`seq ${seq} stored under ${ids.size} ids: ${[...ids].join(', ')}`);
    else if (!expected.has(record.id)) note(`id ${record.id} (seq ${seq}): unexpected id`);
  }
  let missing = 0;
  const missingExamples: string[] = [];
  for (const [id, seq] of expected) {
    if (countById.has(id)) continue;
    missing += 1;
    if (missingExamples.length < EXAMPLES) missingExamples.push(`id ${id} (seq ${seq})`);
  }
  return { store, expected: expected.size, missing, duplicated, missingExamples, duplicatedExamples };
}

/** Every log document of the stack in OpenSearch (`_id`, seq from the message), read with a scroll after a refresh. */
export async function openSearchRecords(indexPattern: string): Promise<StoredRecord[]> {
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${OPENSEARCH_URL}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`OpenSearch ${method} ${path}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };
  await call('POST', `/${indexPattern}/_refresh?allow_no_indices=true`);
  const out: StoredRecord[] = [];
  let page = await call('POST', `/${indexPattern}/_search?scroll=2m&allow_no_indices=true`, { size: 10_000, sort: ['_doc'], _source: ['message'] });
  let scrollId = page['_scroll_id'] as string | undefined;
  try {
    for (;;) {
      const hits = (page['hits'] as { hits: { _id: string; _source?: { message?: string } }[] }).hits;
      if (hits.length === 0) break;
      for (const hit of hits) out.push({ id: hit._id, seq: seqOfLine(` ${hit._source?.message ?? ''}`) });
      page = await call('POST', '/_search/scroll', { scroll: '2m', scroll_id: scrollId });
      scrollId = (page['_scroll_id'] as string | undefined) ?? scrollId;
    }
  } finally {
    if (scrollId !== undefined) await call('DELETE', '/_search/scroll', { scroll_id: scrollId }).catch(() => undefined);
  }
  return out;
}

/** Every row of log_events in the stack's database (event id, seq from the trace id `<name>-<seq>`), read in event id order by pages. */
export async function postgresRecords(postgresUrl: string): Promise<StoredRecord[]> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const out: StoredRecord[] = [];
    // Keyset pages on the primary key's leading column; equal ids (a duplicate on another day) stay in one page.
    let after = '';
    for (;;) {
      const { rows } = await client.query<{ event_id: string; trace_id: string | null }>(
        'SELECT event_id, trace_id FROM log_events WHERE event_id > $1 ORDER BY event_id LIMIT 50000',
        [after],
      );
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!.event_id;
      const { rows: tail } = await client.query<{ event_id: string; trace_id: string | null }>(
        'SELECT event_id, trace_id FROM log_events WHERE event_id = $1',
        [last],
      );
      for (const row of rows) if (row.event_id !== last) out.push({ id: row.event_id, seq: seqOfTrace(row.trace_id) });
      for (const row of tail) out.push({ id: row.event_id, seq: seqOfTrace(row.trace_id) });
      after = last;
    }
    return out;
  } finally {
    await client.end();
  }
}

function seqOfTrace(traceId: string | null): number | undefined {
  const match = traceId === null ? null : /-(\d+)$/.exec(traceId);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Builds the ledger of the stack (call after `drain`), prints one summary line to stderr and writes
 * the ledger as JSON to `.local/drills/<name>.json`.
 */
export async function checkLedger(stack: DrillStack): Promise<DrillLedger> {
  const expected = await expectedLines(stack);
  const [opensearch, postgres] = await Promise.all([openSearchRecords(stack.indexPattern), postgresRecords(stack.postgresUrl)]);
  const ledger: DrillLedger = {
    drill: stack.name,
    opensearch: compareStore('opensearch', expected, opensearch),
    postgres: compareStore('postgres', expected, postgres),
  };
  process.stderr.write(`${ledgerSummary(ledger)}\n`);
  mkdirSync(LEDGER_DIR, { recursive: true });
  writeFileSync(`${LEDGER_DIR}${stack.name}.json`, `${JSON.stringify({ ...ledger, checkedAt: new Date().toISOString() }, null, 2)}\n`);
  return ledger;
}

/** `drill <name>: expected N; opensearch missing 0 duplicated 0; postgres missing 0 duplicated 0`. */
export function ledgerSummary(ledger: DrillLedger): string {
  return `drill ${ledger.drill}: expected ${ledger.opensearch.expected}; opensearch missing ${ledger.opensearch.missing} duplicated ${ledger.opensearch.duplicated}; postgres missing ${ledger.postgres.missing} duplicated ${ledger.postgres.duplicated}`;
}

/**
 * Throws with every number and the examples unless the agent acknowledged every one of the
 * `written` lines and both stores have 0 missing and 0 duplicated.
 */
export function assertLedgerClean(ledger: DrillLedger, written: number): void {
  const stores = [ledger.opensearch, ledger.postgres];
  const expected = ledger.opensearch.expected;
  if (expected === written && expected > 0 && stores.every((s) => s.missing === 0 && s.duplicated === 0)) return;
  const details = stores.map((s) => `${s.store}: missing ${s.missing} [${s.missingExamples.join('; ')}], duplicated ${s.duplicated} [${s.duplicatedExamples.join('; ')}]`);
  const acknowledged = expected === written ? '' : ` (the agent acknowledged ${expected} of the ${written} lines written${expected === 0 ? ': nothing at all' : ''})`;
  throw new Error(`${ledgerSummary(ledger)}${acknowledged}\n${details.join('\n')}`);
}
