import { expect } from 'chai';
import type { RunningNotifier } from '../../notifier/run.js';
import { fingerprintOf, firingAlert } from '../../notifier/test-alerts.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';
import { createWorld, ledger, startNotifier, waitFor, type NotifierWorld } from './notifier-harness.js';

describe('notifier: grouping by rule and service (real Kafka, registry, PostgreSQL, SMTP server)', function () {
  this.timeout(120_000);
  let world: NotifierWorld;
  let smtp: SmtpCapture;
  let notifier: RunningNotifier | undefined;

  before(async () => {
    world = await createWorld('it-notifier-grouping');
    smtp = await startSmtpCapture();
    notifier = await startNotifier(world.config({ smtpPort: smtp.port, grouping: { byLabels: ['service'], groupWaitMs: 3000 } }));
  });

  after(async () => {
    await notifier?.stop();
    await smtp?.stop();
    await world?.close();
  });

  it('with byLabels [service], 50 alerts of one rule across 10 services make exactly 10 emails of 5 alerts each', async () => {
    const alerts = Array.from({ length: 50 }, (_, i) =>
      firingAlert({ ruleId: 'r-fleet', ruleName: 'Fleet errors', service: `svc-${i % 10}`, fingerprint: fingerprintOf('r-fleet', `svc-${i % 10}`, String(i)), labels: { shard: String(i) } }),
    );
    // Two halves: the second joins the groups the first opened, inside the group wait.
    await world.publish(alerts.slice(0, 25));
    await world.publish(alerts.slice(25));
    await waitFor('10 emails', () => smtp.messages.length >= 10, { timeoutMs: 30_000 });
    // Every ledger row settled means nothing else is left to send.
    await waitFor('every notice sent', async () => (await ledger(world.pool)).every((row) => row.status === 'sent'), { timeoutMs: 30_000 });
    const marker = firingAlert({ ruleId: 'marker', ruleName: 'Marker', service: 'marker' });
    await world.publish([marker]);
    await waitFor('the marker email', () => smtp.messages.some((m) => m.subject.includes('Marker')), { timeoutMs: 30_000 });
    const fleet = smtp.messages.filter((m) => m.subject.includes('Fleet errors'));
    expect(fleet.map((m) => m.subject).sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `[FIRING:5] Fleet errors on svc-${i} (CRITICAL)`).sort());
    for (const mail of fleet) expect(mail.text.match(/^== FIRING Fleet errors/gm)).to.have.length(5);
  });
});
