import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, InvalidInputError } from '../../lib/errors.js';
import { createFileSink } from './file-sink.js';
import { createLogGenerator, type GeneratedLine } from './generator.js';

const START = Date.UTC(2026, 11, 1, 10, 0, 0);

function generate(count: number, services?: string[]): GeneratedLine[] {
  const generator = createLogGenerator({ seed: 4, incident: 'off', services });
  return Array.from({ length: count }, (_, i) => generator.next(START + i));
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n') || text === '').to.equal(true);
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

describe('createFileSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sawmill-file-sink-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per service and host, lines in order', async () => {
    const lines = generate(2000);
    const sink = createFileSink({ dir });
    for (let i = 0; i < lines.length; i += 137) await sink.write(lines.slice(i, i + 137));
    await sink.close();
    expect(sink.delivered).to.equal(2000);

    const services = (await readdir(dir)).sort();
    expect(services).to.deep.equal([...new Set(lines.map((l) => l.service))].sort());
    for (const service of services) {
      for (const file of await readdir(path.join(dir, service))) {
        const host = file.replace(/\.log$/, '');
        const expected = lines.filter((l) => l.service === service && l.host === host).map((l) => l.line);
        expect(await readLines(path.join(dir, service, file))).to.deep.equal(expected);
      }
    }
  });

  it('appends to an existing file instead of truncating it', async () => {
    const lines = generate(10, ['auth']);
    const target = path.join(dir, 'auth', `${lines[0]!.host}.log`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, 'already here\n');
    const sink = createFileSink({ dir });
    await sink.write(lines);
    await sink.close();
    const written = await readLines(target);
    expect(written[0]).to.equal('already here');
    expect(written.slice(1)).to.deep.equal(lines.filter((l) => l.host === lines[0]!.host).map((l) => l.line));
  });

  it('rotates by renaming and creating a fresh file, losing and duplicating no line', async () => {
    const lines = generate(3000, ['inventory']);
    const rotateBytes = 20_000;
    const sink = createFileSink({ dir, rotateBytes, keepRotated: 100 });
    const host = lines[0]!.host;
    const live = sink.pathFor('inventory', host);

    await sink.write(lines.slice(0, 10));
    const firstInode = (await stat(live)).ino;
    for (let i = 10; i < lines.length; i += 250) await sink.write(lines.slice(i, i + 250));
    await sink.close();

    expect(sink.rotations).to.be.above(2);
    // The oldest rotated file is the original inode: rename, not copy-and-truncate.
    const files = (await readdir(path.dirname(live))).filter((f) => f.startsWith(`${host}.log`));
    const rotated = files.filter((f) => /\.log\.\d+$/.test(f)).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
    expect(rotated.length).to.be.above(1);
    expect((await stat(path.join(path.dirname(live), rotated[0]!))).ino).to.equal(firstInode);
    expect((await stat(live)).ino).to.not.equal(firstInode);

    // Oldest to newest, the files hold exactly the lines written, in order.
    let all: string[] = [];
    for (const file of [...rotated, `${host}.log`]) {
      const full = path.join(path.dirname(live), file);
      expect((await stat(full)).size).to.be.at.most(rotateBytes);
      all = all.concat(await readLines(full));
    }
    const expected = lines.filter((l) => l.host === host).map((l) => l.line);
    expect(all.length).to.equal(expected.length);
    expect(all).to.deep.equal(expected);
  });

  it('keeps only keepRotated old files', async () => {
    const lines = generate(2000, ['sshd']).map((l) => ({ ...l, host: 'bastion-1' }));
    const sink = createFileSink({ dir, rotateBytes: 5000, keepRotated: 2 });
    for (let i = 0; i < lines.length; i += 100) await sink.write(lines.slice(i, i + 100));
    await sink.close();
    expect((await readdir(path.join(dir, 'sshd'))).sort()).to.deep.equal(['bastion-1.log', 'bastion-1.log.1', 'bastion-1.log.2']);
  });

  it('rejects path-unsafe names and bad options', async () => {
    const [line] = generate(1);
    const sink = createFileSink({ dir });
    let caught: unknown;
    try {
      await sink.write([{ ...line!, host: '../escape' }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(InvalidInputError);
    await sink.close();
    expect(() => createFileSink({ dir, rotateBytes: 0 })).to.throw(ConfigError);
    expect(() => createFileSink({ dir, keepRotated: 0 })).to.throw(ConfigError);
  });
});
