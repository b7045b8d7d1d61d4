/**
 * The contract of a delivery channel (email, webhook): render and deliver one notification.
 * A channel never retries and never touches the ledger; the dispatcher does both.
 */
import type { ChannelName } from './config.js';
import type { Notification } from './notification.js';

/** What a successful delivery reports. */
export interface DeliveryReceipt {
  /** The channel's own id of the delivered message (SMTP Message-ID, webhook notification id). */
  messageId: string;
}

/**
 * A delivery channel. `deliver` resolves once the receiver accepted the message; it throws an
 * error whose `retriable` flag (lib/errors.ts) says whether the same message may succeed later
 * (server down, 4xx SMTP, HTTP 5xx/429) or never will (5xx SMTP rejection, HTTP 4xx).
 */
export interface Channel {
  readonly name: ChannelName;
  deliver(notification: Notification, signal?: AbortSignal): Promise<DeliveryReceipt>;
  /** Readiness of the receiver, for /readyz; optional because some receivers have no cheap probe. */
  check?(): Promise<void>;
  close(): Promise<void>;
}
