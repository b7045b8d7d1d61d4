import { expect } from 'chai';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { pino } from 'pino';
import { RetriesExhaustedError } from '../../../lib/errors.js';
import { patientAdmin } from './patient-admin.js';

type Offsets = { partition: number; offset: string; high: string; low: string }[];

/** An admin client answering from a script: each call takes the next outcome. */
class ScriptedAdmin {
  calls: string[] = [];
  connected = 0;
  disconnected = 0;
  constructor(
    readonly name: string,
    private readonly outcomes: (Offsets | Error)[],
  ) {}

  connect = async (): Promise<void> => {
    this.connected += 1;
  };

  disconnect = async (): Promise<void> => {
    this.disconnected += 1;
  };

  fetchTopicOffsets = async (topic: string): Promise<Offsets> => this.answer(`topic:${topic}`);

  fetchOffsets = async ({ groupId }: { groupId: string; topics?: string[] }): Promise<{ topic: string; partitions: { partition: number; offset: string; metadata: string | null }[] }[]> => {
    const offsets = await this.answer(`group:${groupId}`);
    return [{ topic: 't', partitions: offsets.map(({ partition, offset }) => ({ partition, offset, metadata: null })) }];
  };

  private async answer(call: string): Promise<Offsets> {
    this.calls.push(call);
    const outcome = this.outcomes.shift();
    if (outcome === undefined) throw new Error(`${this.name}: unscripted call ${call}`);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

const OFFSETS: Offsets = [{ partition: 0, offset: '7', high: '7', low: '0' }];
/** A broker's error answer as kafkajs raises it (its error table marks these retriable). */
const protocolError = (type: string, code: number, message: string): KafkaJSProtocolError => new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable: true }));
/** What a broker answers during an election. */
const electing = (): Error => protocolError('LEADER_NOT_AVAILABLE', 5, 'There is no leader for this topic-partition as we are in the middle of a leadership election');
const logger = pino({ level: 'silent' });

/** A Kafka whose admin() hands out the given fresh clients in order. */
function kafkaHanding(fresh: ScriptedAdmin[]): { admin: () => ScriptedAdmin; handed: () => number } {
  let handed = 0;
  return {
    admin: () => {
      const next = fresh[handed];
      if (next === undefined) throw new Error('no more fresh admin clients scripted');
      handed += 1;
      return next;
    },
    handed: () => handed,
  };
}

describe('patientAdmin', () => {
  it('answers from the shared admin when it succeeds, creating no other client', async () => {
    const shared = new ScriptedAdmin('shared', [OFFSETS]);
    const kafka = kafkaHanding([]);
    const admin = patientAdmin(shared, { kafka: kafka as never, logger });
    expect(await admin.fetchTopicOffsets('logs.raw')).to.deep.equal(OFFSETS);
    expect(kafka.handed()).to.equal(0);
  });

  it('retries a leader election through fresh clients, each connected and disconnected, until one answers', async () => {
    const shared = new ScriptedAdmin('shared', [electing()]);
    const first = new ScriptedAdmin('fresh-1', [electing()]);
    const second = new ScriptedAdmin('fresh-2', [OFFSETS]);
    const admin = patientAdmin(shared, { kafka: kafkaHanding([first, second]) as never, logger, maxDelayMs: 5 });
    expect(await admin.fetchTopicOffsets('logs.raw')).to.deep.equal(OFFSETS);
    expect(shared.calls).to.deep.equal(['topic:logs.raw']);
    expect(first.calls).to.deep.equal(['topic:logs.raw']);
    expect(second.calls).to.deep.equal(['topic:logs.raw']);
    expect([first.connected, first.disconnected, second.connected, second.disconnected]).to.deep.equal([1, 1, 1, 1]);
  });

  it('retries committed-offset lookups the same way', async () => {
    const shared = new ScriptedAdmin('shared', [protocolError('NOT_COORDINATOR', 16, 'This is not the correct coordinator for this group')]);
    const fresh = new ScriptedAdmin('fresh', [OFFSETS]);
    const admin = patientAdmin(shared, { kafka: kafkaHanding([fresh]) as never, logger, maxDelayMs: 5 });
    const answer = await admin.fetchOffsets({ groupId: 'app', topics: ['t'] });
    expect(answer[0]?.partitions).to.deep.equal([{ partition: 0, offset: '7', metadata: null }]);
    expect(fresh.calls).to.deep.equal(['group:app']);
  });

  it('does not retry an error that is not retriable', async () => {
    const shared = new ScriptedAdmin('shared', [new KafkaJSNonRetriableError('Invalid topic')]);
    const kafka = kafkaHanding([]);
    const admin = patientAdmin(shared, { kafka: kafka as never, logger });
    const error = await admin.fetchTopicOffsets('x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    expect((error as Error).cause).to.be.instanceOf(KafkaJSNonRetriableError);
    expect(kafka.handed()).to.equal(0);
  });

  it('gives up at its deadline with the last election error as the cause', async () => {
    const fresh = Array.from({ length: 1000 }, (_, i) => new ScriptedAdmin(`fresh-${i}`, [electing()]));
    const kafka = kafkaHanding(fresh);
    const admin = patientAdmin(new ScriptedAdmin('shared', [electing()]), { kafka: kafka as never, logger, deadlineMs: 150, maxDelayMs: 10 });
    const started = Date.now();
    const error = await admin.fetchTopicOffsets('logs.raw').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    expect(((error as Error).cause as KafkaJSProtocolError).type).to.equal('LEADER_NOT_AVAILABLE');
    expect(Date.now() - started).to.be.within(150, 2_000);
    expect(kafka.handed()).to.be.greaterThan(1);
  });

  it('keeps the other methods of the admin it wraps', async () => {
    const shared = new ScriptedAdmin('shared', []);
    await patientAdmin(shared, { kafka: kafkaHanding([]) as never, logger }).connect();
    expect(shared.connected).to.equal(1);
  });
});
