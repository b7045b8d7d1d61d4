import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findStageFiles, type StageFile } from './stage-files.js';

describe('findStageFiles', () => {
  let dir: string;
  const runStart = new Date('2026-12-01T17:00:00Z');
  const write = (name: string, content: string, at: Date): void => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    utimesSync(file, at, at);
  };
  const byStage = (files: StageFile[], stage: string): StageFile | undefined => files.find((f) => f.stage === stage);

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file written after the run started and calls an older one stale', () => {
    write('api.json', '{"bench":"api"}', new Date('2026-12-01T17:05:00Z'));
    write('sink-postgres.json', '{"bench":"postgres-sink"}', new Date('2026-12-01T16:00:00Z'));
    const files = findStageFiles(dir, runStart);
    expect(byStage(files, 'api')).to.include({ state: 'fresh' }).and.have.property('data').that.deep.equals({ bench: 'api' });
    expect(byStage(files, 'sink-postgres')).to.include({ state: 'stale' }).and.not.have.property('data');
    expect(byStage(files, 'e2e')).to.deep.equal({ stage: 'e2e', state: 'missing' });
  });

  it('takes the newest of the timestamped files, and only that one', () => {
    write('topology-2026-12-01T16-00-00-000Z.json', '{"n":1}', new Date('2026-12-01T16:00:00Z'));
    write('topology-2026-12-01T17-02-00-000Z.json', '{"n":2}', new Date('2026-12-01T17:02:00Z'));
    write('agent-old.json', '{"n":3}', new Date('2026-12-01T16:59:59Z'));
    const files = findStageFiles(dir, runStart);
    expect(byStage(files, 'topology')).to.include({ state: 'fresh' }).and.have.property('data').that.deep.equals({ n: 2 });
    expect(byStage(files, 'agent')).to.include({ state: 'stale' });
  });

  it('calls a fresh file that is not JSON unreadable (a bench that died while its output was tee\'d)', () => {
    write('sink-opensearch.json', '', new Date('2026-12-01T17:01:00Z'));
    expect(byStage(findStageFiles(dir, runStart), 'sink-opensearch')).to.include({ state: 'unreadable' });
  });

  it('reports every stage missing when the directory does not exist', () => {
    const files = findStageFiles(path.join(dir, 'nowhere'), runStart);
    expect(files.map((f) => f.state)).to.deep.equal(['missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing']);
  });
});
