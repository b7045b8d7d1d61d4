/**
 * A shipment: encoded records of one source together with the checkpoint ranges they cover,
 * the unit the delivery queue keeps in memory or writes to the spool. Its ranges are
 * acknowledged in the checkpoint only once Kafka acknowledged its records.
 */
import type { EncodedRecord } from './kafka-shipper.js';

/** A byte range of a stream, acknowledged in the checkpoint after delivery. */
export interface AckRange {
  streamId: string;
  offset: number;
  nextOffset: number;
}

/** Records of one source with what to acknowledge once Kafka has them. */
export interface Shipment {
  sourceId: string;
  /** Physical lines the records carry (a multiline event counts each of its lines). */
  lines: number;
  records: EncodedRecord[];
  acks: AckRange[];
  /** Called once when the shipment is durable: acknowledged by Kafka or written to the spool. Not spooled itself. */
  settle?: () => void;
}

interface SerializedShipment {
  s: string;
  l: number;
  a: Array<[string, number, number]>;
  r: Array<[string, string]>;
}

/** Bytes of a shipment's record values and keys, for batch sizing. */
export function shipmentBytes(shipment: Shipment): number {
  return shipment.records.reduce((sum, r) => sum + r.value.length + r.key.length, 0);
}

/** Serializes a shipment for the spool. */
export function encodeShipment(shipment: Shipment): Buffer {
  const body: SerializedShipment = {
    s: shipment.sourceId,
    l: shipment.lines,
    a: shipment.acks.map((a) => [a.streamId, a.offset, a.nextOffset]),
    r: shipment.records.map((r) => [r.key, r.value.toString('base64')]),
  };
  return Buffer.from(JSON.stringify(body));
}

/** Reads a shipment written by `encodeShipment`; throws on anything else. */
export function decodeShipment(payload: Buffer): Shipment {
  const body = JSON.parse(payload.toString('utf8')) as SerializedShipment;
  if (typeof body.s !== 'string' || !Array.isArray(body.a) || !Array.isArray(body.r) || typeof body.l !== 'number') throw new Error('not a spooled shipment');
  return {
    sourceId: body.s,
    lines: body.l,
    acks: body.a.map(([streamId, offset, nextOffset]) => ({ streamId, offset, nextOffset })),
    records: body.r.map(([key, value]) => ({ key, value: Buffer.from(value, 'base64') })),
  };
}
