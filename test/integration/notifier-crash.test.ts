import { expect } from 'chai';
import { firingAlert } from '../../notifier/test-alerts.js';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.js';
import { createWorld, ledger, startNotifierChild, uniqueName, waitFor, type NotifierChild, type NotifierWorld } from './notifier-harness.js';

/** What the SMTP server does with the next message: accept at once, or hold it until the test decides. */
type Gate = { mode: 'accept' } | { mode: 'hold'; held?: (message: CapturedMessage) => void; release?: (accept: boolean) => void };

describe('notifier: kill -9 of `sawmill notifier` (child process; real Kafka, registry, PostgreSQL, SMTP server)', function () {
  this.timeout(300_000);
  let world: NotifierWorld;
  let smtp: SmtpCapture;
  let child: NotifierChild | undefined;
  let gate: Gate = { mode: 'accept' };
  let markers = 0;

  const about = (text: string): CapturedMessage[] => smtp.messages.filter((m) => m.subject.includes(text));

  /** Publishes a FIRING alert of its own rule and waits for its email: what was due before it went out by then. */
  const marker = async (): Promise<void> => {
    markers += 1;
    const name = `Marker ${markers}`;
    await world.publish([firingAlert({ ruleId: `marker-${markers}`, ruleName: name, service: 'marker' })]);
    // A restarted member may wait out the killed member's session (30 s) before it gets partitions.
    await waitFor(`the email of ${name}`, () => about(`${name} on`).length === 1, { timeoutMs: 90_000 });
  };

  before(async () => {
    world = await createWorld('it-notifier-crash');
    smtp = await startSmtpCapture({
      beforeAccept: async (message) => {
        const current = gate;
        if (current.mode === 'accept') return;
        await new Promise<void>((resolve, reject) => {
          current.release = (accept) => (accept ? resolve() : reject(new Error('451 try again later')));
          current.held?.(message);
        });
      },
    });
  });

  afterEach(async () => {
    await child?.kill9();
    child = undefined;
    gate = { mode: 'accept' };
  });

  after(async () => {
    await smtp?.stop();
    await world?.close();
  });

  it('killed before sending (SMTP down, notice pending): the email is sent after restart, once', async () => {
    const config = world.config({ smtpPort: smtp.port, groupId: uniqueName('notifier-crash-a') });
    child = await startNotifierChild(config);
    await smtp.stop();
    const alert = firingAlert({ ruleId: 'r-crash-before', ruleName: 'Crash before', service: 'checkout' });
    await world.publish([alert]);
    await waitFor('a failed attempt in the ledger', async () => (await ledger(world.pool)).some((r) => r.fingerprint === alert.fingerprint && r.status === 'pending' && r.attempts >= 1), { timeoutMs: 30_000 });
    await child.kill9();
    expect(child.process.signalCode).to.equal('SIGKILL');
    expect(about('Crash before')).to.have.length(0);

    await smtp.start();
    child = await startNotifierChild(config);
    await waitFor('the email after restart', () => about('Crash before').length >= 1, { timeoutMs: 60_000 });
    await marker();
    expect(about('Crash before').map((m) => m.subject)).to.deep.equal(['[FIRING] Crash before on checkout (CRITICAL)']);
    const row = (await ledger(world.pool)).find((r) => r.fingerprint === alert.fingerprint)!;
    expect(row.status).to.equal('sent');
  });

  it('killed after the ledger says sent: a restart that re-reads the topic from the start sends nothing again', async () => {
    const config = world.config({ smtpPort: smtp.port, groupId: uniqueName('notifier-crash-b') });
    child = await startNotifierChild(config);
    const alert = firingAlert({ ruleId: 'r-crash-after', ruleName: 'Crash after', service: 'checkout' });
    await world.publish([alert]);
    await waitFor('the ledger row sent', async () => (await ledger(world.pool)).some((r) => r.fingerprint === alert.fingerprint && r.status === 'sent'), { timeoutMs: 30_000 });
    await child.kill9();
    expect(about('Crash after')).to.have.length(1);

    // A new consumer group starts at offset 0: every event of the topic is delivered again, as after a
    // lost offset commit. The ledger, not Kafka, decides what was sent.
    child = await startNotifierChild({ ...config, kafka: { ...config.kafka, groupId: uniqueName('notifier-crash-b2') } });
    await marker();
    expect(about('Crash after')).to.have.length(1);
    expect(about('Crash before')).to.have.length(1);
    const row = (await ledger(world.pool)).find((r) => r.fingerprint === alert.fingerprint)!;
    expect([row.status, row.attempts]).to.deep.equal(['sent', 1]);
  });

  it('killed while the SMTP server holds DATA unanswered: the restart sends it again (at least once) and it is accepted once', async () => {
    const config = world.config({ smtpPort: smtp.port, groupId: uniqueName('notifier-crash-c') });
    child = await startNotifierChild(config);
    const heldMessage = new Promise<CapturedMessage>((resolve) => {
      gate = { mode: 'hold', held: resolve };
    });
    const alert = firingAlert({ ruleId: 'r-crash-window', ruleName: 'Crash window', service: 'checkout' });
    await world.publish([alert]);
    const held = await heldMessage;
    expect((await ledger(world.pool)).find((r) => r.fingerprint === alert.fingerprint)?.status).to.equal('sending');
    await child.kill9();
    // The sender is gone before the server said 250: a real server drops such a message.
    const holding = gate as { release?: (accept: boolean) => void };
    gate = { mode: 'accept' };
    holding.release?.(false);
    expect(about('Crash window')).to.have.length(0);

    child = await startNotifierChild(config);
    await waitFor('the resent email', () => about('Crash window').length >= 1, { timeoutMs: 60_000 });
    await marker();
    const mails = about('Crash window');
    expect(mails).to.have.length(1);
    // The resent copy carries the Message-ID of the interrupted one, so a client could fold a duplicate.
    expect(mails[0]!.messageId).to.equal(held.messageId);
    const row = (await ledger(world.pool)).find((r) => r.fingerprint === alert.fingerprint)!;
    expect([row.status, row.attempts]).to.deep.equal(['sent', 2]);
  });
});
