/**
 * Request building and response reading of one bulk write: every record becomes a `create` of
 * `_id = eventId` in its daily index (so a replay or a redelivery answers 409 instead of writing
 * twice), and every item of the answer becomes a SinkItemResult the runner acts on.
 */
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { InvalidInputError, ServiceUnavailableError } from '../../lib/errors.js';
import type { SinkItemResult, SinkRecord } from '../runner/sink-writer.js';
import { dailyIndexName } from './index-name.js';
import { toLogDocument } from './log-document.js';

/** What `buildBulkRequest` needs to know about the indices. */
export interface BulkRequestOptions {
  indexPrefix: string;
  maxIndexedFieldBytes: number;
}

/** A bulk request ready to send, and how its items map back to the batch. */
export interface BulkRequest {
  /** NDJSON lines, action and document alternating; empty when no record was sendable. */
  readonly lines: string[];
  /** Position in the batch of the n-th action of `lines`. */
  readonly slots: number[];
  /** One entry per record: the result decided before sending (a record that cannot be a document), else undefined. */
  readonly results: Array<SinkItemResult | undefined>;
  /** UTF-8 size of the body, for metrics and logs. */
  readonly bytes: number;
  /** UTF-8 size of each action with its document, in the order of `slots`. */
  readonly actionBytes: number[];
}

/** Longest reason text kept per item; OpenSearch reasons can quote the offending value. */
const MAX_REASON_CHARS = 1_000;

/**
 * Builds the bulk body of `records`. A record whose value cannot become a document (no usable
 * eventId, timestamp out of range, not an object) gets a `rejected` result right away and no
 * action, so one bad record never holds back the rest of the batch.
 */
export function buildBulkRequest(records: readonly SinkRecord<EnrichedLogEvent>[], options: BulkRequestOptions): BulkRequest {
  const lines: string[] = [];
  const slots: number[] = [];
  const results: Array<SinkItemResult | undefined> = new Array(records.length).fill(undefined);
  let bytes = 0;
  const actionBytes: number[] = [];
  records.forEach((record, i) => {
    try {
      const event = record.value;
      if (typeof event !== 'object' || event === null) {
        throw new InvalidInputError('record value is not an event', 'record value is not an EnrichedLogEvent object');
      }
      const doc = toLogDocument(event, { maxIndexedFieldBytes: options.maxIndexedFieldBytes });
      const action = JSON.stringify({ create: { _index: dailyIndexName(options.indexPrefix, event.timestampMs), _id: event.eventId } });
      const source = JSON.stringify(doc);
      lines.push(action, source);
      slots.push(i);
      const size = Buffer.byteLength(action, 'utf8') + Buffer.byteLength(source, 'utf8') + 2;
      actionBytes.push(size);
      bytes += size;
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof RangeError || error instanceof TypeError)) throw error;
      const reason = error instanceof InvalidInputError ? error.reason : error.message;
      results[i] = { status: 'rejected', reason: `not a storable document: ${reason}` };
    }
  });
  return { lines, slots, results, bytes, actionBytes };
}

/**
 * Splits the actions of `request` into at most `parts` requests of at least `minActions` actions
 * each (fewer parts when there are not enough), in order, so they can be sent at once. The parts
 * carry no pre-decided results; those stay in the original request.
 */
export function splitBulkRequest(request: BulkRequest, parts: number, minActions: number): BulkRequest[] {
  const actions = request.slots.length;
  const count = Math.max(1, Math.min(parts, Math.floor(actions / Math.max(1, minActions))));
  if (count <= 1) return [request];
  const out: BulkRequest[] = [];
  for (let p = 0; p < count; p += 1) {
    const from = Math.floor((p * actions) / count);
    const to = Math.floor(((p + 1) * actions) / count);
    const actionBytes = request.actionBytes.slice(from, to);
    out.push({
      lines: request.lines.slice(from * 2, to * 2),
      slots: request.slots.slice(from, to),
      results: [],
      bytes: actionBytes.reduce((sum, size) => sum + size, 0),
      actionBytes,
    });
  }
  return out;
}

