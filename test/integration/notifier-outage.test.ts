import { expect } from 'chai';
import type { RunningNotifier } from '../../notifier/run.js';
import { firingAlert } from '../../notifier/test-alerts.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js';
import { createWorld, ledger, metricValue, startNotifier, startWebhookReceiver, waitFor, type NotifierWorld, type WebhookReceiver } from './notifier-harness.js';

const OUTAGE_MS = 60_000;

describe('notifier: SMTP down for 60 s (real Kafka, registry, PostgreSQL, SMTP server)', function () {
  this.timeout(240_000);
  let world: NotifierWorld;
  let smtp: SmtpCapture;
  let hook: WebhookReceiver;
  let notifier: RunningNotifier | undefined;

  before(async () => {
    world = await createWorld('it-notifier-outage');
    smtp = await startSmtpCapture();
    hook = await startWebhookReceiver();
    // The retry schedule is configuration (delivery.retry*); the outage itself stays 60 s.
    notifier = await startNotifier(world.config({
      smtpPort: smtp.port,
      delivery: { retryInitialDelayMs: 1000, retryMaxDelayMs: 5000, inlineRetries: 1 },
      webhook: { enabled: true, url: hook.url, secret: 'integration-webhook-secret-0123456789' },
    }));
  });

  after(async () => {
    await notifier?.stop();
    await smtp?.stop();
    await hook?.close();
    await world?.close();
  });

  it('retries with backoff while SMTP is down, keeps other channels flowing, and delivers exactly once afterwards', async () => {
    await smtp.stop();
    const downSince = Date.now();
    const first = firingAlert({ ruleId: 'r-outage', ruleName: 'Outage errors', service: 'checkout' });
    await world.publish([first]);

    // The webhook (another channel, another group) is not held up by the SMTP outage.
    await waitFor('the webhook call during the outage', () => hook.requests.some((r) => r.body.includes('"ruleId":"r-outage"')), { timeoutMs: 30_000 });
    const second = firingAlert({ ruleId: 'r-outage-2', ruleName: 'Second outage errors', service: 'payments' });
    await world.publish([second]);
    await waitFor('the second webhook call during the outage', () => hook.requests.some((r) => r.body.includes('"ruleId":"r-outage-2"')), { timeoutMs: 30_000 });

    await waitFor('several failed email attempts', async () => {
      const row = (await ledger(world.pool)).find((r) => r.fingerprint === first.fingerprint && r.channel === 'email');
      return row !== undefined && row.attempts >= 3 && row.status === 'pending';
    }, { timeoutMs: 50_000 });
    const during = (await ledger(world.pool)).find((r) => r.fingerprint === first.fingerprint && r.channel === 'email')!;
    expect(during.last_error).to.match(/SMTP 127\.0\.0\.1:\d+ unavailable: (ESOCKET|ECONNECTION) .*ECONNREFUSED/);
    expect(smtp.received).to.have.length(0);

    // The outage lasts 60 s from the stop; this wait is the scenario, not a guess at timing.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downSince))));
    const attemptsDuringOutage = (await ledger(world.pool)).find((r) => r.fingerprint === first.fingerprint && r.channel === 'email')!.attempts;
    expect(await metricValue(notifier!.metricsUrl, 'sawmill_notifier_notifications_retried_total', { channel: 'email' })).to.be.at.least(attemptsDuringOutage);
    expect(await metricValue(notifier!.metricsUrl, 'sawmill_notifier_notifications_failed_total', { channel: 'email' })).to.equal(0);

    await smtp.start();
    const upAt = Date.now();
    await waitFor('both emails after SMTP came back', () => smtp.messages.filter((m) => m.subject.includes('utage errors')).length >= 2, { timeoutMs: 30_000 });
    const arrivalMs = Date.now() - upAt;
    await world.publish([firingAlert({ ruleId: 'marker', ruleName: 'Marker', service: 'marker' })]);
    await waitFor('the marker email', () => smtp.messages.some((m) => m.subject.includes('Marker')), { timeoutMs: 30_000 });
    expect(smtp.messages.filter((m) => m.subject.includes('utage errors')).map((m) => m.subject).sort()).to.deep.equal([
      '[FIRING] Outage errors on checkout (CRITICAL)',
      '[FIRING] Second outage errors on payments (CRITICAL)',
    ]);
    const rows = (await ledger(world.pool)).filter((r) => r.fingerprint === first.fingerprint);
    expect(rows.map((r) => `${r.channel}/${r.status}`)).to.deep.equal(['email/sent', 'webhook/sent']);
    expect(hook.requests.filter((r) => r.body.includes('"ruleId":"r-outage"'))).to.have.length(1);
    process.stdout.write(`      outage ${OUTAGE_MS} ms, ${attemptsDuringOutage} email attempts during it, email arrived ${arrivalMs} ms after SMTP came back\n`);
  });
});
