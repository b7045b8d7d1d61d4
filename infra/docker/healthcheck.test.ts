import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkHealth, healthCheckPort } from './healthcheck.js';

const SCRIPT = fileURLToPath(new URL('./healthcheck.ts', import.meta.url));

/** A server answering /healthz with the given status; resolves with its port. */
async function serve(status: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? status : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Runs the script the way the image's HEALTHCHECK does (through tsx here) and resolves with its exit code. */
function runScript(port: number): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT], { env: { ...process.env, SAWMILL_HEALTHCHECK_PORT: String(port) } }, (err) =>
      resolve(err ? Number(err.code ?? 1) : 0),
    );
  });
}

describe('infra/docker/healthcheck', function () {
  // Two cases start the script in a child node (with tsx): allow more than a unit test's 5 s.
  this.timeout(20000);
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('is healthy when /healthz answers 200, and the script exits 0', async () => {
    const s = await serve(200);
    server = s.server;
    expect(await checkHealth({ port: s.port })).to.equal(true);
    expect(await runScript(s.port)).to.equal(0);
  });

  it('is unhealthy when /healthz answers 503, and the script exits 1', async () => {
    const s = await serve(503);
    server = s.server;
    expect(await checkHealth({ port: s.port })).to.equal(false);
    expect(await runScript(s.port)).to.equal(1);
  });

  it('is unhealthy when nothing listens', async () => {
    const s = await serve(200);
    const port = s.port;
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
    expect(await checkHealth({ port, timeoutMs: 1000 })).to.equal(false);
  });

  it('reads the port from SAWMILL_HEALTHCHECK_PORT, defaulting to 8080, and rejects a non-port', () => {
    expect(healthCheckPort({})).to.equal(8080);
    expect(healthCheckPort({ SAWMILL_HEALTHCHECK_PORT: '9401' })).to.equal(9401);
    expect(() => healthCheckPort({ SAWMILL_HEALTHCHECK_PORT: '70000' })).to.throw(/TCP port/);
    expect(() => healthCheckPort({ SAWMILL_HEALTHCHECK_PORT: 'http' })).to.throw(/TCP port/);
  });
});