/** One item of a bulk answer as `filter_path` leaves it. */
interface BulkItem {
  status?: unknown;
  error?: { type?: unknown; reason?: unknown; caused_by?: { type?: unknown; reason?: unknown } };
}

/** The `filter_path` that keeps only what `readBulkResponse` reads: much smaller answers for large batches. */
export const BULK_FILTER_PATH = 'errors,items.*.status,items.*.error.type,items.*.error.reason,items.*.error.caused_by.type,items.*.error.caused_by.reason';

/**
 * Fills `request.results` from the bulk answer and returns one result per record. Throws a
 * retriable ServiceUnavailableError when the answer does not have one item per action (nothing
 * can be trusted then; re-sending is harmless because every action is a `create`).
 */
export function readBulkResponse(request: BulkRequest, body: unknown): SinkItemResult[] {
  const results = [...request.results];
  applyBulkResponse(request, body, results);
  return completeResults(results);
}

/**
 * Writes the outcome of every item of `body` (the answer to `part`) into `results` at its record's
 * position; throws a retriable ServiceUnavailableError when the answer does not have one item per action.
 */
export function applyBulkResponse(part: BulkRequest, body: unknown, results: Array<SinkItemResult | undefined>): void {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length !== part.slots.length) {
    const got = Array.isArray(items) ? `${items.length} items` : 'no items';
    throw new ServiceUnavailableError(`bulk answer has ${got} for ${part.slots.length} actions`, 'opensearch');
  }
  items.forEach((entry: unknown, n) => {
    results[part.slots[n] as number] = classifyItem(firstValue(entry));
  });
}

/** Returns `results` once every record has one; a gap is a bug in the caller. */
export function completeResults(results: ReadonlyArray<SinkItemResult | undefined>): SinkItemResult[] {
  return results.map((result, i) => {
    // Every record has a result now: either decided while building or one bulk item.
    if (result === undefined) throw new Error(`bug: record ${i} of the batch has no result`);
    return result;
  });
}

/** Returns the outcome of one bulk item: stored, duplicate (409), retry (429, 5xx, blocks) or rejected (everything else). */
export function classifyItem(item: BulkItem | undefined): SinkItemResult {
  const status = typeof item?.status === 'number' ? item.status : undefined;
  if (status === undefined) return { status: 'retry', reason: 'bulk item without a status' };
  if (status >= 200 && status < 300) return { status: 'stored' };
  const type = typeof item?.error?.type === 'string' ? item.error.type : 'unknown_error';
  const reason = describe(status, item?.error);
  // The document exists already: a replay, or a redelivery after a crash before the commit.
  if (status === 409 && type === 'version_conflict_engine_exception') return { status: 'duplicate' };
  // Back-pressure and outages of one shard pass; a blocked index (disk flood stage, a write
  // block) is an operator's to lift. None of them says anything about the document.
  if (status === 429 || status >= 500 || type.includes('rejected_execution') || type === 'cluster_block_exception') {
    return { status: 'retry', reason };
  }
  return { status: 'rejected', reason };
}

function describe(status: number, error: BulkItem['error']): string {
  const type = typeof error?.type === 'string' ? error.type : 'unknown_error';
  const reason = typeof error?.reason === 'string' ? error.reason : '';
  const cause = error?.caused_by;
  const causeText = cause === undefined ? '' : ` (caused by ${String(cause.type ?? '')}: ${String(cause.reason ?? '')})`;
  // The runner prefixes `rejected by opensearch:`; the reason starts with the HTTP status.
  const text = `${status} ${type}: ${reason}${causeText}`;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function firstValue(entry: unknown): BulkItem | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const values = Object.values(entry as Record<string, unknown>);
  const value = values[0];
  return typeof value === 'object' && value !== null ? (value as BulkItem) : undefined;
}
