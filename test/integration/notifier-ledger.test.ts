import { expect } from 'chai';
import type { PoolClient } from 'pg';
import { createLogger } from '../../lib/logger.js';
import { dueGroups, recordAlertEvent, recoverInterrupted, scheduleRepeats, setStatus, type RecordOptions } from '../../notifier/ledger.js';
import { notificationStatus } from '../../notifier/notification-status.js';
import { firingAlert, resolvedAlert, T0 } from '../../notifier/test-alerts.js';
import type { AlertEvent } from '../../schemas/log-schemas.js';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import { createWorld, ledger, type NotifierWorld } from './notifier-harness.js';

const OPTIONS: RecordOptions = { channels: ['email'], byLabels: [], groupWaitMs: 0 };

describe('notifier ledger and state machine (real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: NotifierWorld;

  before(async () => {
    world = await createWorld('it-notifier-ledger');
    await runMigrations(world.pool, createLogger('notifier-it', { level: 'warn' }));
  });
  after(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    await world.pool.query('TRUNCATE notification_ledger, notifier_alert_state, notifier_events, silences');
  });

  async function record(event: AlertEvent, options: RecordOptions = OPTIONS): Promise<string> {
    const client: PoolClient = await world.pool.connect();
    try {
      await client.query('BEGIN');
      const outcome = await recordAlertEvent(client, event, options);
      await client.query('COMMIT');
      return outcome;
    } finally {
      client.release();
    }
  }

  it('records an alertId once; a replay changes nothing', async () => {
    const event = firingAlert();
    expect(await record(event)).to.equal('new');
    expect(await record(event)).to.equal('duplicate');
    expect((await ledger(world.pool)).map((r) => `${r.state}/${r.status}`)).to.deep.equal(['FIRING/pending']);
  });

  it('a FIRING delivered after its own RESOLVED, or an older episode after a newer one, is history: superseded, state unchanged', async () => {
    const firing = firingAlert();
    expect(await record(resolvedAlert(firing))).to.equal('new');
    expect(await record(firing)).to.equal('stale');
    const newer = firingAlert({ episodeStartedAtMs: T0 + 3_600_000 });
    expect(await record(newer)).to.equal('new');
    const older = firingAlert({ episodeStartedAtMs: T0 - 3_600_000 });
    expect(await record(older)).to.equal('stale');
    const status = await notificationStatus(world.pool, firing.fingerprint);
    expect(status.current).to.include({ state: 'FIRING', episodeStartedAtMs: T0 + 3_600_000 });
    expect(status.notices.map((n) => `${n.episodeStartedAtMs - T0}/${n.state}/${n.status}`)).to.deep.equal([
      '3600000/FIRING/pending',
      '0/FIRING/superseded',
      '0/RESOLVED/pending',
      '-3600000/FIRING/superseded',
    ]);
  });

  it('alerts of one group share the due time of the first; another rule is its own group', async () => {
    const wait: RecordOptions = { ...OPTIONS, groupWaitMs: 60_000 };
    await record(firingAlert({ service: 'a' }), wait);
    await record(firingAlert({ service: 'b' }), wait);
    await record(firingAlert({ ruleId: 'r-other', service: 'a' }), wait);
    const { rows } = await world.pool.query<{ group_key: string; due: Date[] }>('SELECT group_key, array_agg(DISTINCT due_at) AS due FROM notification_ledger GROUP BY group_key ORDER BY group_key');
    expect(rows.map((r) => [r.group_key, r.due.length])).to.deep.equal([['[["rule_id","r-errors"]]', 1], ['[["rule_id","r-other"]]', 1]]);
    // 60 s group wait: nothing is due yet.
    expect(await dueGroups(world.pool, 10)).to.deep.equal([]);
  });

  it('a RESOLVED notice is not due while the FIRING notice of its episode is unsettled', async () => {
    const firing = firingAlert();
    await record(firing);
    await record(resolvedAlert(firing));
    expect(await dueGroups(world.pool, 10)).to.deep.equal([{ channel: 'email', groupKey: '[["rule_id","r-errors"]]', state: 'FIRING' }]);
    const key = { fingerprint: firing.fingerprint, episodeStartedAtMs: T0, state: 'FIRING' as const, channel: 'email' as const, repeatNo: 0 };
    expect(await setStatus(world.pool, [key], 'sending', { attempt: true })).to.equal(1);
    expect(await dueGroups(world.pool, 10)).to.deep.equal([]);
    expect(await setStatus(world.pool, [key], 'sent', { onlyIf: 'sending' })).to.equal(1);
    expect(await dueGroups(world.pool, 10)).to.deep.equal([{ channel: 'email', groupKey: '[["rule_id","r-errors"]]', state: 'RESOLVED' }]);
  });

  it('notices left "sending" by a dead dispatcher go back to pending', async () => {
    const firing = firingAlert();
    await record(firing);
    await setStatus(world.pool, [{ fingerprint: firing.fingerprint, episodeStartedAtMs: T0, state: 'FIRING', channel: 'email', repeatNo: 0 }], 'sending', { attempt: true });
    expect(await recoverInterrupted(world.pool)).to.equal(1);
    expect((await ledger(world.pool)).map((r) => [r.status, r.attempts])).to.deep.equal([['pending', 1]]);
  });

  it('repeats a FIRING notice after the repeat interval while the alert still fires, once; never for a resolved one', async () => {
    const still = firingAlert({ service: 'still' });
    const gone = firingAlert({ service: 'gone' });
    await record(still);
    await record(gone);
    await record(resolvedAlert(gone));
    await world.pool.query(`UPDATE notification_ledger SET status = 'sent', sent_at = now(), updated_at = now() - interval '2 hours'`);
    expect(await scheduleRepeats(world.pool, 3_600_000)).to.equal(1);
    expect(await scheduleRepeats(world.pool, 3_600_000)).to.equal(0);
    const rows = (await ledger(world.pool)).filter((r) => r.status === 'pending');
    expect(rows.map((r) => [r.fingerprint, r.state, r.repeat_no])).to.deep.equal([[still.fingerprint, 'FIRING', 1]]);
    // Not before the interval.
    await world.pool.query(`UPDATE notification_ledger SET status = 'sent', updated_at = now()`);
    expect(await scheduleRepeats(world.pool, 3_600_000)).to.equal(0);
  });

  it('stores a NUL character of a hostile sample as U+FFFD instead of failing', async () => {
    const base = firingAlert();
    const event = { ...base, evidence: { ...base.evidence, samples: [{ ...base.evidence.samples[0]!, message: 'a\u0000b' }] }, labels: { 'k\u0000': 'v\u0000' } };
    expect(await record(event)).to.equal('new');
    const { rows } = await world.pool.query<{ event: AlertEvent }>('SELECT event FROM notifier_events');
    expect(rows[0]!.event.evidence.samples[0]!.message).to.equal('a\ufffdb');
    expect(rows[0]!.event.labels).to.deep.equal({ 'k\ufffd': 'v\ufffd' });
  });

  it('notificationStatus of an unknown fingerprint is empty', async () => {
    expect(await notificationStatus(world.pool, 'ffffffffffffffff')).to.deep.equal({ fingerprint: 'ffffffffffffffff', current: null, silenced: false, notices: [] });
  });
});
