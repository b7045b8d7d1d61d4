// The project's Alertmanager config delivers for real: Debian's prometheus-alertmanager runs with
// infra/alertmanager/alertmanager.yml, only the SMTP host pointed at an in-process SMTP server
// (test/support/smtp-capture.ts) instead of maildev. Alerts posted to its API must arrive by email,
// grouped by alert name and job: two instances of one alert in one message, another alert apart.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';
import { waitFor } from '../support/wait-for.js';
import { REPO_ROOT } from './metrics-sources.js';

const BINARY = '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Alertmanager sends grouped alert emails with the project config (integration)', function () {
  this.timeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'sawmill-am-'));
  let smtp: SmtpCapture;
  let child: ChildProcess | undefined;
  let output = '';
  let base = '';

  before(async function () {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: run \`infra/local/components/alertmanager.sh install\``);
    smtp = await startSmtpCapture();
    const config = parse(readFileSync(join(REPO_ROOT, 'infra/alertmanager/alertmanager.yml'), 'utf8')) as { global: Record<string, unknown> };
    config.global['smtp_smarthost'] = `127.0.0.1:${smtp.port}`;
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(BINARY, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8192)));
    await waitFor('alertmanager ready', async () => (await fetch(`${base}/-/ready`).then((r) => r.status, () => 0)) === 200, { timeoutMs: 30_000, detail: () => output });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await smtp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one email per alert name and job, to the on-call address, with every alert of the group', async () => {
    const startsAt = new Date().toISOString();
    const alert = (labels: Record<string, string>): Record<string, unknown> => ({ labels, annotations: { summary: `summary of ${labels['alertname']} ${labels['instance'] ?? labels['sink']}` }, startsAt });
    const response = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert({ alertname: 'SawmillAgentSpoolFull', job: 'sawmill-agent', instance: 'host-a:9405', severity: 'critical' }),
        alert({ alertname: 'SawmillAgentSpoolFull', job: 'sawmill-agent', instance: 'host-b:9405', severity: 'critical' }),
        alert({ alertname: 'SawmillSinkPaused', job: 'sawmill-sink-postgres', sink: 'postgres-stats', severity: 'critical' }),
      ]),
    });
    expect(response.status).to.equal(200);
    // Critical alerts wait 10 s for their group (the config's critical route).
    await waitFor('two emails', () => smtp.messages.length >= 2, { timeoutMs: 60_000, detail: () => `${smtp.messages.length} messages\n${output}` });
    const subjects = smtp.messages.map((m) => m.subject).sort();
    expect(subjects).to.deep.equal(['[FIRING:1] SawmillSinkPaused sawmill-sink-postgres (critical postgres-stats)', '[FIRING:2] SawmillAgentSpoolFull sawmill-agent (critical)']);
    for (const message of smtp.messages) {
      expect(message.rcptTo).to.deep.equal(['oncall@sawmill.localhost']);
      expect(message.mailFrom).to.equal('alertmanager@sawmill.localhost');
    }
    const spool = smtp.messages.find((m) => m.subject.includes('SawmillAgentSpoolFull'))!;
    expect(spool.html).to.include('host-a:9405').and.to.include('host-b:9405');
    expect(spool.html).not.to.include('postgres-stats');
  });
});
