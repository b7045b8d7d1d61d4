import { expect } from 'chai';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDiscovery } from './file-discovery.js';

describe('file-discovery', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-discovery-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds matching files, honours excludes, and reports what appeared and disappeared', async () => {
    await mkdir(join(dir, 'nginx/old'), { recursive: true });
    await writeFile(join(dir, 'app.log'), 'x');
    await writeFile(join(dir, 'app.log.gz'), 'x');
    await writeFile(join(dir, 'nginx/access.log'), 'x');
    await writeFile(join(dir, 'nginx/old/access.log'), 'x');
    await writeFile(join(dir, 'debug.log'), 'x');
    const discovery = new FileDiscovery({ include: [`${dir}/**/*.log`], exclude: [`${dir}/debug.log`, `${dir}/**/old/**`] });
    const first = await discovery.scan();
    const rel = (files: Array<{ path: string }>): string[] => files.map((file) => file.path.slice(dir.length + 1));
    expect(rel(first.files)).to.deep.equal(['app.log', 'nginx/access.log']);
    expect(rel(first.added)).to.deep.equal(['app.log', 'nginx/access.log']);
    expect(first.removed).to.deep.equal([]);

    await rename(join(dir, 'app.log'), join(dir, 'app.log.1'));
    await writeFile(join(dir, 'app.log'), 'new inode');
    await unlink(join(dir, 'nginx/access.log'));
    const second = await discovery.scan();
    expect(rel(second.files)).to.deep.equal(['app.log']);
    expect(rel(second.added)).to.deep.equal(['app.log']);
    expect(rel(second.removed)).to.deep.equal(['app.log', 'nginx/access.log']);
    expect(second.added[0]?.ino).to.not.equal(second.removed[0]?.ino);
  });

  it('reports a file reached through a symlink once, and does not fail on a missing root', async () => {
    await writeFile(join(dir, 'a.log'), 'x');
    await symlink(join(dir, 'a.log'), join(dir, 'b.log'));
    const discovery = new FileDiscovery({ include: [`${dir}/*.log`, `${dir}/missing/*.log`] });
    const { files, unreadableDirectories } = await discovery.scan();
    expect(files.map((file) => file.path)).to.deep.equal([join(dir, 'a.log')]);
    expect(unreadableDirectories).to.equal(0);
    expect(discovery.roots).to.deep.equal([dir, join(dir, 'missing')]);
  });
});
