/**
 * The catalogue of demo services: who logs, from which hosts, in which format,
 * how often at each level, how slow, and what their messages look like.
 *
 * Messages are templates with variable parts (ids, counts, IPs, durations) so
 * that a pattern miner downstream groups them back into a few dozen patterns,
 * as it would with real services. The layouts follow real systems; the loghub
 * samples (HDFS, OpenSSH) were the reference for the hdfs and sshd templates.
 */
import { ConfigError } from '../../lib/errors.js';
import {
  formatCommaMillis,
  formatGoDuration,
  formatHdfsTime,
  formatNginxTime,
  formatSyslogTime,
  levelToken,
  renderLogfmt,
  type Level,
  type LogFormat,
} from './formats.js';
import type { Random } from './random.js';

/** A W3C trace context pair: 32 hex digits of trace id, 16 of span id. */
export interface TraceIds {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
}

/** Everything a service needs to render one line; built by the generator. */
export interface RenderContext {
  /** The generator's random stream; templates draw their variable parts from it. */
  readonly rng: Random;
  /** Event time, already floored to the format's timestamp precision. */
  readonly timestampMs: number;
  /** The level this line must carry. */
  readonly level: Level;
  /** The host that writes the line. */
  readonly host: string;
  /** A latency drawn from the service's distribution (incident slow-down applied); templates may ignore it. */
  readonly latencyMs: number;
  /** Returns trace ids for this line, sometimes continuing a trace another service started. */
  trace(): TraceIds;
  /**
   * A run marker (e.g. `bench_step=3f9a`) every line must carry inside its message text, so a
   * benchmark can count one run's lines in the stores; absent by default (lines unchanged).
   */
  readonly tag?: string;
}

/** Appends the run marker, when there is one, to a message text. */
function tagged(ctx: RenderContext, message: string): string {
  return ctx.tag === undefined ? message : `${message} ${ctx.tag}`;
}

/** One rendered line and the facts it encodes beyond time, level and host. */
export interface RenderedLine {
  /** The raw line, without a trailing newline. */
  readonly line: string;
  /** The latency written in the line, in ms, exactly as encoded; absent when the line carries none. */
  readonly latencyMs?: number;
  /** The trace id written in the line, when there is one. */
  readonly traceId?: string;
  /** The span id written in the line, when there is one. */
  readonly spanId?: string;
}

/** Log-normal latency: half of the requests are faster than the median; sigma sets the tail. */
export interface LatencyDistribution {
  /** Median latency in ms. */
  readonly medianMs: number;
  /** Standard deviation of ln(latency); 0.5 is a tight service, 1.0 a long-tailed one. */
  readonly sigma: number;
}

/** A demo service: identity, volume share, level mix, latency and how to render a line. */
export interface ServiceSpec {
  /** Service name; used in file paths, Kafka keys and headers. */
  readonly name: string;
  /** The one format this service writes. */
  readonly format: LogFormat;
  /** Hosts (or pods) running it; a line comes from one of them, uniformly. */
  readonly hosts: readonly string[];
  /** Relative share of the total line volume. */
  readonly weight: number;
  /** Relative weight of each level in normal operation. */
  readonly levelMix: Readonly<Record<Level, number>>;
  /** Latency of the requests this service reports. */
  readonly latency: LatencyDistribution;
  /** Renders one line at `ctx.level`; only called for levels with a positive weight or during an incident. */
  render(ctx: RenderContext): RenderedLine;
}

type Template = (ctx: RenderContext) => RenderedLine;

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'] as const;
const BAD_USERS = ['admin', 'oracle', 'test', 'postgres', 'ubuntu', 'git', 'support', 'user1', 'pi'] as const;
const CURRENCIES = ['EUR', 'USD', 'GBP'] as const;
const PROVIDERS = ['stripe', 'adyen', 'paypal'] as const;
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'curl/8.5.0',
  'kube-probe/1.31',
] as const;
const SEARCH_WORDS = ['boots', 'jacket', 'lamp', 'socks', 'kettle', 'chair'] as const;

