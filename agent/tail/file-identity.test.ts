import { expect } from 'chai';
import { appendFile, mkdtemp, rm, unlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extendIdentity, FINGERPRINT_SIZE, matchesContent, matchesFile, newStreamId, observePath } from './file-identity.js';

describe('file-identity', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-identity-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps recognising a file that grows, and lengthens a provisional fingerprint', async () => {
    const path = join(dir, 'a.log');
    await writeFile(path, 'short\n');
    const first = await observePath(path);
    expect(first.identity.fingerprintLength).to.equal(6);
    await appendFile(path, 'x'.repeat(2000));
    const later = await observePath(path);
    expect(later.identity.fingerprintLength).to.equal(FINGERPRINT_SIZE);
    expect(matchesFile(first.identity, later)).to.equal(true);
    const extended = extendIdentity(first.identity, later);
    expect(extended.fingerprintLength).to.equal(FINGERPRINT_SIZE);
    expect(matchesFile(extended, later)).to.equal(true);
    expect(extendIdentity(extended, later)).to.equal(extended);
  });

  it('treats the same inode with other first bytes, or fewer bytes, as another file', async () => {
    const path = join(dir, 'a.log');
    await writeFile(path, 'first content\n');
    const before = await observePath(path);
    await writeFile(path, 'other content\n'); // same inode, rewritten
    const after = await observePath(path);
    expect(after.identity.ino).to.equal(before.identity.ino);
    expect(matchesFile(before.identity, after)).to.equal(false);
    await writeFile(path, 'first');
    expect(matchesFile(before.identity, await observePath(path))).to.equal(false);
  });

  it('recognises a copy by a complete fingerprint only', async () => {
    const path = join(dir, 'a.log');
    await writeFile(path, 'y'.repeat(100));
    const small = await observePath(path);
    await copyFile(path, join(dir, 'small.copy'));
    expect(matchesContent(small.identity, await observePath(join(dir, 'small.copy')))).to.equal(false);
    await writeFile(path, 'z'.repeat(5000));
    const big = await observePath(path);
    await copyFile(path, join(dir, 'big.copy'));
    const copy = await observePath(join(dir, 'big.copy'));
    expect(copy.identity.ino).to.not.equal(big.identity.ino);
    expect(matchesFile(big.identity, copy)).to.equal(false);
    expect(matchesContent(big.identity, copy)).to.equal(true);
  });

  it('derives deterministic stream ids from complete fingerprints and unique ones otherwise', async () => {
    const path = join(dir, 'a.log');
    await writeFile(path, 'q'.repeat(4096));
    const full = (await observePath(path)).identity;
    expect(newStreamId(full)).to.equal(newStreamId(full)).and.to.match(/^[0-9a-f]{32}$/);
    expect(newStreamId(full, (id) => id === newStreamId(full))).to.not.equal(newStreamId(full));
    await unlink(path);
    await writeFile(path, '');
    const empty = (await observePath(path)).identity;
    expect(newStreamId(empty)).to.not.equal(newStreamId(empty));
  });
});
