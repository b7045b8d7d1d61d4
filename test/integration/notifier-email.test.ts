import { expect } from 'chai';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import { notificationStatus } from '../../notifier/notification-status.js';
import type { RunningNotifier } from '../../notifier/run.js';
import { fingerprintOf, firingAlert, resolvedAlert } from '../../notifier/test-alerts.js';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '../../notifier/webhook-channel.js';
import { startSmtpCapture, type CapturedMessage, type SmtpCapture } from '../support/smtp-capture.js';
import { createWorld, ledger, metricValue, startNotifier, startWebhookReceiver, waitFor, type NotifierWorld, type WebhookReceiver } from './notifier-harness.js';

const SECRET = 'integration-webhook-secret-0123456789';

/** Publishes a FIRING alert of a rule of its own and waits for its email: every message due before it has gone out by then. */
async function marker(world: NotifierWorld, smtp: SmtpCapture, name: string): Promise<void> {
  const event = firingAlert({ ruleId: `marker-${name}`, ruleName: `Marker ${name}`, service: 'marker' });
  await world.publish([event]);
  await waitFor(`the marker email ${name}`, () => smtp.messages.some((m) => m.subject.includes(`Marker ${name}`)), { timeoutMs: 30_000 });
}

function about(messages: readonly CapturedMessage[], text: string): CapturedMessage[] {
  return messages.filter((m) => m.subject.includes(text));
}

