/**
 * The dispatcher: every `pollIntervalMs` it takes the groups whose notices are due, applies
 * silences, and delivers one message per group through its channel (groups concurrently, at most
 * `maxGroupsPerTick` in flight), recording every step in the ledger. One dispatcher runs per
 * database: it holds a PostgreSQL session advisory lock, so when several notifiers consume the
 * group only one sends, and when it dies (even with kill -9) the lock goes with its connection and
 * another takes over.
 *
 * Delivery order per group: (1) in one transaction, silenced notices are marked `silenced` and the
 * rest `sending` (attempt counted, Message-ID stored); (2) the channel is called; (3) the notices
 * are marked `sent`, or `pending` with a later due time (retriable failure), or `failed`.
 *
 * The crash window between the SMTP server accepting a message and step (3): the ledger still says
 * `sending`, and nothing in PostgreSQL can tell "accepted" from "not accepted". We choose AT LEAST
 * ONCE: a dispatcher that takes over returns `sending` notices to `pending` and sends them again.
 * A duplicate alert email is a nuisance; a lost one is an outage nobody hears about, which is what
 * this component exists to prevent. The window is one SMTP round trip wide, the resent copy keeps
 * the first copy's Message-ID (and the webhook its notification id), so clients and receivers can
 * fold it. Notices marked `sent` are never sent again, whatever Kafka redelivers.
 */
