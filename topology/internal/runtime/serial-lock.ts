/**
 * Runs async sections one at a time, in call order. The runtime holds it while it processes a batch,
 * commits or rebalances, so a timer-driven commit never interleaves with processing: the outputs a
 * commit drains and the offsets it records always describe the same set of processed records.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `section` after every section queued before it; resolves or rejects with its result. */
  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