describe('notifier: email and webhook delivery (real Kafka, registry, PostgreSQL, SMTP server)', function () {
  this.timeout(180_000);
  let world: NotifierWorld;
  let smtp: SmtpCapture;
  let hook: WebhookReceiver;
  let notifier: RunningNotifier | undefined;

  before(async () => {
    world = await createWorld('it-notifier-email');
    smtp = await startSmtpCapture();
    hook = await startWebhookReceiver();
    notifier = await startNotifier(world.config({ smtpPort: smtp.port, maxRecordBytes: 64 * 1024, webhook: { enabled: true, url: hook.url, secret: SECRET } }));
  });

  after(async () => {
    await notifier?.stop();
    await smtp?.stop();
    await hook?.close();
    await world?.close();
  });

  it('an error burst sends exactly one FIRING email with its evidence lines, its end exactly one RESOLVED email', async () => {
    const firing = firingAlert({ ruleId: 'r-burst', ruleName: 'Burst errors', service: 'checkout' });
    // Kafka may deliver an event twice (a replay, a producer retry): the ledger sends it once.
    await world.publish([firing, firing]);
    await waitFor('the FIRING email', () => about(smtp.messages, 'Burst errors').length >= 1, { timeoutMs: 30_000 });
    const [mail] = about(smtp.messages, 'Burst errors');
    expect(mail!.subject).to.equal('[FIRING] Burst errors on checkout (CRITICAL)');
    expect(mail!.rcptTo).to.deep.equal(['oncall@test.local']);
    expect(mail!.text).to.include('\nObserved:  error_count = 240\nBaseline:  12.3457 ± 3\nThreshold: 4 (score 76)\n');
    expect(mail!.text).to.include('  2026-12-01T10:00:01.000Z web-1 ERROR <script>alert("x")</script> & done\n');
    expect(mail!.text).to.include('  2026-12-01T10:00:02.000Z web-2 ERROR line1\\r\\nSearch: http://evil (12.5 ms)\n');
    expect(mail!.text).to.include('Search:    http://dash.test/#/search?service=checkout&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T10%3A01%3A00.000Z\n');
    expect(mail!.html).to.include('2026-12-01T10:00:01.000Z web-1 ERROR &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; done');
    expect(mail!.html).not.to.include('<script>');

    await world.publish([resolvedAlert(firing)]);
    await waitFor('the RESOLVED email', () => about(smtp.messages, '[RESOLVED] Burst errors').length >= 1, { timeoutMs: 30_000 });
    await marker(world, smtp, 'after-burst');
    expect(about(smtp.messages, 'Burst errors').map((m) => m.subject)).to.deep.equal(['[FIRING] Burst errors on checkout (CRITICAL)', '[RESOLVED] Burst errors on checkout (CRITICAL)']);
    const resolvedMail = about(smtp.messages, '[RESOLVED] Burst errors')[0]!;
    expect(resolvedMail.text).to.include('\nResolved:  2026-12-01T10:06:00.000Z\n');

    const rows = (await ledger(world.pool)).filter((row) => row.fingerprint === firing.fingerprint);
    expect(rows.map((row) => `${row.state}/${row.channel}/${row.status}`)).to.deep.equal(['FIRING/email/sent', 'FIRING/webhook/sent', 'RESOLVED/email/sent', 'RESOLVED/webhook/sent']);
    const status = await notificationStatus(world.pool, firing.fingerprint);
    expect(status.current?.state).to.equal('RESOLVED');
    expect(status.silenced).to.equal(false);

    // The webhook got the same two transitions, signed.
    const calls = hook.requests.filter((request) => request.body.includes('"ruleId":"r-burst"'));
    expect(calls.map((call) => (JSON.parse(call.body) as { state: string }).state)).to.deep.equal(['FIRING', 'RESOLVED']);
    for (const call of calls) {
      const timestamp = Number(call.headers[WEBHOOK_HEADERS.timestamp]);
      expect(verifyWebhookSignature(SECRET, timestamp, call.body, String(call.headers[WEBHOOK_HEADERS.signature]), Math.floor(Date.now() / 1000))).to.equal(true);
    }
    expect(await metricValue(notifier!.metricsUrl, 'sawmill_notifier_notifications_sent_total', { channel: 'email' })).to.be.at.least(3);
  });

  it('50 alerts of one rule across 10 services inside the group window make exactly one email (policy: one message per rule and state)', async () => {
    const alerts = Array.from({ length: 50 }, (_, i) =>
      firingAlert({ ruleId: 'r-fleet', ruleName: 'Fleet errors', service: `svc-${i % 10}`, fingerprint: fingerprintOf('r-fleet', `svc-${i % 10}`, String(i)), labels: { shard: String(i) } }),
    );
    await world.publish(alerts);
    await waitFor('the grouped email', () => about(smtp.messages, 'Fleet errors').length >= 1, { timeoutMs: 30_000 });
    await marker(world, smtp, 'after-fleet');
    const mails = about(smtp.messages, 'Fleet errors');
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal('[FIRING:50] Fleet errors on svc-0, svc-1, svc-2, +7 more (CRITICAL)');
    // maxAlertsPerMessage (20) in full, the other 30 listed by service.
    expect(mails[0]!.text.match(/^== FIRING Fleet errors/gm)).to.have.length(20);
    expect(mails[0]!.text).to.include('\n... and 30 more: ');
    const rows = (await ledger(world.pool)).filter((row) => alerts.some((a) => a.fingerprint === row.fingerprint) && row.channel === 'email');
    expect(rows).to.have.length(50);
    expect(rows.every((row) => row.status === 'sent')).to.equal(true);
  });

  it('a silenced alert sends nothing, its ledger row says silenced, and notificationStatus reports it', async () => {
    const { rows } = await world.pool.query<{ id: string }>(
      `INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment)
       VALUES ($1, now() - interval '1 minute', now() + interval '1 hour', 'it', 'maintenance') RETURNING id`,
      [JSON.stringify([{ label: 'service', value: 'billing', isRegex: false }, { label: 'rule_id', value: 'r-sil.*', isRegex: true }])],
    );
    const silenceId = rows[0]!.id;
    const silenced = firingAlert({ ruleId: 'r-silenced', ruleName: 'Silenced errors', service: 'billing' });
    const loud = firingAlert({ ruleId: 'r-silenced', ruleName: 'Silenced errors', service: 'shipping' });
    await world.publish([silenced, loud]);
    await waitFor('the silenced ledger rows', async () => (await ledger(world.pool)).filter((row) => row.fingerprint === silenced.fingerprint && row.status === 'silenced').length === 2, { timeoutMs: 30_000 });
    await marker(world, smtp, 'after-silence');
    const mails = about(smtp.messages, 'Silenced errors');
    expect(mails.map((m) => m.subject)).to.deep.equal(['[FIRING] Silenced errors on shipping (CRITICAL)']);
    expect(mails[0]!.text).not.to.include('billing');
    const status = await notificationStatus(world.pool, silenced.fingerprint);
    expect(status.silenced).to.equal(true);
    expect(status.notices.map((n) => [n.channel, n.status, n.silenceId])).to.deep.equal([['email', 'silenced', silenceId], ['webhook', 'silenced', silenceId]]);

    // Its end is not news to anyone: the RESOLVED notice is suppressed too.
    await world.publish([resolvedAlert(silenced)]);
    await waitFor('the silenced RESOLVED rows', async () => (await ledger(world.pool)).filter((row) => row.fingerprint === silenced.fingerprint && row.state === 'RESOLVED' && row.status === 'silenced').length === 2, { timeoutMs: 30_000 });
    await marker(world, smtp, 'after-silence-resolved');
    expect(about(smtp.messages, 'Silenced errors')).to.have.length(1);
    expect(await metricValue(notifier!.metricsUrl, 'sawmill_notifier_notifications_suppressed_total', { channel: 'email' })).to.equal(2);
  });

  it('a hostile rule name cannot inject headers or recipients through the subject', async () => {
    const hostile = firingAlert({ ruleId: 'r-hostile', ruleName: 'Hostile\r\nBcc: victim@evil.test\r\nX-Evil: 1', service: 'svc\nTo: other@evil.test' });
    await world.publish([hostile]);
    await waitFor('the hostile email', () => about(smtp.messages, 'Hostile').length === 1, { timeoutMs: 30_000 });
    const mail = about(smtp.messages, 'Hostile')[0]!;
    expect(mail.subject).to.equal('[FIRING] Hostile Bcc: victim@evil.test X-Evil: 1 on svc To: other@evil.test (CRITICAL)');
    expect(mail.rcptTo).to.deep.equal(['oncall@test.local']);
    expect(mail.headers.has('bcc')).to.equal(false);
    expect(mail.headers.has('x-evil')).to.equal(false);
    expect(mail.headers.get('to')).to.deep.equal(['oncall@test.local']);
    expect(mail.html).to.include('<h3>FIRING Hostile\\r\\nBcc: victim@evil.test\\r\\nX-Evil: 1 on svc\\nTo: other@evil.test (CRITICAL)</h3>');
  });

  it('serves /healthz, /readyz (postgres and kafka checks) and the notifier metrics', async () => {
    const health = await fetch(`${notifier!.metricsUrl}/healthz`);
    expect(health.status).to.equal(200);
    const ready = await fetch(`${notifier!.metricsUrl}/readyz`);
    const report = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect([ready.status, report.status, Object.keys(report.checks).sort()]).to.deep.equal([200, 'ready', ['kafka', 'postgres']]);
    const text = await (await fetch(`${notifier!.metricsUrl}/metrics`)).text();
    for (const name of ['sawmill_notifier_notifications_sent_total', 'sawmill_notifier_notifications_failed_total', 'sawmill_notifier_notifications_retried_total', 'sawmill_notifier_notifications_suppressed_total', 'sawmill_notifier_delivery_latency_seconds', 'sawmill_notifier_alert_events_total', 'sawmill_notifier_dead_letters_total']) {
      expect(text, name).to.include(`# TYPE ${name} `);
    }
    expect(await metricValue(notifier!.metricsUrl, 'sawmill_notifier_delivery_latency_seconds_count', { channel: 'email' })).to.be.at.least(1);
  });

  it('undecodable, null, invalid and oversized records go to the DLQ with a reason, and the notifier goes on', async () => {
    const bad = firingAlert({ ruleId: 'r-bad', service: '' });
    await world.publishRaw('k1', Buffer.from('not avro at all'));
    await world.publishRaw('k2', Buffer.from([0, 0, 0, 0x7f, 0xff, 1, 2]));
    await world.publishRaw('k3', null);
    await world.publish([bad]);
    await world.publishRaw('k5', Buffer.alloc(100 * 1024, 'x'));
    const good = firingAlert({ ruleId: 'r-after-bad', ruleName: 'After bad', service: 'checkout' });
    await world.publish([good]);
    await waitFor('the email after the bad records', () => about(smtp.messages, 'After bad').length === 1, { timeoutMs: 30_000 });
    let dlq: Awaited<ReturnType<NotifierWorld['readDlq']>> = [];
    await waitFor('5 DLQ records', async () => (dlq = await world.readDlq()).length >= 5, { timeoutMs: 30_000, detail: () => JSON.stringify(dlq.map((r) => r.headers[DLQ_HEADERS.reason])) });
    expect(dlq.map((record) => record.key)).to.deep.equal(['k1', 'k2', 'k3', bad.fingerprint, 'k5']);
    const reasons = dlq.map((record) => record.headers[DLQ_HEADERS.reason] ?? '');
    expect(reasons[0]).to.match(/^undecodable: /);
    expect(reasons[1]).to.match(/^undecodable: /);
    expect(reasons[2]).to.equal('null value (tombstone) on the alerts topic');
    expect(reasons[3]).to.equal('invalid: service is empty');
    expect(reasons[4]).to.equal('value is 102400 bytes, over 65536');
    expect(dlq[4]!.value?.length).to.equal(102_400);
    expect(dlq[0]!.value?.toString()).to.equal('not avro at all');
    expect(dlq.every((record) => record.headers[DLQ_HEADERS.sourceTopic] === world.topic && record.headers[DLQ_HEADERS.processor] === 'notifier')).to.equal(true);
  });
});
