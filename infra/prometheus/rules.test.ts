// Runs promtool on the Prometheus configuration: the rule unit tests and both configs (local stack
// and compose). promtool comes with the Debian package `prometheus`, which
// `infra/local/components/prometheus.sh install` installs.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROM_DIR = dirname(fileURLToPath(import.meta.url));
const RULES_DIR = join(PROM_DIR, 'rules');

/** Runs promtool and resolves with its exit code and combined output; never rejects. */
function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('infra/prometheus (promtool)', function () {
  // promtool loads the whole config and evaluates the rule tests: allow more than a unit test's 5 s.
  this.timeout(30000);

  before(() => {
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('promtool not found on PATH: run `infra/local/components/prometheus.sh install` (Debian package prometheus)');
    }
  });

  it('passes every rule unit test (promtool test rules)', async () => {
    const tests = readdirSync(RULES_DIR).filter((file) => file.endsWith('.rules.test.yml'));
    expect(tests, 'rule test files').to.have.length.above(0);
    const { code, output } = await promtool(['test', 'rules', ...tests], RULES_DIR);
    expect(code, output).to.equal(0);
    expect(output).to.include('SUCCESS');
  });

  it('tests every rule file', () => {
    const files = readdirSync(RULES_DIR);
    for (const rules of files.filter((file) => file.endsWith('.rules.yml'))) {
      expect(files, `${rules} has no unit test`).to.include(rules.replace(/\.rules\.yml$/, '.rules.test.yml'));
    }
  });

  for (const config of ['prometheus.yml', 'compose/prometheus.yml']) {
    it(`accepts ${config} and its rule files (promtool check config)`, async () => {
      const { code, output } = await promtool(['check', 'config', config], PROM_DIR);
      expect(code, output).to.equal(0);
      // A rule_files glob that matches nothing still passes check config; insist the rules were found.
      expect(output).to.match(/SUCCESS: [1-9]\d* rule files found/);
    });
  }
});