/** An address from a private range, as services see each other. */
function internalIp(rng: Random): string {
  return `10.${rng.int(0, 3)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** An address from the documentation ranges, standing in for the public internet. */
function publicIp(rng: Random): string {
  const prefix = rng.pick(['203.0.113', '198.51.100', '192.0.2'] as const);
  return `${prefix}.${rng.int(1, 254)}`;
}

function sku(rng: Random): string {
  return `SKU-${rng.int(10000, 99999)}`;
}

function orderId(rng: Random): number {
  return rng.int(100000, 999999);
}

/** Rounds a latency to whole milliseconds, never below 1 ms so that it is always written. */
function wholeMs(latencyMs: number): number {
  return Math.max(1, Math.round(latencyMs));
}

function pickTemplate(templates: Readonly<Record<Level, readonly Template[]>>, ctx: RenderContext, service: string): RenderedLine {
  const candidates = templates[ctx.level];
  if (candidates.length === 0) throw new RangeError(`service ${service} has no ${ctx.level} template`);
  return ctx.rng.pick(candidates)(ctx);
}

// ---------------------------------------------------------------- checkout (JSON lines)

interface JsonRecord {
  readonly msg: string;
  readonly http?: { readonly method: string; readonly route: string; readonly status: number };
  readonly latency?: boolean;
  readonly latencyOverrideMs?: number;
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
  readonly error?: string;
}

function checkoutLine(ctx: RenderContext, record: JsonRecord): RenderedLine {
  const { traceId, spanId } = ctx.trace();
  // latency_ms keeps one decimal, like a histogram-friendly structured logger would.
  const latencyMs = record.latency
    ? Math.max(0.1, Math.round((record.latencyOverrideMs ?? ctx.latencyMs) * 10) / 10)
    : undefined;
  const body: Record<string, unknown> = {
    ts: new Date(ctx.timestampMs).toISOString(),
    level: levelToken('json', ctx.level),
    service: 'checkout',
    host: ctx.host,
    msg: tagged(ctx, record.msg),
    trace_id: traceId,
    span_id: spanId,
    ...record.fields,
  };
  if (record.http) body['http'] = record.http;
  if (latencyMs !== undefined) body['latency_ms'] = latencyMs;
  if (record.error) body['error'] = record.error;
  return { line: JSON.stringify(body), latencyMs, traceId, spanId };
}

const CHECKOUT_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [
    (ctx) => checkoutLine(ctx, { msg: `cart cache hit for cart ${ctx.rng.hex(12)}` }),
    (ctx) => checkoutLine(ctx, { msg: `evaluated ${ctx.rng.int(3, 40)} pricing rules`, fields: { rules_version: ctx.rng.int(100, 130) } }),
  ],
  INFO: [
    (ctx) => {
      const items = ctx.rng.int(1, 8);
      return checkoutLine(ctx, {
        msg: `order ${orderId(ctx.rng)} placed with ${items} items`,
        http: { method: 'POST', route: '/api/checkout', status: 201 },
        latency: true,
        fields: { items, total_cents: ctx.rng.int(500, 50000), currency: ctx.rng.pick(CURRENCIES) },
      });
    },
    (ctx) =>
      checkoutLine(ctx, {
        msg: 'request completed',
        http: { method: 'GET', route: '/api/cart', status: 200 },
        latency: true,
      }),
    (ctx) =>
      checkoutLine(ctx, {
        msg: `shipping quote computed for ${ctx.rng.int(1, 5)} parcels`,
        http: { method: 'POST', route: '/api/shipping/quote', status: 200 },
        latency: true,
      }),
  ],
  WARN: [
    (ctx) =>
      checkoutLine(ctx, {
        msg: `payment retry scheduled for order ${orderId(ctx.rng)} (attempt ${ctx.rng.int(2, 4)} of 5)`,
        http: { method: 'POST', route: '/api/checkout', status: 202 },
        latency: true,
      }),
    (ctx) =>
      checkoutLine(ctx, {
        msg: `stock reservation conflict for ${sku(ctx.rng)}, retrying`,
        http: { method: 'POST', route: '/api/checkout', status: 409 },
        latency: true,
      }),
    (ctx) =>
      checkoutLine(ctx, {
        msg: 'rate limit exceeded for client',
        http: { method: 'GET', route: '/api/cart', status: 429 },
        latency: true,
        fields: { client_ip: publicIp(ctx.rng) },
      }),
  ],
  ERROR: [
    (ctx) => {
      const timeout = 3000;
      return checkoutLine(ctx, {
        msg: `upstream payments timed out after ${timeout} ms`,
        http: { method: 'POST', route: '/api/checkout', status: 504 },
        latency: true,
        latencyOverrideMs: timeout + ctx.rng.int(0, 40) + ctx.rng.next(),
        error: 'context deadline exceeded',
      });
    },
    (ctx) =>
      checkoutLine(ctx, {
        msg: `order ${orderId(ctx.rng)} submission failed`,
        http: { method: 'POST', route: '/api/checkout', status: 500 },
        latency: true,
        error: `connect ECONNRESET ${internalIp(ctx.rng)}:5432`,
      }),
  ],
};

// ---------------------------------------------------------------- payments (logfmt)

interface LogfmtRecord {
  readonly msg: string;
  readonly pairs?: ReadonlyArray<readonly [string, string | number | boolean | undefined]>;
  readonly latency?: boolean;
  readonly latencyOverrideMs?: number;
}

function paymentsLine(ctx: RenderContext, record: LogfmtRecord): RenderedLine {
  const { traceId, spanId } = ctx.trace();
  const latencyMs = record.latency ? wholeMs(record.latencyOverrideMs ?? ctx.latencyMs) : undefined;
  const line = renderLogfmt([
    ['ts', new Date(ctx.timestampMs).toISOString()],
    ['level', levelToken('logfmt', ctx.level)],
    ['msg', tagged(ctx, record.msg)],
    ['service', 'payments'],
    ['host', ctx.host],
    ['trace_id', traceId],
    ['span_id', spanId],
    ...(record.pairs ?? []),
    ['duration', latencyMs === undefined ? undefined : formatGoDuration(latencyMs)],
  ]);
  return { line, latencyMs, traceId, spanId };
}

function charge(ctx: RenderContext): ReadonlyArray<readonly [string, string | number]> {
  return [
    ['payment_id', `pay_${ctx.rng.hex(14)}`],
    ['provider', ctx.rng.pick(PROVIDERS)],
    ['amount', ctx.rng.int(500, 50000)],
    ['currency', ctx.rng.pick(CURRENCIES)],
  ];
}

const PAYMENTS_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [
    (ctx) => paymentsLine(ctx, { msg: 'idempotency key stored', pairs: [['key', ctx.rng.hex(24)]] }),
    (ctx) => paymentsLine(ctx, { msg: 'fx rate refreshed', pairs: [['pair', 'EUR/USD'], ['rate', (1 + ctx.rng.next() * 0.2).toFixed(4)]], latency: true }),
  ],
  INFO: [
    (ctx) => paymentsLine(ctx, { msg: 'charge captured', pairs: charge(ctx), latency: true }),
    (ctx) => paymentsLine(ctx, { msg: 'charge authorized', pairs: charge(ctx), latency: true }),
    (ctx) => paymentsLine(ctx, { msg: 'refund issued', pairs: charge(ctx), latency: true }),
  ],
  WARN: [
    (ctx) => paymentsLine(ctx, { msg: 'card declined', pairs: [...charge(ctx), ['decline_code', ctx.rng.pick(['insufficient_funds', 'do_not_honor', 'expired_card'] as const)]], latency: true }),
    (ctx) => paymentsLine(ctx, { msg: 'provider slow, retrying', pairs: [['provider', ctx.rng.pick(PROVIDERS)], ['attempt', ctx.rng.int(2, 3)]], latency: true }),
  ],
  ERROR: [
    (ctx) =>
      paymentsLine(ctx, {
        msg: 'charge failed',
        pairs: [...charge(ctx), ['err', 'provider timeout']],
        latency: true,
        latencyOverrideMs: 5000 + ctx.rng.int(0, 300),
      }),
    (ctx) => paymentsLine(ctx, { msg: 'ledger write failed', pairs: [['err', `pq: could not serialize access due to concurrent update`], ['ledger_id', ctx.rng.int(1, 99999)]], latency: true }),
  ],
};

// ---------------------------------------------------------------- edge-nginx (combined access log)

interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly latencyOverrideMs?: number;
}

function nginxLine(ctx: RenderContext, request: HttpRequest): RenderedLine {
  // nginx's $request_id doubles as the trace id the edge hands to checkout.
  const { traceId } = ctx.trace();
  const latencyMs = wholeMs(request.latencyOverrideMs ?? ctx.latencyMs);
  const referer = ctx.rng.chance(0.4) ? `https://shop.example.com/${ctx.rng.pick(['', 'cart', 'products', 'search'] as const)}` : '-';
  const user = request.path.startsWith('/admin') ? ctx.rng.pick(USERS) : '-';
  // An access log's message is the request line, so the marker rides in the query string.
  const path = ctx.tag === undefined ? request.path : `${request.path}${request.path.includes('?') ? '&' : '?'}${ctx.tag}`;
  const line =
    `${publicIp(ctx.rng)} - ${user} [${formatNginxTime(ctx.timestampMs)}] "${request.method} ${path} HTTP/1.1" ` +
    `${request.status} ${request.bytes} "${referer}" "${ctx.rng.pick(USER_AGENTS)}" rt=${(latencyMs / 1000).toFixed(3)} rid=${traceId}`;
  return { line, latencyMs, traceId };
}

