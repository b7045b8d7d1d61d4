/**
 * The bounded queue between the sources and Kafka, with its disk overflow.
 *
 * Order: shipments leave in the order they were accepted. The invariant that keeps it: a
 * shipment goes to memory only while the spool is empty, so everything in memory is older than
 * everything in the spool; the sender empties memory first, then the spool, oldest first.
 *
 * Backpressure: `accept` resolves once the shipment is held (memory or spool). It waits while
 * memory is full and the spool is at its cap, and while the disk is full (ENOSPC), retrying
 * every `diskFullRetryMs`; the source awaits it, so reading pauses and files stay where they
 * are. Nothing is dropped on any path.
 *
 * Acknowledgement: `onDelivered` is called once per shipment after Kafka acknowledged all its
 * records (never before), and only then does the caller advance the checkpoint.
 */
import { SawmillError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { DiskSpool } from '../spool/disk-spool.js';
import type { EncodedRecord } from './kafka-shipper.js';
import { decodeShipment, encodeShipment, shipmentBytes, type Shipment } from './shipment.js';

/** `accept` gave up because the agent is stopping; the lines were not taken (file lines are re-read after a restart). */
export class QueueClosedError extends SawmillError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** Where the queue sends records; resolves once Kafka acknowledged them (KafkaShipper). */
export interface RecordSender {
  send(records: readonly EncodedRecord[]): Promise<void>;
}

/** Options of `DeliveryQueue`. */
export interface DeliveryQueueOptions {
  sender: RecordSender;
  spool: DiskSpool;
  /** Most records held in memory. */
  maxRecords: number;
  /** Spool cap in bytes. */
  spoolMaxBytes: number;
  batchMaxRecords: number;
  batchMaxBytes: number;
  lingerMs: number;
  diskFullRetryMs: number;
  logger: Logger;
  /** After Kafka acknowledged the shipment. */
  onDelivered: (shipment: Shipment, from: 'memory' | 'spool') => void;
  /** After a shipment was written to the spool. */
  onSpooled?: (shipment: Shipment) => void;
  /** Disk-full state changes. */
  onDiskFull?: (full: boolean) => void;
  /** A spooled record that could not be decoded (it was skipped). */
  onUndecodable?: (error: unknown) => void;
}

/** The queue; call `start` once, `accept` from sources, `close` at shutdown. */
export class DeliveryQueue {
  private readonly memory: Array<{ shipment: Shipment; at: number }> = [];
  private memoryRecords = 0;
  private acceptChain: Promise<unknown> = Promise.resolve();
  private wakeSender: (() => void) | undefined;
  private wakeAcceptors: Array<() => void> = [];
  private running = false;
  private senderDone: Promise<void> | undefined;
  private diskFull = false;
  private atCap = false;
  private sending = false;
  private closing = false;

  constructor(private readonly options: DeliveryQueueOptions) {}

  /** True while the disk refused the last spool write. */
  get isDiskFull(): boolean {
    return this.diskFull;
  }

  /** True while a shipment waits because the spool is at its cap. */
  get isSpoolAtCap(): boolean {
    return this.atCap;
  }

  /** Records held in memory. */
  get queuedRecords(): number {
    return this.memoryRecords;
  }

  /** True when nothing waits in memory or the spool and no send is under way. */
  get idle(): boolean {
    return this.memory.length === 0 && this.options.spool.isEmpty && !this.sending;
  }

  /** Starts the sender loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.senderDone = this.runSender();
  }

  /** Holds `shipment` in memory or the spool; resolves once it is held (see the file comment). Calls are served in order. */
  accept(shipment: Shipment): Promise<'memory' | 'spool'> {
    const result = this.acceptChain.then(() => this.acceptNow(shipment));
    this.acceptChain = result.catch(() => undefined);
    return result;
  }

  /**
   * Makes `accept` calls that wait (spool at its cap, disk full) reject with QueueClosedError
   * instead of waiting on, so shutdown is not held up by a full disk; other calls still succeed.
   */
  stopWaiting(): void {
    this.closing = true;
    this.notifyAcceptors();
  }

  /** Resolves once memory and the spool are empty and nothing is being sent, or after `timeoutMs` (false). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.acceptChain;
    while (!this.idle) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  /**
   * Stops the sender after the send under way; shipments still in memory are written to the
   * spool (best effort: a file source's lines are re-read from the checkpoint anyway).
   */
  async close(stopSender: () => Promise<void>): Promise<void> {
    this.running = false;
    this.wakeSender?.();
    await stopSender();
    await this.senderDone?.catch(() => undefined);
    const rest = this.memory.splice(0);
    this.memoryRecords = 0;
    for (const { shipment } of rest) {
      // Written after the spool's own records would break order; it only matters for stdin/HTTP lines.
      await this.options.spool.append(encodeShipment(shipment)).catch((error: unknown) => this.options.logger.error({ err: error, source: shipment.sourceId, lines: shipment.lines }, 'could not spool a queued shipment at shutdown; file lines are re-read after restart'));
    }
  }

  private async acceptNow(shipment: Shipment): Promise<'memory' | 'spool'> {
    for (;;) {
      const records = shipment.records.length;
      if (this.options.spool.isEmpty && (this.memory.length === 0 || this.memoryRecords + records <= this.options.maxRecords)) {
        this.memory.push({ shipment, at: Date.now() });
        this.memoryRecords += records;
        this.atCap = false;
        this.clearDiskFull();
        this.wakeSender?.();
        return 'memory';
      }
      const payload = encodeShipment(shipment);
      const frameBytes = payload.length + 8;
      if (this.options.spool.bytes > 0 && this.options.spool.bytes + frameBytes > this.options.spoolMaxBytes) {
        if (!this.atCap) this.options.logger.warn({ spool_bytes: this.options.spool.bytes, cap: this.options.spoolMaxBytes }, 'spool at its cap; reading paused until Kafka takes records');
        this.atCap = true;
        if (this.closing) throw new QueueClosedError('the agent is stopping while the spool is at its cap');
        await this.waitForChange(500);
        continue;
      }
      this.atCap = false;
      try {
        await this.options.spool.append(payload);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOSPC' && code !== 'EDQUOT') throw error;
        if (!this.diskFull) {
          this.options.logger.error({ code, spool_bytes: this.options.spool.bytes }, 'disk full: the spool cannot be written; reading stopped until space returns or Kafka drains the queue');
          this.diskFull = true;
          this.options.onDiskFull?.(true);
        }
        if (this.closing) throw new QueueClosedError('the agent is stopping while the disk is full');
        await this.waitForChange(this.options.diskFullRetryMs);
        continue;
      }
      this.clearDiskFull();
      this.options.onSpooled?.(shipment);
      // A spooled shipment is durable (per the fsync policy); a waiting HTTP client may be answered.
      shipment.settle?.();
      this.wakeSender?.();
      return 'spool';
    }
  }

  private clearDiskFull(): void {
    if (!this.diskFull) return;
    this.diskFull = false;
    this.options.onDiskFull?.(false);
    this.options.logger.info('shipments are held again (spool writable or drained); reading resumed');
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeAcceptors.push(done);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private notifyAcceptors(): void {
    const waiting = this.wakeAcceptors.splice(0);
    for (const wake of waiting) wake();
  }

  private async runSender(): Promise<void> {
    while (this.running) {
      try {
        if (this.memory.length > 0) {
          await this.sendFromMemory();
          continue;
        }
        if (!this.options.spool.isEmpty) {
          await this.sendFromSpool();
          continue;
        }
      } catch (error) {
        // A spool read failing (I/O error) must not end delivery for good; try again shortly.
        this.options.logger.error({ err: error }, 'delivery failed; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wakeSender = resolve;
        setTimeout(resolve, 1000).unref();
      });
      this.wakeSender = undefined;
    }
  }

  private async sendFromMemory(): Promise<void> {
    const head = this.memory[0];
    if (!head) return;
    // Linger: a small batch waits a little for more, unless it is already full.
    if (this.memoryRecords < this.options.batchMaxRecords && this.options.lingerMs > 0) {
      const wait = head.at + this.options.lingerMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const batch: Shipment[] = [];
    let records = 0;
    let bytes = 0;
    for (const { shipment } of this.memory) {
      const size = shipmentBytes(shipment);
      if (batch.length > 0 && (records + shipment.records.length > this.options.batchMaxRecords || bytes + size > this.options.batchMaxBytes)) break;
      batch.push(shipment);
      records += shipment.records.length;
      bytes += size;
    }
    this.sending = true;
    try {
      await this.options.sender.send(batch.flatMap((s) => s.records));
    } catch (error) {
      if (this.running) this.options.logger.error({ err: error }, 'sender stopped unexpectedly');
      return;
    } finally {
      this.sending = false;
    }
    this.memory.splice(0, batch.length);
    this.memoryRecords -= records;
    for (const shipment of batch) {
      this.options.onDelivered(shipment, 'memory');
      shipment.settle?.();
    }
    this.notifyAcceptors();
  }

  private async sendFromSpool(): Promise<void> {
    const record = await this.options.spool.peek();
    if (!record) return;
    let shipment: Shipment;
    try {
      shipment = decodeShipment(record.payload);
    } catch (error) {
      // The checksum held, so this is a bug or a foreign file; report it and move on.
      this.options.onUndecodable?.(error);
      this.options.logger.error({ err: error }, 'spooled record is not a shipment; skipped');
      await this.options.spool.commit(record);
      return;
    }
    this.sending = true;
    try {
      await this.options.sender.send(shipment.records);
    } catch (error) {
      if (this.running) this.options.logger.error({ err: error }, 'sender stopped unexpectedly');
      return;
    } finally {
      this.sending = false;
    }
    await this.options.spool.commit(record);
    this.options.onDelivered(shipment, 'spool');
    this.notifyAcceptors();
  }
}
