import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../lib/logger.js';
import { DiskSpool } from '../spool/disk-spool.js';
import { DeliveryQueue } from './delivery-queue.js';
import type { EncodedRecord } from './kafka-shipper.js';
import type { Shipment } from './shipment.js';

/** A sender that only acknowledges while `open` is true (the queue's view of Kafka). */
class GateSender {
  open = true;
  readonly sent: string[] = [];
  async send(records: readonly EncodedRecord[]): Promise<void> {
    while (!this.open) await new Promise((resolve) => setTimeout(resolve, 5));
    this.sent.push(...records.map((r) => r.value.toString()));
  }
}

function shipment(n: number): Shipment {
  return { sourceId: 'app', lines: 1, records: [{ key: 'h/s', value: Buffer.from(`r${n}`) }], acks: [{ streamId: 's', offset: n, nextOffset: n + 1 }] };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('DeliveryQueue', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'queue-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('overflows to the spool while the sender is blocked and delivers everything in order afterwards', async () => {
    const spool = await DiskSpool.open({ dir, segmentBytes: 256, fsync: 'none' });
    const sender = new GateSender();
    const delivered: number[] = [];
    const where: string[] = [];
    const queue = new DeliveryQueue({ sender, spool, maxRecords: 3, spoolMaxBytes: 1 << 20, batchMaxRecords: 2, batchMaxBytes: 1 << 20, lingerMs: 0, diskFullRetryMs: 10, logger: createLogger('test', { level: 'silent' }), onDelivered: (s) => delivered.push(s.acks[0]?.offset ?? -1) });
    queue.start();
    sender.open = false;
    for (let i = 0; i < 20; i += 1) where.push(await queue.accept(shipment(i)));
    expect(where.filter((w) => w === 'spool').length).to.be.greaterThan(10);
    expect(delivered.length).to.be.lessThan(20);
    sender.open = true;
    await until(() => delivered.length === 20);
    expect(delivered).to.deep.equal([...Array(20).keys()]);
    expect(sender.sent.slice(-20)).to.deep.equal([...Array(20).keys()].map((i) => `r${i}`));
    expect(spool.isEmpty).to.equal(true);
    await queue.close(async () => undefined);
    await spool.close();
  });

  it('pauses accept at the spool cap and resumes when the sender drains it', async () => {
    const spool = await DiskSpool.open({ dir, segmentBytes: 4096, fsync: 'none' });
    const sender = new GateSender();
    sender.open = false;
    let delivered = 0;
    const queue = new DeliveryQueue({ sender, spool, maxRecords: 1, spoolMaxBytes: 300, batchMaxRecords: 1, batchMaxBytes: 1 << 20, lingerMs: 0, diskFullRetryMs: 10, logger: createLogger('test', { level: 'silent' }), onDelivered: () => (delivered += 1) });
    queue.start();
    let accepted = 0;
    const pending = (async () => {
      for (let i = 0; i < 10; i += 1) {
        await queue.accept(shipment(i));
        accepted += 1;
      }
    })();
    await until(() => queue.isSpoolAtCap);
    const atCap = accepted;
    expect(atCap).to.be.lessThan(10);
    sender.open = true;
    await pending;
    await until(() => delivered === 10);
    expect(queue.isSpoolAtCap).to.equal(false);
    await queue.close(async () => undefined);
    await spool.close();
  });
});
