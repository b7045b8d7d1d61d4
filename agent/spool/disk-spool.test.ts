import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskSpool } from './disk-spool.js';
import { inspectSpool } from './inspect-spool.js';

describe('DiskSpool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spool-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function drain(spool: DiskSpool): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const record = await spool.peek();
      if (!record) return out;
      out.push(record.payload.toString());
      await spool.commit(record);
    }
  }

  it('returns records in write order across segments and deletes consumed segments', async () => {
    const spool = await DiskSpool.open({ dir, segmentBytes: 64, fsync: 'none' });
    for (let i = 0; i < 20; i += 1) await spool.append(Buffer.from(`record-${i}`));
    expect((await readdir(dir)).length).to.be.greaterThan(2);
    expect(spool.pendingRecords).to.equal(20);
    expect(await drain(spool)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `record-${i}`));
    expect(spool.isEmpty).to.equal(true);
    expect(spool.bytes).to.equal(0);
    await spool.append(Buffer.from('after'));
    expect(await drain(spool)).to.deep.equal(['after']);
    await spool.close();
  });

  it('keeps records across a reopen', async () => {
    const first = await DiskSpool.open({ dir, segmentBytes: 1024, fsync: 'always' });
    await first.append(Buffer.from('a'));
    await first.append(Buffer.from('b'));
    await first.close();
    const second = await DiskSpool.open({ dir, segmentBytes: 1024, fsync: 'always' });
    expect(second.pendingRecords).to.equal(2);
    await second.append(Buffer.from('c'));
    expect(await drain(second)).to.deep.equal(['a', 'b', 'c']);
    await second.close();
  });

  it('reports and skips a record with a bad checksum, and inspect finds it', async () => {
    const spool = await DiskSpool.open({ dir, segmentBytes: 1 << 20, fsync: 'none' });
    for (const s of ['one', 'two', 'three']) await spool.append(Buffer.from(s));
    await spool.close();
    const [name] = await readdir(dir);
    const path = join(dir, name ?? '');
    const data = await readFile(path);
    data[8 + 3 + 8] = 0x58; // first payload byte of the second record
    await writeFile(path, data);
    const report = await inspectSpool(dir);
    expect(report).to.include({ records: 2, corrupt: 1, ok: false });
    const problems: string[] = [];
    const reopened = await DiskSpool.open({ dir, segmentBytes: 1 << 20, fsync: 'none', onCorrupt: (p) => problems.push(p.reason) });
    expect(await drain(reopened)).to.deep.equal(['one', 'three']);
    expect(problems).to.deep.equal(['checksum mismatch']);
    await reopened.close();
  });

  it('cuts a torn tail at open and reports it', async () => {
    const spool = await DiskSpool.open({ dir, segmentBytes: 1 << 20, fsync: 'none' });
    await spool.append(Buffer.from('whole'));
    await spool.close();
    const [name] = await readdir(dir);
    const path = join(dir, name ?? '');
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.from([0, 0, 0, 50, 1, 2])]));
    const problems: string[] = [];
    const reopened = await DiskSpool.open({ dir, segmentBytes: 1 << 20, fsync: 'none', onCorrupt: (p) => problems.push(p.reason) });
    expect(problems).to.have.length(1);
    await reopened.append(Buffer.from('next'));
    expect(await drain(reopened)).to.deep.equal(['whole', 'next']);
    await reopened.close();
  });
});

describe('DiskSpool under concurrent append and commit', () => {
  it('loses no record when the last record of the write segment is committed while another is appended', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spool-race-'));
    try {
      const spool = await DiskSpool.open({ dir, segmentBytes: 1 << 20, fsync: 'none' });
      const got: string[] = [];
      for (let i = 0; i < 200; i += 1) {
        await spool.append(Buffer.from(`a${i}`));
        const record = await spool.peek();
        if (!record) throw new Error('nothing to peek');
        // Commit (which deletes the drained write segment) races the next append.
        await Promise.all([spool.commit(record).then(() => got.push(record.payload.toString())), spool.append(Buffer.from(`b${i}`))]);
        const next = await spool.peek();
        if (!next) throw new Error(`record b${i} lost`);
        got.push(next.payload.toString());
        await spool.commit(next);
      }
      expect(got).to.have.length(400);
      expect(spool.isEmpty).to.equal(true);
      await spool.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
