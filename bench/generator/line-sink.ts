/**
 * The shape every destination of generated lines shares (files, Kafka), so the
 * demo runner can fan out to any of them the same way.
 */
import type { GeneratedLine } from './generator.js';

/** A destination for generated lines. */
export interface LineSink {
  /** Short name for logs and counts, e.g. `file` or `kafka`. */
  readonly name: string;
  /** Lines this sink has durably handed over so far (written to a file, or acknowledged by Kafka). */
  readonly delivered: number;
  /**
   * Accepts lines in order; resolves once they are accepted, which may be before
   * they are delivered, but never lets an unbounded backlog build up (the
   * promise waits when the sink is saturated). Rejects with the sink's failure.
   */
  write(lines: readonly GeneratedLine[]): Promise<void>;
  /** Delivers everything accepted, then releases the sink's resources; rejects if delivery failed. */
  close(): Promise<void>;
}
