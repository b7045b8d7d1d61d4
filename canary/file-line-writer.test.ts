import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ServiceUnavailableError } from '../lib/errors.js';
import { createFileLineWriter } from './file-line-writer.js';

describe('file line writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canary-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and appends one line per write', async () => {
    const path = join(dir, 'a', 'b', 'canary.log');
    const writer = createFileLineWriter({ path, maxFileBytes: 1 << 20 });
    await writer.write('{"n":1}', 't1');
    await writer.write('{"n":2}', 't2');
    expect(readFileSync(path, 'utf8')).to.equal('{"n":1}\n{"n":2}\n');
  });

  it('renames a file over the limit to .1 before appending, so it never grows without bound', async () => {
    const path = join(dir, 'rotate.log');
    writeFileSync(path, 'x'.repeat(100) + '\n');
    const writer = createFileLineWriter({ path, maxFileBytes: 50 });
    await writer.write('new', 't');
    expect(readFileSync(path, 'utf8')).to.equal('new\n');
    expect(readFileSync(`${path}.1`, 'utf8')).to.equal('x'.repeat(100) + '\n');
  });

  it('refuses a line with a newline (it would be two events)', async () => {
    const writer = createFileLineWriter({ path: join(dir, 'nl.log'), maxFileBytes: 1 << 20 });
    let error: unknown;
    await writer.write('a\nb', 't').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(TypeError);
  });

  it('reports an unwritable path as ServiceUnavailableError naming the path', async () => {
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, '');
    const writer = createFileLineWriter({ path: join(blocker, 'canary.log'), maxFileBytes: 1 << 20 });
    let error: unknown;
    await writer.write('x', 't').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ServiceUnavailableError);
    expect((error as Error).message).to.include(blocker);
  });
});
