/**
 * The HTTP push receiver: `POST <path>` with an NDJSON body (one JSON value per line), a bearer
 * token compared in constant time, and a body size limit (413). A malformed line rejects the
 * whole request with 400 naming the line number, so a client never has to guess what was taken.
 * The answer (200) comes only once every line is durable: acknowledged by Kafka or spooled.
 *
 * Event ids: the request's stream id is `http-<Idempotency-Key>` when the client sends that
 * header (a retried request then produces the same ids) and a random one otherwise; the offset
 * is the line number.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../lib/logger.js';
import { eventId } from './tail/event-id.js';
import type { InputLine } from './source-encoder.js';

/** Options of `startHttpReceiver`. */
export interface HttpReceiverOptions {
  host: string;
  port: number;
  path: string;
  maxBodyBytes: number;
  maxLineBytes: number;
  tokens: readonly string[];
  agentId: string;
  sourceId: string;
  logger: Logger;
  /** Takes the lines of one request; resolves once they are durable. */
  submit: (lines: InputLine[]) => Promise<void>;
  /** Counts lines read. */
  onLines?: (count: number, truncated: number) => void;
}

/** A running receiver. */
export interface HttpReceiver {
  url: string;
  close(): Promise<void>;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Starts the receiver; resolves once it listens. */
export async function startHttpReceiver(options: HttpReceiverOptions): Promise<HttpReceiver> {
  // Hashing first gives equal lengths, which timingSafeEqual needs, and hides token lengths.
  const accepted = options.tokens.map(digest);
  const app = express();
  app.disable('x-powered-by');
  app.post(options.path, (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const given = digest(match?.[1] ?? '');
    let ok = false;
    for (const token of accepted) ok = timingSafeEqual(given, token) || ok;
    if (!match || !ok) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or invalid bearer token' });
      return;
    }
    next();
  });
  app.post(options.path, express.text({ type: () => true, limit: options.maxBodyBytes }), (req: Request, res: Response, next: NextFunction) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const idempotencyKey = req.get('idempotency-key');
    const streamId = `http-${idempotencyKey !== undefined && /^[A-Za-z0-9_.:-]{1,128}$/.test(idempotencyKey) ? idempotencyKey : randomUUID()}`;
    const lines: InputLine[] = [];
    let truncatedCount = 0;
    const rows = body.split('\n');
    for (let i = 0; i < rows.length; i += 1) {
      const row = (rows[i] ?? '').replace(/\r$/, '');
      if (row.trim() === '') continue;
      try {
        JSON.parse(row);
      } catch (error) {
        res.status(400).json({ error: `line ${i + 1} is not valid JSON: ${(error as Error).message}`, line: i + 1 });
        return;
      }
      const truncated = Buffer.byteLength(row) > options.maxLineBytes;
      if (truncated) truncatedCount += 1;
      const text = truncated ? Buffer.from(row).subarray(0, options.maxLineBytes).toString('utf8') : row;
      lines.push({ streamId, offset: i, nextOffset: i + 1, text, truncated, eventId: eventId(options.agentId, streamId, i) });
    }
    if (lines.length === 0) {
      res.status(400).json({ error: 'the body holds no lines' });
      return;
    }
    options.onLines?.(lines.length, truncatedCount);
    options.submit(lines).then(
      () => res.status(200).json({ accepted: lines.length }),
      (error: unknown) => next(error),
    );
  });
  app.use((error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: `body larger than ${options.maxBodyBytes} bytes` });
      return;
    }
    options.logger.error({ err: error, source: options.sourceId }, 'http push failed');
    res.status(error.status ?? 500).json({ error: error.status && error.status < 500 ? error.message : 'internal error' });
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}${options.path}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
