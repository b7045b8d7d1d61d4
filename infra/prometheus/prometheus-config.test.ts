// The local stack's Prometheus config and the compose one must scrape the same jobs, each Sawmill
// service on the port the project assigned it; only the host differs (127.0.0.1 vs the service name).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const PROM_DIR = dirname(fileURLToPath(import.meta.url));

/** Job -> the port it scrapes: the ports decided for the project (see docker-compose.yml). */
const EXPECTED_PORTS: Readonly<Record<string, number>> = {
  prometheus: 9090,
  alertmanager: 9093,
  'sawmill-registry': 8081,
  'sawmill-stream': 9401,
  'sawmill-sink-opensearch': 9402,
  'sawmill-sink-postgres': 9403,
  'sawmill-notifier': 9404,
  'sawmill-agent': 9405,
  'sawmill-demo': 9406,
  'sawmill-canary': 9407,
  'sawmill-api': 8080,
};

interface PromConfig {
  rule_files?: string[];
  alerting?: { alertmanagers?: { static_configs?: { targets?: string[] }[] }[] };
  scrape_configs?: { job_name: string; static_configs?: { targets?: string[] }[] }[];
}

/** Job name -> its static targets. */
function targetsByJob(file: string): Map<string, string[]> {
  const config = parse(readFileSync(join(PROM_DIR, file), 'utf8')) as PromConfig;
  const jobs = new Map<string, string[]>();
  for (const job of config.scrape_configs ?? []) {
    expect(jobs.has(job.job_name), `${file}: job ${job.job_name} twice`).to.equal(false);
    jobs.set(job.job_name, (job.static_configs ?? []).flatMap((s) => s.targets ?? []));
  }
  return jobs;
}

describe('infra/prometheus scrape configs', () => {
  const local = targetsByJob('prometheus.yml');
  const compose = targetsByJob('compose/prometheus.yml');

  it('scrape the same jobs locally and in compose', () => {
    expect([...local.keys()].sort()).to.deep.equal([...compose.keys()].sort());
    expect([...local.keys()].sort()).to.deep.equal(Object.keys(EXPECTED_PORTS).sort());
  });

  it('scrape 127.0.0.1 locally and the compose service in compose, on the assigned port', () => {
    for (const [job, port] of Object.entries(EXPECTED_PORTS)) {
      expect(local.get(job), job).to.deep.equal([`127.0.0.1:${port}`]);
      const host = job === 'prometheus' ? 'localhost' : job.replace(/^sawmill-/, '');
      expect(compose.get(job), job).to.deep.equal([`${host}:${port}`]);
    }
  });

  it('send alerts to Alertmanager and load the rules in both', () => {
    const localConfig = parse(readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8')) as PromConfig;
    const composeConfig = parse(readFileSync(join(PROM_DIR, 'compose/prometheus.yml'), 'utf8')) as PromConfig;
    expect(localConfig.alerting?.alertmanagers?.[0]?.static_configs?.[0]?.targets).to.deep.equal(['127.0.0.1:9093']);
    expect(composeConfig.alerting?.alertmanagers?.[0]?.static_configs?.[0]?.targets).to.deep.equal(['alertmanager:9093']);
    expect(localConfig.rule_files).to.deep.equal(['rules/*.rules.yml']);
    expect(composeConfig.rule_files).to.deep.equal(['../rules/*.rules.yml']);
  });
});
