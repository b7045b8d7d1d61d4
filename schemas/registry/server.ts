import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { SawmillError } from '../../lib/errors.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { createRegistryApp } from './app.js';
import { migrate } from './migrate.js';
import { createRegistryStore } from './store.js';

/** Options of {@link startRegistryServer}. */
export interface RegistryServerOptions {
  /** TCP port; 0 picks a free one (read it back from `url`). */
  readonly port: number;
  /** Bind address; default 127.0.0.1. */
  readonly host?: string;
  /** PostgreSQL pool owned by the caller; `close()` does not end it. */
  readonly pool: Pool;
  /** Logger; default `createLogger('schema-registry')`. */
  readonly logger?: Logger;
  /** Prometheus registry served at `/metrics`, with the registry's request metrics added; none when absent. */
  readonly metrics?: Registry;
}

/** A running registry. */
export interface RegistryServer {
  /** Base URL clients use, e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  /** Stops accepting connections, closes open ones and resolves when the server is down. */
  close(): Promise<void>;
}

/**
 * Migrates the registry tables, then serves the Confluent-compatible registry API on
 * `host:port`. Rejects when PostgreSQL is unreachable or the port cannot be bound.
 */
export async function startRegistryServer({
  port,
  host = '127.0.0.1',
  pool,
  logger = createLogger('schema-registry'),
  metrics,
}: RegistryServerOptions): Promise<RegistryServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`startRegistryServer: invalid port ${port}`);
  if (!pool) throw new TypeError('startRegistryServer: pool is required');

  await migrate(pool);
  const app = createRegistryApp({ store: createRegistryStore({ pool }), logger, metrics });
  const server = createServer(app);
  // Slow or stalled clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await listen(server, port, host);
  const { port: boundPort } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  logger.info({ url }, 'schema registry listening');

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) {
            reject(error);
            return;
          }
          logger.info({ url }, 'schema registry stopped');
          resolve();
        });
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new SawmillError(`schema registry cannot listen on ${host}:${port}: ${error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
