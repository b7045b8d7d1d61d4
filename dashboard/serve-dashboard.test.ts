import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { ASSET_CACHE_CONTROL, DASHBOARD_CSP, INDEX_CACHE_CONTROL, serveDashboard } from './serve-dashboard.js';

describe('serveDashboard', () => {
  let dir: string;
  let server: Server;
  let base: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-dashboard-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'assets', 'app-ABC123.js'), 'export {};');
    await writeFile(join(dir, 'secret.txt'), 'not served');
    const app = express();
    app.use(serveDashboard({ root: dir }));
    app.use((_req, res) => {
      res.status(404).json({ error: { code: 'not_found' } });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache and the strict CSP', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    expect(response.headers.get('cache-control')).to.equal(INDEX_CACHE_CONTROL);
    expect(response.headers.get('content-security-policy')).to.equal(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).to.not.include('unsafe');
    expect(await response.text()).to.equal('<!doctype html><title>t</title>');
  });
  it('serves hashed assets as immutable, with a JavaScript type', async () => {
    const response = await fetch(`${base}/assets/app-ABC123.js`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.equal(ASSET_CACHE_CONTROL);
    expect(response.headers.get('content-type')).to.match(/javascript/);
    expect(response.headers.get('content-security-policy')).to.equal(DASHBOARD_CSP);
  });
  it('falls through for unknown files, other methods, traversal and files outside assets', async () => {
    for (const path of ['/assets/missing.js', '/secret.txt', '/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/api/v1/whatever']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).to.equal(404);
      expect(await response.text(), path).to.not.include('not served');
    }
    expect((await fetch(`${base}/`, { method: 'POST' })).status).to.equal(404);
  });
  it('answers 503 with a hint when the dashboard is not built', async () => {
    const app = express();
    app.use(serveDashboard({ root: join(dir, 'nope') }));
    const other = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      expect(response.status).to.equal(503);
      expect(await response.text()).to.include('npm run build');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
