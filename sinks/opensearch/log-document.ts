/**
 * Turns one EnrichedLogEvent into the document the daily index stores: the event's fields with
 * their Avro names plus `@timestamp`. `fields` and `labels` are mapped as `flat_object` (one
 * field in the mapping however many keys arrive, so no mapping explosion, and keys with dots,
 * `_id` or `__proto__` are plain data); entries too big for a Lucene term move, unchanged, to the
 * unindexed `fieldsOversized` / `labelsOversized` objects so the event is stored whole instead of
 * being refused. A key named `__proto__` is stored as `__proto__escaped`: the official client
 * refuses to parse any answer holding a `__proto__` key (prototype-poisoning protection), so one
 * such document would break every search page it appears on.
 */
import { InvalidInputError } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { MAX_INDEXABLE_TIMESTAMP_MS } from './index-name.js';

/** A string map built without a prototype, so hostile keys stay plain data. */
export type StringMap = Record<string, string>;

/** What a `__proto__` key of fields or labels is renamed to (see the file comment). */
export const ESCAPED_PROTO_KEY = '__proto__escaped';

/** The stored document of one event. */
export interface LogDocument extends Omit<EnrichedLogEvent, 'fields' | 'labels'> {
  '@timestamp': string;
  fields: StringMap;
  labels: StringMap;
  /** Entries of `fields` over the indexed size limit, kept in _source only; absent when none. */
  fieldsOversized?: StringMap;
  /** Entries of `labels` over the indexed size limit, kept in _source only; absent when none. */
  labelsOversized?: StringMap;
}

/**
 * Returns the document for `event`; throws InvalidInputError (never retried, dead-lettered) when
 * the event cannot be stored as it is: an eventId that is not a usable `_id` or a timestamp outside
 * the years 1970..9999.
 */
export function toLogDocument(event: EnrichedLogEvent, { maxIndexedFieldBytes }: { maxIndexedFieldBytes: number }): LogDocument {
  if (typeof event.eventId !== 'string' || event.eventId.length === 0) {
    throw new InvalidInputError('event has no eventId', 'missing eventId');
  }
  // OpenSearch refuses _id values over 512 bytes; the agent's ids are far shorter.
  if (Buffer.byteLength(event.eventId, 'utf8') > 512) {
    throw new InvalidInputError('eventId is longer than 512 bytes', 'eventId too long for an OpenSearch _id');
  }
  const ts = event.timestampMs;
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_INDEXABLE_TIMESTAMP_MS) {
    throw new InvalidInputError(`timestampMs ${String(ts)} is outside 1970..9999`, `timestampMs out of range: ${String(ts)}`);
  }
  const fields = splitBySize(event.fields, maxIndexedFieldBytes);
  const labels = splitBySize(event.labels, maxIndexedFieldBytes);
  const { fields: _f, labels: _l, ...rest } = event;
  const doc: LogDocument = { ...rest, '@timestamp': new Date(ts).toISOString(), fields: fields.indexed, labels: labels.indexed };
  if (fields.oversized !== undefined) doc.fieldsOversized = fields.oversized;
  if (labels.oversized !== undefined) doc.labelsOversized = labels.oversized;
  return doc;
}

/** Splits a map into entries small enough to index and the rest; both keep every key as data. */
function splitBySize(map: Readonly<Record<string, string>> | null | undefined, limit: number): { indexed: StringMap; oversized?: StringMap } {
  const indexed: StringMap = Object.create(null) as StringMap;
  let oversized: StringMap | undefined;
  if (map === null || map === undefined) return { indexed };
  for (const [rawKey, value] of Object.entries(map)) {
    const key = rawKey === '__proto__' ? ESCAPED_PROTO_KEY : rawKey;
    const text = typeof value === 'string' ? value : String(value);
    // flat_object indexes `<key>=<value>` as one term; Lucene refuses terms over 32766 bytes.
    if (Buffer.byteLength(key, 'utf8') + Buffer.byteLength(text, 'utf8') > limit) {
      oversized ??= Object.create(null) as StringMap;
      oversized[key] = text;
    } else {
      indexed[key] = text;
    }
  }
  return oversized === undefined ? { indexed } : { indexed, oversized };
}
