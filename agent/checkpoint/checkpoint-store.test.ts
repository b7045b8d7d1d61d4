import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileObservation } from '../tail/file-identity.js';
import { CheckpointCorruptError, CheckpointStore } from './checkpoint-store.js';

const identity = { dev: 1, ino: 2, fingerprint: 'a'.repeat(64), fingerprintLength: 10 };
const file = { identity, path: '/var/log/app.log' };

describe('checkpoint-store', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sawmill-checkpoint-'));
    path = join(dir, 'checkpoint.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts new when no file exists and round-trips through an atomic write', async () => {
    const store = await CheckpointStore.open({ path });
    expect(store.isNew).to.equal(true);
    store.addSource('app');
    store.register('app', 's1', file, 0);
    store.acknowledge('s1', 0, 100);
    await store.flush();
    expect((await readdir(dir)).sort()).to.deep.equal(['checkpoint.json']); // no temporary file left behind
    const reopened = await CheckpointStore.open({ path });
    expect(reopened.isNew).to.equal(false);
    expect(reopened.hasSource('app')).to.equal(true);
    expect(reopened.offset('s1')).to.equal(100);
    expect(reopened.get('s1')).to.deep.equal({ streamId: 's1', source: 'app', files: [file], offset: 100, goneSinceMs: null });
  });

  it('moves only to the highest contiguous acknowledged offset when acks come out of order', async () => {
    const store = await CheckpointStore.open({ path });
    store.register('app', 's1', file, 0);
    expect(store.acknowledge('s1', 20, 30)).to.equal(true);
    expect(store.acknowledge('s1', 40, 50)).to.equal(true);
    expect(store.offset('s1')).to.equal(0);
    expect(store.pendingRanges('s1')).to.equal(2);
    store.acknowledge('s1', 0, 10);
    expect(store.offset('s1')).to.equal(10);
    store.acknowledge('s1', 10, 20);
    expect(store.offset('s1')).to.equal(30);
    await store.flush();
    expect((await CheckpointStore.open({ path })).offset('s1')).to.equal(30); // the range beyond the gap is not persisted
    store.acknowledge('s1', 30, 40);
    expect(store.offset('s1')).to.equal(50);
    expect(store.pendingRanges('s1')).to.equal(0);
    store.acknowledge('s1', 0, 10); // a duplicate ack of a resend changes nothing
    expect(store.offset('s1')).to.equal(50);
    expect(store.acknowledge('unknown', 0, 1)).to.equal(false);
    expect(() => store.acknowledge('s1', 5, 5)).to.throw(TypeError);
  });

  it('detects a corrupt, truncated or foreign-version file and refuses to open it', async () => {
    const store = await CheckpointStore.open({ path });
    store.register('app', 's1', file, 0);
    store.acknowledge('s1', 0, 123);
    await store.flush();
    const good = await readFile(path, 'utf8');

    await writeFile(path, good.replace('"offset":123', '"offset":999'));
    await expectCorrupt('checksum');
    await writeFile(path, good);
    await truncate(path, Math.floor(good.length / 2));
    await expectCorrupt('unparsable');
    await writeFile(path, good.replace('"version":1', '"version":9'));
    await expectCorrupt('version');
    await writeFile(path, '');
    await expectCorrupt('unparsable');
  });

  it('sets a corrupt file aside and starts empty when told to reset', async () => {
    await writeFile(path, '{"version":1,"checksum":"x","bo');
    const resets: string[] = [];
    const store = await CheckpointStore.open({ path, resetCorrupt: true, onReset: (_error, movedTo) => resets.push(movedTo) });
    expect(store.isNew).to.equal(true);
    expect(resets).to.have.length(1);
    expect((await readdir(dir)).some((name) => name.startsWith('checkpoint.json.corrupt-'))).to.equal(true);
  });

  it('prunes streams gone for longer than the TTL', async () => {
    const store = await CheckpointStore.open({ path, ttlMs: 1000 });
    store.register('app', 'gone', file, 0);
    store.register('app', 'live', { identity: { ...identity, ino: 3 }, path: '/x' }, 0);
    store.removeFile('gone', identity, 10_000);
    expect(store.get('gone')?.goneSinceMs).to.equal(10_000);
    expect(store.prune(10_500)).to.equal(0);
    expect(store.prune(11_001)).to.equal(1);
    expect(store.has('gone')).to.equal(false);
    expect(store.has('live')).to.equal(true);
  });

  it('finds a stream by file identity and by copied content', async () => {
    const store = await CheckpointStore.open({ path });
    const head = Buffer.alloc(1024, 'h');
    const { createHash } = await import('node:crypto');
    const fingerprint = createHash('sha256').update(head).digest('hex');
    store.register('app', 's1', { identity: { dev: 1, ino: 2, fingerprint, fingerprintLength: 1024 }, path: '/a' }, 0);
    const observe = (ino: number, bytes: Buffer): FileObservation => ({ identity: { dev: 1, ino, fingerprint: '', fingerprintLength: bytes.length }, head: bytes, size: bytes.length });
    expect(store.findByFile(observe(2, head))?.streamId).to.equal('s1');
    expect(store.findByFile(observe(3, head))).to.equal(undefined);
    expect(store.findByContent(observe(3, head))?.streamId).to.equal('s1');
    expect(store.findByFile(observe(2, Buffer.alloc(1024, 'z')))).to.equal(undefined);
  });

  async function expectCorrupt(reason: string): Promise<void> {
    let error: unknown;
    try {
      await CheckpointStore.open({ path });
    } catch (caught) {
      error = caught;
    }
    expect(error, reason).to.be.instanceOf(CheckpointCorruptError);
    expect((error as CheckpointCorruptError).reason).to.equal(reason);
    expect((error as Error).message).to.contain(path);
  }
});
