import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

async function sawmill(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/sawmill.ts'), ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('sawmill topology describe', function () {
  this.timeout(30_000);

  it('prints the sub-topologies, with the repartition topic between them, of a module’s topology', async () => {
    const result = await sawmill('topology', 'describe', '--module', 'test/fixtures/describe-topology.ts');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^Topologies:\n {3}Sub-topology: 0\n {4}Source: \S+ \(topics: \[fixture\.input\]\)/);
    expect(result.stdout).to.include('Sub-topology: 1');
    expect(result.stdout).to.match(/Sink: \S+ \(topic: \S+-repartition\)/);
    expect(result.stdout).to.match(/Processor: KSTREAM-AGGREGATE-\d+ \(stores: \[KSTREAM-AGGREGATE-STATE-STORE-\d+\]\)/);
    expect(result.stdout).to.include('(topic: fixture.counts)');
  });

  it('describes the log pipeline when no module is given', async () => {
    const result = await sawmill('topology', 'describe');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^Topologies:\n {3}Sub-topology: 0\n {4}Source: logs-raw-source \(topics: \[logs\.raw\]\)/);
    for (const sink of ['(topic: logs.dlq)', '(topic: logs.enriched)', '(topic: stats.windowed)', '(topic: alerts)']) expect(result.stdout).to.include(sink);
    expect(result.stdout).to.include('Source: logs-enriched-source (topics: [logs.enriched])');
  });

  it('prints a Mermaid flowchart with --mermaid', async () => {
    const result = await sawmill('topology', 'describe', '--module', 'test/fixtures/describe-topology.ts', '--mermaid');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.split('\n')[0]).to.equal('flowchart TD');
    expect(result.stdout).to.include('subgraph sub1');
  });

  it('exits 2 naming the module when the export is not a topology', async () => {
    const result = await sawmill('topology', 'describe', '--module', 'test/fixtures/describe-topology.ts', '--export', 'missing');
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/describe-topology\.ts has no export "missing" that is a Topology/);
  });
});
