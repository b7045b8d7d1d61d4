/**
 * Every error the topology library throws on purpose. All derive from TopologyError, itself a
 * SawmillError, so callers can tell a topology failure from a bug with one `instanceof`.
 */
import { SawmillError } from '../../lib/errors.js';

/** Base of every error raised by the topology library. */
export class TopologyError extends SawmillError {
  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options);
  }
}

/** A serde could not encode a value or decode bytes (a poison record when decoding). */
export class SerializationError extends TopologyError {
  constructor(
    message: string,
    /** Topic the bytes came from or were meant for. */
    readonly topic: string,
    cause?: unknown,
  ) {
    super(message, { cause, retriable: false });
  }
}

/** Where a bad record was read and which processor refused it; carried by BadRecordError and the dead-letter headers. */
export interface BadRecordOrigin {
  topic: string;
  partition: number;
  offset: string;
  /** Name of the node (source or processor) that refused the record. */
  processor: string;
  timestamp: number;
}

/**
 * A record that can never be processed (undecodable, or late under a dead-letter policy). Thrown by
 * `StreamTask.process` only under the `log-and-fail` bad-record option: the runtime must stop.
 */
export class BadRecordError extends TopologyError {
  constructor(
    message: string,
    /** Short machine-readable reason, also written to the `x-sawmill-dlq-reason` header. */
    readonly reason: string,
    readonly origin: BadRecordOrigin,
    cause?: unknown,
  ) {
    super(message, { cause, retriable: false });
  }
}

/** Topics that must be co-partitioned (joined, or read by one sub-topology) have different partition counts. */
export class CopartitioningError extends TopologyError {
  constructor(
    message: string,
    /** Partition count per topic of the offending co-partition group. */
    readonly partitions: ReadonlyMap<string, number>,
  ) {
    super(message, { retriable: false });
  }
}

/** A processor or the test driver asked for a state store that is not connected to it. */
export class StoreNotFoundError extends TopologyError {
  constructor(readonly storeName: string, detail = '') {
    super(`state store ${JSON.stringify(storeName)} not found${detail ? `: ${detail}` : ''}`, { retriable: false });
  }
}

/** The topology as declared cannot be built (missing serde, duplicate name or source topic, unknown store). */
export class InvalidTopologyError extends TopologyError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}
