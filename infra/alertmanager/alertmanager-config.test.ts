// The Alertmanager configs (local stack and compose) pass `amtool check-config`, agree on
// everything but the SMTP host, group by alert name and job, and route every alert to the email
// receiver. amtool comes with the Debian package `prometheus-alertmanager`, which
// `infra/local/components/alertmanager.sh install` installs.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const AM_DIR = dirname(fileURLToPath(import.meta.url));
const CONFIGS = ['alertmanager.yml', 'compose/alertmanager.yml'];

/** Runs amtool and resolves with its exit code and combined output; never rejects. */
function amtool(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('amtool', args, { cwd: AM_DIR }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

interface AmConfig {
  global: { smtp_smarthost: string; smtp_require_tls: boolean };
  route: { receiver: string; group_by: string[]; routes?: { matchers: string[]; receiver: string }[] };
  receivers: { name: string; email_configs?: { to: string; send_resolved: boolean }[] }[];
}

const load = (file: string): AmConfig => parse(readFileSync(join(AM_DIR, file), 'utf8')) as AmConfig;

describe('infra/alertmanager (amtool)', function () {
  this.timeout(20_000);

  before(() => {
    try {
      execFileSync('amtool', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('amtool not found on PATH: run `infra/local/components/alertmanager.sh install` (Debian package prometheus-alertmanager)');
    }
  });

  for (const file of CONFIGS) {
    it(`accepts ${file} (amtool check-config)`, async () => {
      const { code, output } = await amtool(['check-config', file]);
      expect(code, output).to.equal(0);
      expect(output).to.include('SUCCESS').and.to.include('1 receivers');
    });

    it(`routes warning and critical alerts of ${file} to the email receiver`, async () => {
      for (const labels of [['alertname=SawmillTargetDown', 'severity=warning', 'job=sawmill-stream'], ['alertname=SawmillSinkPaused', 'severity=critical', 'job=sawmill-sink-postgres'], ['alertname=Unknown']]) {
        const { code, output } = await amtool(['config', 'routes', 'test', `--config.file=${file}`, '--verify.receivers=email-oncall', ...labels]);
        expect(code, `${labels.join(' ')}: ${output}`).to.equal(0);
      }
    });
  }

  it('fails a config with an unknown receiver (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sawmill-am-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(file, 'route:\n  receiver: nobody\nreceivers:\n  - name: email-oncall\n');
      const { code, output } = await amtool(['check-config', file]);
      expect(code, output).to.equal(1);
      expect(output).to.include('undefined receiver "nobody"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('groups by alert name and job, sends resolved notices, and differs between the two files only in the SMTP host', () => {
    const local = load('alertmanager.yml');
    const compose = load('compose/alertmanager.yml');
    expect(local.route.group_by).to.deep.equal(['alertname', 'job']);
    expect(local.receivers).to.deep.equal([{ name: 'email-oncall', email_configs: [{ to: 'oncall@sawmill.localhost', send_resolved: true }] }]);
    expect(local.global.smtp_smarthost).to.equal('127.0.0.1:1025');
    expect(compose.global.smtp_smarthost).to.equal('maildev:1025');
    expect({ ...compose, global: { ...compose.global, smtp_smarthost: local.global.smtp_smarthost } }).to.deep.equal(local);
  });
});
