/**
 * A TCP proxy a test controls, to take a shared service "down" for one client without touching
 * the service: `cut()` closes every open connection and stops listening (new connections are
 * refused, as from a stopped server); `restore()` listens again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** The port clients connect to (stable across cut/restore). */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops every connection and refuses new ones until `restore`. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (port 0: any free port) forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;

  const listen = async (onPort: number): Promise<number> => {
    const created = createServer((client) => {
      accepted += 1;
      const upstream = connect(target.port, target.host);
      sockets.add(client);
      sockets.add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(onPort, '127.0.0.1', () => {
        created.off('error', reject);
        resolve();
      });
    });
    server = created;
    const address = created.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
    return address.port;
  };

  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current !== undefined) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  const boundPort = await listen(port);
  return {
    port: boundPort,
    get accepted() {
      return accepted;
    },
    cut: stop,
    async restore() {
      if (server === undefined) await listen(boundPort);
    },
    close: stop,
  };
}
