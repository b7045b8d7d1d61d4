/**
 * Renders a notification as an email: a one-line subject, a plain-text body and an HTML body with,
 * per alert, the rule, service, window, observed value against baseline and threshold, up to five
 * sample log lines and a link to the dashboard search of that window.
 *
 * Everything in an alert may come from a log line an attacker wrote, so: the subject loses every
 * control character (no CR/LF reaches a header), both bodies show control characters as visible
 * escapes (a sample cannot forge a "Search:" line), and the HTML body escapes every value.
 */
import type { AlertEvent, AlertSample } from '../schemas/log-schemas.js';
import type { Notification } from './notification.js';

/** A rendered email. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Options of `renderEmail`. */
export interface RenderEmailOptions {
  /** Base URL of the dashboard, e.g. `https://sawmill.example.com`. */
  dashboardUrl: string;
  /** Alerts shown in full; the others are listed by service. */
  maxAlerts: number;
}

/** Most sample lines shown per alert. */
export const MAX_SAMPLES = 5;
/** Longest sample message shown, in characters. */
export const MAX_SAMPLE_CHARS = 1000;
/** Longest subject, in characters. */
export const MAX_SUBJECT_CHARS = 200;
/** Services named in the subject before "+N more". */
const SUBJECT_SERVICES = 3;

/** Renders `notification` as subject, text and HTML. */
export function renderEmail(notification: Notification, options: RenderEmailOptions): RenderedEmail {
  const alerts = notification.alerts;
  const shown = alerts.slice(0, options.maxAlerts);
  const hidden = alerts.slice(options.maxAlerts);
  const intro = introLine(notification);

  const text: string[] = [intro, ''];
  const html: string[] = [
    '<!DOCTYPE html>',
    '<html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(intro)}</h2>`,
  ];
  for (const alert of shown) {
    const facts = alertFacts(alert);
    const link = searchLink(options.dashboardUrl, alert);
    text.push(`== ${notification.state} ${visible(alert.ruleName)} on ${visible(alert.service)} (${visible(alert.severity)})`);
    for (const [name, value] of facts) text.push(`${`${name}:`.padEnd(11)}${visible(value)}`);
    text.push(`${'Search:'.padEnd(11)}${link}`);
    html.push('<hr>', `<h3>${escapeHtml(visible(`${notification.state} ${alert.ruleName} on ${alert.service} (${alert.severity})`))}</h3>`, '<table>');
    for (const [name, value] of facts) html.push(`<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(visible(value))}</td></tr>`);
    html.push('</table>', `<p><a href="${escapeHtml(link)}">Search the logs of this window</a></p>`);

    const samples = alert.evidence.samples.slice(0, MAX_SAMPLES);
    if (samples.length > 0) {
      text.push('Sample log lines:');
      html.push('<p>Sample log lines:</p>', '<pre>');
      for (const sample of samples) {
        text.push(`  ${visible(sampleLine(sample))}`);
        html.push(escapeHtml(visible(sampleLine(sample))));
      }
      html.push('</pre>');
    }
    text.push('');
  }
  if (hidden.length > 0) {
    const rest = `${hidden.length} more: ${hidden.map((alert) => alert.service).join(', ')}`;
    text.push(`... and ${visible(rest)}`, '');
    html.push('<hr>', `<p>... and ${escapeHtml(visible(rest))}</p>`);
  }
  text.push(`Notification ${notification.id}`);
  html.push(`<p style="color:#888">Notification ${escapeHtml(notification.id)}</p>`, '</body></html>');
  return { subject: subject(notification), text: `${text.join('\n')}\n`, html: `${html.join('\n')}\n` };
}

/** Returns the subject line: state (with count), rule, services and severity, without control characters. */
export function subject(notification: Notification): string {
  const alerts = notification.alerts;
  const first = alerts[0];
  const count = alerts.length > 1 ? `:${alerts.length}` : '';
  const tag = `[${notification.state}${count}]${notification.repeat ? ' still firing:' : ''}`;
  if (first === undefined) return tag;
  const services = [...new Set(alerts.map((alert) => alert.service))];
  const named = services.slice(0, SUBJECT_SERVICES).join(', ') + (services.length > SUBJECT_SERVICES ? `, +${services.length - SUBJECT_SERVICES} more` : '');
  return oneLine(`${tag} ${first.ruleName} on ${named} (${first.severity})`, MAX_SUBJECT_CHARS);
}

/** Returns the dashboard search URL of `alert`'s evidence window: `<base>/#/search?service=...&from=<ISO>&to=<ISO>`. */
export function searchLink(dashboardUrl: string, alert: Pick<AlertEvent, 'service' | 'evidence'>): string {
  const base = dashboardUrl.replace(/\/+$/, '');
  const query = [
    `service=${encodeURIComponent(alert.service)}`,
    `from=${encodeURIComponent(isoTime(alert.evidence.windowStartMs))}`,
    `to=${encodeURIComponent(isoTime(alert.evidence.windowEndMs))}`,
  ].join('&');
  return `${base}/#/search?${query}`;
}

/** Escapes the five HTML-significant characters. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function introLine(notification: Notification): string {
  const n = notification.alerts.length;
  const rule = notification.alerts[0]?.ruleName ?? '?';
  const alerts = n === 1 ? '1 alert' : `${n} alerts`;
  if (notification.state === 'RESOLVED') return oneLine(`RESOLVED: ${alerts} of rule ${rule} resolved.`, 500);
  return oneLine(`FIRING: ${alerts} of rule ${rule}${notification.repeat ? ' still firing' : ' firing'}.`, 500);
}

function alertFacts(alert: AlertEvent): Array<[string, string]> {
  const e = alert.evidence;
  const facts: Array<[string, string]> = [
    ['Rule', `${alert.ruleName} (id ${alert.ruleId}, ${alert.kind})`],
    ['Service', alert.service],
    ['Severity', alert.severity],
    ['Summary', alert.summary],
    ['Window', `${isoTime(e.windowStartMs)} to ${isoTime(e.windowEndMs)}`],
    ['Observed', `${e.metric} = ${formatNumber(e.observedValue)}`],
  ];
  if (e.baselineMean !== null) {
    facts.push(['Baseline', e.baselineStdDev === null ? formatNumber(e.baselineMean) : `${formatNumber(e.baselineMean)} ± ${formatNumber(e.baselineStdDev)}`]);
  }
  facts.push(['Threshold', e.score === null ? formatNumber(e.threshold) : `${formatNumber(e.threshold)} (score ${formatNumber(e.score)})`]);
  facts.push(['Started', isoTime(alert.episodeStartedAtMs)]);
  if (alert.state === 'RESOLVED') facts.push(['Resolved', isoTime(alert.eventTimeMs)]);
  return facts;
}

function sampleLine(sample: AlertSample): string {
  const message = sample.message.length > MAX_SAMPLE_CHARS ? `${sample.message.slice(0, MAX_SAMPLE_CHARS)}…` : sample.message;
  const latency = sample.latencyMs === null ? '' : ` (${formatNumber(sample.latencyMs)} ms)`;
  return `${isoTime(sample.timestampMs)} ${sample.host} ${sample.level} ${message}${latency}`;
}

/** Numbers as people read them: integers as is, others with up to 4 decimals. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(4)));
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `invalid time ${ms}` : date.toISOString();
}

// C0, DEL, C1 and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line of text for the text body: control characters become visible escapes (\n, \r, \t, \u001b). */
function visible(value: string): string {
  return value.replace(CONTROL, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** One header-safe line: control characters become spaces, runs of spaces one, at most `max` characters. */
function oneLine(value: string, max: number): string {
  const clean = value.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
