/**
 * A real SMTP server (`smtp-server` from npm) running in the test process, recording every message
 * it accepts, decoded enough for assertions: headers, subject (RFC 2047 words decoded), and the
 * text and HTML parts (quoted-printable and base64 decoded). It can be stopped and started again on
 * the same port to play an SMTP outage, and can hold a message before answering to play a crash
 * between DATA and the server's answer.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One accepted message. */
export interface CapturedMessage {
  /** Envelope sender and recipients. */
  mailFrom: string;
  rcptTo: string[];
  /** Header values by lower-case name, unfolded and decoded, in order of appearance. */
  headers: Map<string, string[]>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  raw: string;
  receivedAt: number;
}

/** Options of `startSmtpCapture`. */
export interface SmtpCaptureOptions {
  /** Port to listen on; default 0 (any free port, kept across stop/start). */
  port?: number;
  /** Called with the message after it was read and before the server answers; the answer waits for it. Throwing refuses the message. */
  beforeAccept?: (message: CapturedMessage) => Promise<void>;
}

/** A running capture server. */
export interface SmtpCapture {
  readonly port: number;
  /** Messages accepted so far, in order. */
  readonly messages: CapturedMessage[];
  /** Messages whose DATA was read, accepted or not (before `beforeAccept`). */
  readonly received: CapturedMessage[];
  /** Stops listening and drops open connections (an SMTP outage). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  readonly listening: boolean;
}

/** Starts an SMTP server on 127.0.0.1 that accepts any sender and recipient without authentication. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMessage[] = [];
  const received: CapturedMessage[] = [];
  let port = options.port ?? 0;
  let server: SMTPServer | undefined;

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void): void => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      let message: CapturedMessage;
      try {
        message = parseMessage(Buffer.concat(chunks).toString('utf8'), session);
      } catch (error) {
        callback(error as Error);
        return;
      }
      received.push(message);
      const hold = options.beforeAccept?.(message) ?? Promise.resolve();
      hold.then(
        () => {
          messages.push(message);
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    });
  };

  const start = async (): Promise<void> => {
    if (server !== undefined) return;
    const created = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData, closeTimeout: 1000 });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, '127.0.0.1', () => {
        created.off('error', reject);
        resolve();
      });
    });
    created.on('error', () => undefined);
    port = (created.server.address() as AddressInfo).port;
    server = created;
  };

  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await start();
  return {
    get port() {
      return port;
    },
    messages,
    received,
    stop,
    start,
    get listening() {
      return server !== undefined;
    },
  };
}

/** Parses a raw RFC 5322 message into the fields tests look at. */
export function parseMessage(raw: string, session?: Pick<SMTPServerSession, 'envelope'>): CapturedMessage {
  const root = parsePart(raw);
  const text: string[] = [];
  const html: string[] = [];
  const walk = (part: MimePart): void => {
    if (part.children.length > 0) part.children.forEach(walk);
    else if (part.contentType.startsWith('text/html')) html.push(part.body);
    else if (part.contentType.startsWith('text/plain')) text.push(part.body);
  };
  walk(root);
  const mailFrom = session?.envelope.mailFrom;
  return {
    mailFrom: mailFrom === undefined || mailFrom === false ? '' : mailFrom.address,
    rcptTo: session?.envelope.rcptTo.map((rcpt) => rcpt.address) ?? [],
    headers: root.headers,
    subject: root.headers.get('subject')?.[0] ?? '',
    messageId: root.headers.get('message-id')?.[0] ?? '',
    text: text.join(''),
    html: html.join(''),
    raw,
    receivedAt: Date.now(),
  };
}

interface MimePart {
  headers: Map<string, string[]>;
  contentType: string;
  body: string;
  children: MimePart[];
}

function parsePart(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeWords(line.slice(colon + 1).trim());
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  const contentType = (headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type')?.[0] ?? '')?.[1];
  if (contentType.startsWith('multipart/') && boundary !== undefined) {
    const sections = body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*\\r?\\n?`));
    // The first section is the preamble and the last the epilogue.
    const children = sections.slice(1, -1).filter((section) => section.trim() !== '').map(parsePart);
    return { headers, contentType, body: '', children };
  }
  const encoding = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  // Mail travels with CRLF line ends (RFC 5322); tests compare with the LF text that was rendered.
  return { headers, contentType, body: decodeBody(body, encoding).replace(/\r\n/g, '\n'), children: [] };
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.replace(/=\r?\n/g, ''));
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    const hex = text.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(char, 'utf8')) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped, as the RFC says. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
