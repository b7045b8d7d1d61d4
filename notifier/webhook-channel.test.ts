import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRetriable } from '../lib/errors.js';
import type { Notification } from './notification.js';
import { firingAlert } from './test-alerts.js';
import { createWebhookChannel, signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS } from './webhook-channel.js';

const SECRET = 'a-webhook-secret-of-at-least-32-chars!';

describe('notifier webhook channel', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const requests: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = status;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    status = 200;
  });

  const notification: Notification = { id: 'nid-1', state: 'FIRING', groupKey: '[["rule_id","r-errors"]]', groupLabels: [['rule_id', 'r-errors']], alerts: [firingAlert()], repeat: false };

  it('signs the exact body with the timestamp, and the receiver can verify it', () => {
    // Known answer computed with `openssl dgst -sha256 -hmac`: HMAC over "<timestamp>.<body>".
    expect(signWebhookBody('k'.repeat(32), 1_700_000_000, '{"a":1}')).to.equal('v1=6935b796c0fec66e5dee52c86c7fd1218a424c32f1adb239ff2893c31e54f033');
    const signature = signWebhookBody(SECRET, 1000, 'body');
    expect(signature).to.match(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, 1000, 'body', signature, 1100)).to.equal(true);
    expect(verifyWebhookSignature(SECRET, 1000, 'body!', signature, 1100)).to.equal(false);
    expect(verifyWebhookSignature(`${SECRET}x`, 1000, 'body', signature, 1100)).to.equal(false);
    expect(verifyWebhookSignature(SECRET, 1001, 'body', signature, 1100)).to.equal(false);
    expect(verifyWebhookSignature(SECRET, 1000, 'body', signature, 2000)).to.equal(false);
  });

  it('POSTs the notification as signed JSON with its id and a search link per alert', async () => {
    const channel = createWebhookChannel({ url, secret: SECRET, timeoutMs: 2000, dashboardUrl: 'http://dash', now: () => 1_800_000_000_123 });
    const receipt = await channel.deliver(notification);
    expect(receipt.messageId).to.equal('nid-1');
    expect(requests).to.have.length(1);
    const [request] = requests;
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.headers[WEBHOOK_HEADERS.timestamp]).to.equal('1800000000');
    expect(request!.headers[WEBHOOK_HEADERS.notificationId]).to.equal('nid-1');
    expect(verifyWebhookSignature(SECRET, 1_800_000_000, request!.body, String(request!.headers[WEBHOOK_HEADERS.signature]), 1_800_000_000)).to.equal(true);
    const body = JSON.parse(request!.body) as { version: number; state: string; groupLabels: Record<string, string>; alerts: Array<{ fingerprint: string; searchUrl: string; evidence: { samples: unknown[] } }> };
    expect(body.version).to.equal(1);
    expect(body.state).to.equal('FIRING');
    expect(body.groupLabels).to.deep.equal({ rule_id: 'r-errors' });
    expect(body.alerts[0]!.fingerprint).to.equal(notification.alerts[0]!.fingerprint);
    expect(body.alerts[0]!.evidence.samples).to.have.length(2);
    expect(body.alerts[0]!.searchUrl).to.equal('http://dash/#/search?service=checkout&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T10%3A01%3A00.000Z');
  });

  it('a 5xx or 429 answer is retriable, a 4xx is not, an unreachable receiver is', async () => {
    const channel = createWebhookChannel({ url, secret: SECRET, timeoutMs: 2000, dashboardUrl: 'http://dash' });
    for (const [code, retriable] of [[500, true], [503, true], [429, true], [400, false], [404, false]] as const) {
      status = code;
      const error = await channel.deliver(notification).then(() => undefined, (e: unknown) => e);
      expect(error, `HTTP ${code}`).to.be.instanceOf(Error);
      expect(isRetriable(error), `HTTP ${code}`).to.equal(retriable);
      expect((error as Error).message).to.include(`HTTP ${code}`);
    }
    const dead = createWebhookChannel({ url: 'http://127.0.0.1:1/hook', secret: SECRET, timeoutMs: 2000, dashboardUrl: 'http://dash' });
    const error = await dead.deliver(notification).then(() => undefined, (e: unknown) => e);
    expect(isRetriable(error)).to.equal(true);
  });
});
