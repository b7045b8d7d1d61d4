// The Docker HEALTHCHECK of the Sawmill image (and of every Sawmill service in docker-compose.yml):
// `node dist/infra/docker/healthcheck.js` exits 0 when GET /healthz on 127.0.0.1:$SAWMILL_HEALTHCHECK_PORT
// answers 2xx, 1 otherwise. It is node rather than curl because the slim runtime image has no curl.
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../lib/errors.js';

/** The port probed when SAWMILL_HEALTHCHECK_PORT is not set: the API's. */
export const DEFAULT_HEALTHCHECK_PORT = 8080;

/** Options of {@link checkHealth}. */
export interface HealthCheckOptions {
  /** TCP port on 127.0.0.1 whose /healthz is probed. */
  port: number;
  /** Milliseconds before an unanswered request counts as unhealthy. */
  timeoutMs?: number;
}

/** Resolves true when GET http://127.0.0.1:<port>/healthz answers 2xx in time, false on any other outcome; never rejects. */
export async function checkHealth({ port, timeoutMs = 4000 }: HealthCheckOptions): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Reads the port from SAWMILL_HEALTHCHECK_PORT (default 8080); throws ConfigError on a value that is not a TCP port. */
export function healthCheckPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SAWMILL_HEALTHCHECK_PORT;
  if (raw === undefined || raw === '') return DEFAULT_HEALTHCHECK_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(
      `SAWMILL_HEALTHCHECK_PORT must be a TCP port, got ${JSON.stringify(raw)}`,
      'environment',
      'SAWMILL_HEALTHCHECK_PORT',
    );
  }
  return port;
}

// Run as a script (the HEALTHCHECK), not when imported by a test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = healthCheckPort();
  const healthy = await checkHealth({ port });
  if (!healthy) console.error(`unhealthy: http://127.0.0.1:${port}/healthz did not answer 2xx`);
  process.exit(healthy ? 0 : 1);
}
