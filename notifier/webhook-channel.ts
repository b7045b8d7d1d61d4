/**
 * The webhook channel: POSTs a notification as JSON. The receiver authenticates it with
 * `x-sawmill-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` and
 * `x-sawmill-timestamp: <unix seconds>` (signing the timestamp lets it refuse replays), and
 * deduplicates on `x-sawmill-notification-id`, which stays the same when a message is resent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SawmillError, ServiceUnavailableError } from '../lib/errors.js';
import type { Channel, DeliveryReceipt } from './channel.js';
import { searchLink } from './email-render.js';
import type { Notification } from './notification.js';

/** Header names of a webhook request. */
export const WEBHOOK_HEADERS = {
  signature: 'x-sawmill-signature',
  timestamp: 'x-sawmill-timestamp',
  notificationId: 'x-sawmill-notification-id',
} as const;

/** Options of `createWebhookChannel`. */
export interface WebhookChannelOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  dashboardUrl: string;
  /** Clock in ms, injectable for tests. */
  now?: () => number;
}

/** Returns the `v1=<hex>` signature of `body` sent at `timestamp` (unix seconds). */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is the signature of `body` at `timestamp` and the timestamp is within `toleranceSeconds` of `nowSeconds`; compares in constant time. */
export function verifyWebhookSignature(secret: string, timestamp: number, body: string, signature: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON body of a webhook request. */
export function webhookPayload(notification: Notification, dashboardUrl: string): unknown {
  return {
    version: 1,
    id: notification.id,
    state: notification.state,
    repeat: notification.repeat,
    groupLabels: Object.fromEntries(notification.groupLabels),
    alerts: notification.alerts.map((alert) => ({ ...alert, searchUrl: searchLink(dashboardUrl, alert) })),
  };
}

/** Creates the webhook channel. */
export function createWebhookChannel(options: WebhookChannelOptions): Channel {
  const now = options.now ?? Date.now;
  return {
    name: 'webhook',
    async deliver(notification: Notification, signal?: AbortSignal): Promise<DeliveryReceipt> {
      const body = JSON.stringify(webhookPayload(notification, options.dashboardUrl));
      const timestamp = Math.floor(now() / 1000);
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_HEADERS.signature]: signWebhookBody(options.secret, timestamp, body),
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.notificationId]: notification.id,
          },
          body,
          redirect: 'error',
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        });
        // The body is not used; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        throw new ServiceUnavailableError(`webhook ${redactedUrl(options.url)} unreachable: ${(error as Error).message}`, 'webhook', error);
      }
      if (response.ok) return { messageId: notification.id };
      const retriable = response.status >= 500 || response.status === 429 || response.status === 408;
      const message = `webhook ${redactedUrl(options.url)} answered HTTP ${response.status}`;
      throw retriable ? new ServiceUnavailableError(message, 'webhook') : new SawmillError(message, { retriable: false });
    },
    async close(): Promise<void> {},
  };
}

function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '[invalid url]';
  }
}
