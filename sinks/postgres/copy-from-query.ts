/**
 * `COPY ... FROM STDIN` over node-postgres without pg-copy-streams (not installed): a submittable
 * query object that node-postgres drives through the protocol (CopyInResponse → our CopyData
 * chunks → CopyDone → CommandComplete → ReadyForQuery). The rows are already in memory, so there
 * is no stream: the text is sent in chunks and the promise settles when the server answered.
 */
import type { PoolClient } from 'pg';

/** The parts of node-postgres' Connection this query talks to. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

const CHUNK_BYTES = 256 * 1024;

/** Submittable `COPY <target> FROM STDIN` query: node-postgres calls these handlers as protocol messages arrive. */
class CopyFromQuery {
  callback: ((error: Error | null, rowCount?: number) => void) | undefined;
  private rowCount = 0;
  private failed = false;

  constructor(private readonly text: string, private readonly data: Buffer) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let start = 0; start < this.data.length; start += CHUNK_BYTES) {
      connection.sendCopyFromChunk(this.data.subarray(start, Math.min(start + CHUNK_BYTES, this.data.length)));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /COPY (\d+)/.exec(message.text ?? '');
    if (match !== null) this.rowCount = Number(match[1]);
  }

  handleError(error: Error): void {
    this.failed = true;
    this.callback?.(error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.callback?.(null, this.rowCount);
  }

  // Messages a COPY never gets; node-postgres may still call them on a confused connection.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY <target> FROM STDIN` (text format) with `data` as the rows; resolves with the server's row count, rejects with the server's error. */
export function copyFrom(client: PoolClient, target: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromQuery(`COPY ${target} FROM STDIN`, data);
    query.callback = (error, rowCount) => (error === null ? resolve(rowCount ?? 0) : reject(error));
    // node-postgres accepts any object with submit(); its types only know its own Query.
    (client as unknown as { query(submittable: CopyFromQuery): void }).query(query);
  });
}
