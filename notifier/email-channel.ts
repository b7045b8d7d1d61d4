/**
 * The email channel: renders a notification (email-render.ts) and sends it with nodemailer over
 * SMTP (host, port, implicit TLS or STARTTLS, optional AUTH from config). The Message-ID is derived
 * from the notification id, so a message resent after a crash carries the id of the first copy and
 * mail clients can fold the duplicate.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { SawmillError, ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Channel, DeliveryReceipt } from './channel.js';
import type { NotifierConfig } from './config.js';
import { renderEmail } from './email-render.js';
import type { Notification } from './notification.js';

/** Options of `createEmailChannel`. */
export interface EmailChannelOptions {
  email: NotifierConfig['email'];
  dashboardUrl: string;
  maxAlertsPerMessage: number;
  logger: Logger;
}

/** Creates the email channel; it connects per message (no pool), so an SMTP restart needs no reconnect logic. */
export function createEmailChannel({ email, dashboardUrl, maxAlertsPerMessage, logger }: EmailChannelOptions): Channel {
  const { smtp } = email;
  const transportOptions: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    tls: { rejectUnauthorized: smtp.tlsRejectUnauthorized },
    connectionTimeout: smtp.connectionTimeoutMs,
    greetingTimeout: smtp.connectionTimeoutMs,
    socketTimeout: smtp.socketTimeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (smtp.user !== undefined && smtp.password !== undefined) transportOptions.auth = { user: smtp.user, pass: smtp.password };
  const transport = nodemailer.createTransport(transportOptions);
  const target = `${smtp.host}:${smtp.port}`;

  return {
    name: 'email',
    async deliver(notification: Notification): Promise<DeliveryReceipt> {
      const rendered = renderEmail(notification, { dashboardUrl, maxAlerts: maxAlertsPerMessage });
      const messageId = `<${notification.id}.${notification.state.toLowerCase()}@sawmill.notifier>`;
      let info: SMTPTransport.SentMessageInfo;
      try {
        info = await transport.sendMail({
          from: email.from,
          to: email.to,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId,
          headers: { 'X-Sawmill-Notification': notification.id, 'X-Sawmill-State': notification.state },
        });
      } catch (error) {
        throw classifySmtpError(error, target);
      }
      if (info.rejected.length > 0) logger.warn({ rejected: info.rejected.length, accepted: info.accepted.length, notification: notification.id }, 'some recipients were refused by the SMTP server');
      return { messageId };
    },
    async check(): Promise<void> {
      try {
        await transport.verify();
      } catch (error) {
        throw classifySmtpError(error, target);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/**
 * Turns a nodemailer error into a Sawmill error: a permanent SMTP answer (5xx) or a message or
 * envelope nodemailer itself refuses will never succeed; anything else (connection refused,
 * timeouts, TLS, 4xx) may, later.
 */
export function classifySmtpError(error: unknown, target: string): SawmillError {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  const permanent = (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600) || ((code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode !== 'number');
  if (permanent) return new SawmillError(`SMTP ${target} refused the message: ${message}`, { cause: error, retriable: false });
  return new ServiceUnavailableError(`SMTP ${target} unavailable: ${typeof code === 'string' ? `${code} ` : ''}${message}`, 'smtp', error);
}