import type { PoolClient } from 'pg';
import { isRetriable, SawmillError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { PgPool } from '../lib/postgres.js';
import { backoffDelay, retry } from '../lib/retry.js';
import { alertLabels } from './alert-labels.js';
import type { Channel } from './channel.js';
import type { ChannelName, NotifierConfig } from './config.js';
import { groupKeyLabels } from './grouping.js';
import { activeSilences, dueGroups, lockGroup, recoverInterrupted, resolvedOfSilenced, scheduleRepeats, setStatus, type DueGroup, type LedgerEntry } from './ledger.js';
import { notificationId, sortAlerts, type Notification } from './notification.js';
import type { NotifierMetrics } from './notifier-metrics.js';
import { compileSilences, findSilence, type CompiledSilence } from './silence-matcher.js';

// Advisory lock key of the one dispatcher per database ("SWN" + 1).
const DISPATCHER_LOCK = 0x5357_4e01;

/** Options of `startDispatcher`. */
export interface DispatcherOptions {
  pool: PgPool;
  channels: ReadonlyMap<ChannelName, Channel>;
  delivery: NotifierConfig['delivery'];
  repeatIntervalMs: number;
  metrics: NotifierMetrics;
  logger: Logger;
}

/** A running dispatcher. */
export interface Dispatcher {
  /** True while this process holds the dispatcher lock. */
  readonly isLeader: boolean;
  /** Stops after the pass in progress; resolves when it ended and the lock was released. */
  stop(): Promise<void>;
}

/** Starts the dispatch loop; it tries to become the dispatcher at once and on every pass until it is. */
export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { pool, delivery, logger } = options;
  const controller = new AbortController();
  let lockClient: PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const inflight = new Set<Promise<void>>();

  const releaseLock = async (): Promise<void> => {
    const client = lockClient;
    lockClient = undefined;
    if (client === undefined) return;
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [DISPATCHER_LOCK]);
      client.release();
    } catch (error) {
      client.release(error as Error);
    }
  };

  const becomeLeader = async (): Promise<boolean> => {
    if (lockClient !== undefined) return true;
    // Taking the lock resets `sending` notices; our own deliveries from before a lost lock must end first.
    if (inflight.size > 0) return false;
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [DISPATCHER_LOCK]);
      if (rows[0]?.locked !== true) {
        client.release();
        return false;
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    // Losing the connection loses the lock: stop dispatching until it is taken again.
    client.on('error', (error) => {
      logger.warn({ err: error }, 'dispatcher lock connection lost');
      if (lockClient === client) lockClient = undefined;
    });
    lockClient = client;
    const recovered = await recoverInterrupted(pool);
    logger.info({ recovered }, recovered > 0 ? 'dispatcher lock taken; interrupted deliveries will be sent again (at least once)' : 'dispatcher lock taken');
    return true;
  };

  const pass = async (): Promise<void> => {
    if (!(await becomeLeader())) return;
    const repeats = await scheduleRepeats(pool, options.repeatIntervalMs);
    if (repeats > 0) logger.info({ repeats }, 'repeat notices scheduled for alerts still firing');
    const room = delivery.maxGroupsPerTick - inflight.size;
    if (room <= 0) return;
    const groups = await dueGroups(pool, room);
    if (groups.length === 0) return;
    const silences = compileSilences(await activeSilences(pool));
    for (const silence of silences) if ('error' in silence) logger.warn({ silence_id: silence.id, error: silence.error }, 'silence ignored: its matchers are invalid');
    // Deliveries run on their own, not inside the pass: a receiver that hangs until its timeout
    // holds its own groups only, and the next pass serves every other group (claimed notices are
    // `sending`, so no pass picks them twice). At most maxGroupsPerTick are in flight.
    for (const group of groups) {
      const task = deliverGroup(group, silences)
        .catch((error: unknown) => logger.error({ err: error, channel: group.channel }, 'delivery of a group failed'))
        .finally(() => inflight.delete(task));
      inflight.add(task);
    }
  };

  const deliverGroup = async (group: DueGroup, silences: readonly CompiledSilence[]): Promise<void> => {
    const channel = options.channels.get(group.channel);
    const claimed = await claim(group, silences, channel === undefined);
    if (claimed === undefined || channel === undefined) return;
    const { notification, entries } = claimed;
    const log = logger.child({ channel: group.channel, notification: notification.id, state: group.state, alerts: entries.length });
    try {
      await retry(async ({ signal }) => channel.deliver(notification, signal), {
        retries: delivery.inlineRetries,
        initialDelayMs: Math.min(200, delivery.retryInitialDelayMs),
        maxDelayMs: Math.min(2000, delivery.retryMaxDelayMs),
        signal: controller.signal,
        onRetry: ({ attempt, error }) => {
          options.metrics.retried.inc({ channel: group.channel });
          log.warn({ attempt, err: error }, 'delivery attempt failed; retrying');
        },
      });
    } catch (error) {
      const cause = error instanceof SawmillError && error.cause !== undefined ? error.cause : error;
      const attempts = Math.max(...entries.map((entry) => entry.attempts)) + 1;
      const message = cause instanceof Error ? cause.message : String(cause);
      if (controller.signal.aborted) {
        await setStatus(pool, entries, 'pending', { dueAt: new Date(), error: message, onlyIf: 'sending' });
        return;
      }
      if (!isRetriable(cause) || attempts >= delivery.maxAttempts) {
        await setStatus(pool, entries, 'failed', { error: message, onlyIf: 'sending' });
        options.metrics.failed.inc({ channel: group.channel });
        log.error({ err: cause, attempts }, 'delivery failed; giving up on this notification');
        return;
      }
      const delayMs = backoffDelay(attempts, { initialDelayMs: delivery.retryInitialDelayMs, maxDelayMs: delivery.retryMaxDelayMs, factor: 2, jitter: 'full', random: Math.random });
      await setStatus(pool, entries, 'pending', { dueAt: new Date(Date.now() + delayMs), error: message, onlyIf: 'sending' });
      options.metrics.retried.inc({ channel: group.channel });
      log.warn({ err: cause, attempts, retry_in_ms: delayMs }, 'delivery failed; rescheduled');
      return;
    }
    await setStatus(pool, entries, 'sent', { onlyIf: 'sending' });
    options.metrics.sent.inc({ channel: group.channel });
    const oldest = Math.min(...entries.map((entry) => entry.createdAt.getTime()));
    options.metrics.deliveryLatency.observe({ channel: group.channel }, Math.max(0, (Date.now() - oldest) / 1000));
    log.info('notification delivered');
  };

  /** Locks the group's pending notices, settles the silenced ones and marks the rest `sending`, in one transaction. */
  const claim = async (group: DueGroup, silences: readonly CompiledSilence[], noChannel: boolean): Promise<{ notification: Notification; entries: LedgerEntry[] } | undefined> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const entries = await lockGroup(client, group);
      if (noChannel) {
        // A channel removed from the config since these notices were recorded: nothing can send them.
        await setStatus(client, entries, 'failed', { error: `channel ${group.channel} is not enabled` });
        await client.query('COMMIT');
        return undefined;
      }
      const silencedEnds = await resolvedOfSilenced(client, entries);
      const toSend: LedgerEntry[] = [];
      for (const entry of entries) {
        const silenceId = findSilence(silences, alertLabels(entry.event));
        const endOfSilenced = silencedEnds.has(`${entry.fingerprint}/${entry.episodeStartedAtMs}`);
        if (silenceId === undefined && !endOfSilenced) {
          toSend.push(entry);
          continue;
        }
        const details = silenceId === undefined ? {} : { silenceId };
        await setStatus(client, [entry], 'silenced', details);
        options.metrics.suppressed.inc({ channel: group.channel });
        logger.info({ channel: group.channel, fingerprint: entry.fingerprint, state: entry.state, silence_id: silenceId ?? null }, 'notice suppressed by a silence');
      }
      let claimed: { notification: Notification; entries: LedgerEntry[] } | undefined;
      if (toSend.length > 0) {
        const notification: Notification = {
          id: notificationId(group.state, group.groupKey, toSend),
          state: group.state,
          groupKey: group.groupKey,
          groupLabels: groupKeyLabels(group.groupKey),
          alerts: sortAlerts(toSend.map((entry) => entry.event)),
          repeat: toSend.every((entry) => entry.repeatNo > 0),
        };
        await setStatus(client, toSend, 'sending', { messageId: notification.id, attempt: true });
        claimed = { notification, entries: toSend };
      }
      await client.query('COMMIT');
      return claimed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => {
          logger.error({ err: error }, 'dispatch pass failed; trying again at the next pass');
          // A broken lock connection must not keep us "leader" without a lock.
          return releaseLock();
        })
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, delivery.pollIntervalMs);
  };
  schedule();

  return {
    get isLeader() {
      return lockClient !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      controller.abort(new Error('notifier stopping'));
      await running;
      await Promise.all([...inflight]);
      await releaseLock();
    },
  };
}