const NGINX_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [],
  INFO: [
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/api/products/${ctx.rng.int(1, 20000)}`, status: 200, bytes: ctx.rng.int(800, 6000) }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: '/api/cart', status: 200, bytes: ctx.rng.int(200, 3000) }),
    (ctx) => nginxLine(ctx, { method: 'POST', path: '/api/checkout', status: 201, bytes: ctx.rng.int(100, 600) }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/api/search?q=${ctx.rng.pick(SEARCH_WORDS)}&page=${ctx.rng.int(1, 9)}`, status: 200, bytes: ctx.rng.int(2000, 20000) }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/static/js/app.${ctx.rng.hex(8)}.js`, status: 304, bytes: 0, latencyOverrideMs: ctx.rng.int(0, 3) }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: '/healthz', status: 200, bytes: 2, latencyOverrideMs: ctx.rng.int(0, 2) }),
  ],
  WARN: [
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/api/products/${ctx.rng.int(20001, 99999)}`, status: 404, bytes: 153 }),
    (ctx) => nginxLine(ctx, { method: 'POST', path: '/api/login', status: 401, bytes: 61 }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/api/search?q=${ctx.rng.pick(SEARCH_WORDS)}`, status: 429, bytes: 97 }),
  ],
  ERROR: [
    (ctx) => nginxLine(ctx, { method: 'POST', path: '/api/checkout', status: 502, bytes: 157 }),
    (ctx) => nginxLine(ctx, { method: 'POST', path: '/api/checkout', status: 504, bytes: 167, latencyOverrideMs: 60000 + ctx.rng.int(0, 5) }),
    (ctx) => nginxLine(ctx, { method: 'GET', path: `/api/orders/${orderId(ctx.rng)}`, status: 503, bytes: 197 }),
  ],
};

// ---------------------------------------------------------------- auth (log4j)

function log4jLine(ctx: RenderContext, thread: string, logger: string, message: string, latencyMs?: number): RenderedLine {
  return {
    line: `${formatCommaMillis(ctx.timestampMs)} ${levelToken('log4j', ctx.level)} [${thread}] ${logger} - ${tagged(ctx, message)}`,
    latencyMs,
  };
}

function httpThread(rng: Random): string {
  return `http-nio-8443-exec-${rng.int(1, 24)}`;
}

const AUTH_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [
    (ctx) => log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.SessionCache', `Cache miss for key session:${ctx.rng.hex(16)}`),
    (ctx) => log4jLine(ctx, 'scheduling-1', 'c.s.auth.KeyRotation', `Signing key k-${ctx.rng.int(1, 9)} valid for ${ctx.rng.int(1, 30)} more days`),
  ],
  INFO: [
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs);
      return log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.TokenService', `Issued access token for user u-${ctx.rng.int(1000, 99999)} (scope=read write) in ${ms} ms`, ms);
    },
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs);
      return log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.LoginController', `Login succeeded for user ${ctx.rng.pick(USERS)} from ${publicIp(ctx.rng)} in ${ms} ms`, ms);
    },
    (ctx) => log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.TokenService', `Refreshed token for session 0x${ctx.rng.hex(12)}`),
  ],
  WARN: [
    (ctx) => log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.LoginController', `Invalid password for user ${ctx.rng.pick(USERS)} from ${publicIp(ctx.rng)} (attempt ${ctx.rng.int(1, 5)} of 5)`),
    (ctx) => log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.TokenService', `Rejected expired token for session 0x${ctx.rng.hex(12)} (expired ${ctx.rng.int(1, 3600)} s ago)`),
  ],
  ERROR: [
    (ctx) => log4jLine(ctx, httpThread(ctx.rng), 'c.s.auth.TokenService', `Token validation failed: signature mismatch (kid=k-${ctx.rng.int(1, 9)})`),
    (ctx) => {
      const ms = 30000 + ctx.rng.int(0, 20);
      return log4jLine(ctx, httpThread(ctx.rng), 'c.z.hikari.pool.HikariPool', `HikariPool-1 - Connection is not available, request timed out after ${ms} ms`, ms);
    },
  ],
};

// ---------------------------------------------------------------- inventory (Python logging)

function pythonLine(ctx: RenderContext, logger: string, message: string, latencyMs?: number): RenderedLine {
  return {
    line: `${formatCommaMillis(ctx.timestampMs)} - ${logger} - ${levelToken('python-logging', ctx.level)} - ${tagged(ctx, message)}`,
    latencyMs,
  };
}

const INVENTORY_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs / 4);
      return pythonLine(ctx, 'inventory.cache', `refreshed stock cache for warehouse wh-${ctx.rng.int(1, 6)} took ${ms}ms`, ms);
    },
  ],
  INFO: [
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs);
      return pythonLine(ctx, 'inventory.api', `reserved ${ctx.rng.int(1, 5)} units of ${sku(ctx.rng)} for order ${orderId(ctx.rng)} took ${ms}ms`, ms);
    },
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs);
      return pythonLine(ctx, 'inventory.db', `query stock_levels rows=${ctx.rng.int(1, 500)} took ${ms}ms`, ms);
    },
    (ctx) => pythonLine(ctx, 'inventory.worker', `restock event processed for ${sku(ctx.rng)} (+${ctx.rng.int(10, 200)} units)`),
  ],
  WARN: [
    (ctx) => pythonLine(ctx, 'inventory.api', `low stock for ${sku(ctx.rng)}: ${ctx.rng.int(0, 5)} left`),
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs * 8);
      return pythonLine(ctx, 'inventory.db', `slow query on stock_levels took ${ms}ms`, ms);
    },
  ],
  ERROR: [
    (ctx) => {
      const ms = wholeMs(ctx.latencyMs * 4);
      return pythonLine(ctx, 'inventory.db', `reservation of ${sku(ctx.rng)} failed: deadlock detected, transaction took ${ms}ms`, ms);
    },
    (ctx) => {
      const ms = 5000 + ctx.rng.int(0, 50);
      return pythonLine(ctx, 'inventory.db', `connection pool exhausted (size=20), request took ${ms}ms`, ms);
    },
  ],
};

// ---------------------------------------------------------------- sshd (syslog RFC 3164)

function sshdLine(ctx: RenderContext, message: string): RenderedLine {
  return { line: `${formatSyslogTime(ctx.timestampMs)} ${ctx.host} sshd[${ctx.rng.int(1000, 65000)}]: ${tagged(ctx, message)}` };
}

function port(rng: Random): number {
  return rng.int(1024, 65535);
}

const SSHD_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [],
  INFO: [
    (ctx) => sshdLine(ctx, `Accepted publickey for ${ctx.rng.pick(USERS)} from ${internalIp(ctx.rng)} port ${port(ctx.rng)} ssh2: ED25519 SHA256:${ctx.rng.hex(43)}`),
    (ctx) => sshdLine(ctx, `pam_unix(sshd:session): session opened for user ${ctx.rng.pick(USERS)}(uid=${ctx.rng.int(1000, 1010)}) by (uid=0)`),
    (ctx) => sshdLine(ctx, `pam_unix(sshd:session): session closed for user ${ctx.rng.pick(USERS)}`),
    (ctx) => sshdLine(ctx, `Received disconnect from ${publicIp(ctx.rng)} port ${port(ctx.rng)}:11: Bye Bye [preauth]`),
  ],
  WARN: [
    (ctx) => sshdLine(ctx, `Failed password for invalid user ${ctx.rng.pick(BAD_USERS)} from ${publicIp(ctx.rng)} port ${port(ctx.rng)} ssh2`),
    (ctx) => sshdLine(ctx, `Failed password for root from ${publicIp(ctx.rng)} port ${port(ctx.rng)} ssh2`),
    (ctx) => sshdLine(ctx, `Invalid user ${ctx.rng.pick(BAD_USERS)} from ${publicIp(ctx.rng)} port ${port(ctx.rng)}`),
    (ctx) => {
      const ip = publicIp(ctx.rng);
      return sshdLine(ctx, `reverse mapping checking getaddrinfo for host-${ip.replaceAll('.', '-')}.example.net [${ip}] failed - POSSIBLE BREAK-IN ATTEMPT!`);
    },
  ],
  ERROR: [
    (ctx) => sshdLine(ctx, `error: maximum authentication attempts exceeded for root from ${publicIp(ctx.rng)} port ${port(ctx.rng)} ssh2 [preauth]`),
    (ctx) => sshdLine(ctx, `fatal: Timeout before authentication for ${publicIp(ctx.rng)} port ${port(ctx.rng)}`),
  ],
};

// ---------------------------------------------------------------- hdfs-datanode (loghub HDFS layout)

function hdfsLine(ctx: RenderContext, component: string, message: string): RenderedLine {
  return { line: `${formatHdfsTime(ctx.timestampMs)} ${ctx.rng.int(10, 4000)} ${ctx.level} ${component}: ${tagged(ctx, message)}` };
}

function blockId(rng: Random): string {
  // Real block ids are signed 64-bit numbers; 15-19 digits with an occasional minus sign looks the same.
  return `blk_${rng.chance(0.5) ? '-' : ''}${rng.int(100000000, 999999999)}${rng.int(100000000, 999999999)}`;
}

function dataNode(rng: Random): string {
  return `10.251.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

const HDFS_TEMPLATES: Readonly<Record<Level, readonly Template[]>> = {
  DEBUG: [],
  INFO: [
    (ctx) => hdfsLine(ctx, 'dfs.DataNode$DataXceiver', `Receiving block ${blockId(ctx.rng)} src: /${dataNode(ctx.rng)}:${port(ctx.rng)} dest: /${dataNode(ctx.rng)}:50010`),
    (ctx) => hdfsLine(ctx, 'dfs.DataNode$PacketResponder', `Received block ${blockId(ctx.rng)} of size ${ctx.rng.pick([67108864, ctx.rng.int(1000, 67108864)])} from /${dataNode(ctx.rng)}`),
    (ctx) => hdfsLine(ctx, 'dfs.DataNode$PacketResponder', `PacketResponder ${ctx.rng.int(0, 2)} for block ${blockId(ctx.rng)} terminating`),
    (ctx) => {
      const block = blockId(ctx.rng);
      return hdfsLine(ctx, 'dfs.FSDataset', `Deleting block ${block} file /mnt/hadoop/dfs/data/current/subdir${ctx.rng.int(0, 63)}/${block}`);
    },
  ],
  WARN: [
    (ctx) => hdfsLine(ctx, 'dfs.DataNode$DataXceiver', `${dataNode(ctx.rng)}:50010:Got exception while serving ${blockId(ctx.rng)} to /${dataNode(ctx.rng)}:`),
  ],
  ERROR: [
    (ctx) => hdfsLine(ctx, 'dfs.DataNode$DataXceiver', `${dataNode(ctx.rng)}:50010:DataXceiver: java.io.IOException: Block ${blockId(ctx.rng)} is valid, and cannot be written to.`),
  ],
};

// ---------------------------------------------------------------- the catalogue

/** The demo services, in a fixed order (the order is part of what a seed reproduces). */
export const DEMO_SERVICES: readonly ServiceSpec[] = [
  {
    name: 'edge-nginx',
    format: 'nginx-combined',
    hosts: ['edge-1', 'edge-2'],
    weight: 30,
    levelMix: { DEBUG: 0, INFO: 93, WARN: 6, ERROR: 1 },
    latency: { medianMs: 40, sigma: 0.8 },
    render: (ctx) => pickTemplate(NGINX_TEMPLATES, ctx, 'edge-nginx'),
  },
  {
    name: 'checkout',
    format: 'json',
    hosts: ['checkout-6d8f7b9c5-2xkqp', 'checkout-6d8f7b9c5-h7wzt', 'checkout-6d8f7b9c5-q4m9s'],
    weight: 20,
    levelMix: { DEBUG: 10, INFO: 80, WARN: 8, ERROR: 2 },
    latency: { medianMs: 45, sigma: 0.6 },
    render: (ctx) => pickTemplate(CHECKOUT_TEMPLATES, ctx, 'checkout'),
  },
  {
    name: 'payments',
    format: 'logfmt',
    hosts: ['payments-1', 'payments-2'],
    weight: 10,
    levelMix: { DEBUG: 5, INFO: 85, WARN: 8, ERROR: 2 },
    latency: { medianMs: 180, sigma: 0.5 },
    render: (ctx) => pickTemplate(PAYMENTS_TEMPLATES, ctx, 'payments'),
  },
  {
    name: 'auth',
    format: 'log4j',
    hosts: ['auth-1', 'auth-2', 'auth-3'],
    weight: 12,
    levelMix: { DEBUG: 20, INFO: 68, WARN: 10, ERROR: 2 },
    latency: { medianMs: 25, sigma: 0.5 },
    render: (ctx) => pickTemplate(AUTH_TEMPLATES, ctx, 'auth'),
  },
  {
    name: 'inventory',
    format: 'python-logging',
    hosts: ['inventory-1', 'inventory-2'],
    weight: 15,
    levelMix: { DEBUG: 15, INFO: 75, WARN: 8, ERROR: 2 },
    latency: { medianMs: 12, sigma: 0.9 },
    render: (ctx) => pickTemplate(INVENTORY_TEMPLATES, ctx, 'inventory'),
  },
  {
    name: 'sshd',
    format: 'syslog-3164',
    hosts: ['bastion-1', 'bastion-2'],
    weight: 5,
    levelMix: { DEBUG: 0, INFO: 70, WARN: 27, ERROR: 3 },
    latency: { medianMs: 1, sigma: 0.1 },
    render: (ctx) => pickTemplate(SSHD_TEMPLATES, ctx, 'sshd'),
  },
  {
    name: 'hdfs-datanode',
    format: 'hdfs',
    hosts: ['dn-01', 'dn-02', 'dn-03'],
    weight: 8,
    levelMix: { DEBUG: 0, INFO: 95, WARN: 4, ERROR: 1 },
    latency: { medianMs: 1, sigma: 0.1 },
    render: (ctx) => pickTemplate(HDFS_TEMPLATES, ctx, 'hdfs-datanode'),
  },
];

/** Names of the demo services, in catalogue order. */
export const DEMO_SERVICE_NAMES: readonly string[] = DEMO_SERVICES.map((service) => service.name);

/**
 * Returns the catalogue entries named in `names`, in catalogue order;
 * throws ConfigError (key `services`) on an unknown or missing name list.
 */
export function selectServices(names: readonly string[], source = 'options'): readonly ServiceSpec[] {
  if (names.length === 0) throw new ConfigError('at least one service must be selected', source, 'services');
  const unknown = names.filter((name) => !DEMO_SERVICE_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown service(s) ${unknown.join(', ')}; known: ${DEMO_SERVICE_NAMES.join(', ')}`, source, 'services');
  }
  return DEMO_SERVICES.filter((service) => names.includes(service.name));
}
