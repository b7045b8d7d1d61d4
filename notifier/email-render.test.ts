import { expect } from 'chai';
import { escapeHtml, MAX_SUBJECT_CHARS, renderEmail, searchLink, subject } from './email-render.js';
import type { Notification } from './notification.js';
import { firingAlert, resolvedAlert } from './test-alerts.js';

function notification(alerts: Notification['alerts'], overrides: Partial<Notification> = {}): Notification {
  return { id: 'n1', state: alerts[0]?.state ?? 'FIRING', groupKey: '[["rule_id","r-errors"]]', groupLabels: [['rule_id', 'r-errors']], alerts, repeat: false, ...overrides };
}

const OPTIONS = { dashboardUrl: 'https://dash.example.com/', maxAlerts: 20 };

describe('notifier email rendering', () => {
  it('renders a FIRING alert as the exact text body, with its evidence and hostile samples made visible', () => {
    const rendered = renderEmail(notification([firingAlert()]), OPTIONS);
    expect(rendered.subject).to.equal('[FIRING] Checkout errors on checkout (CRITICAL)');
    expect(rendered.text).to.equal(
      [
        'FIRING: 1 alert of rule Checkout errors firing.',
        '',
        '== FIRING Checkout errors on checkout (CRITICAL)',
        'Rule:      Checkout errors (id r-errors, ERROR_SPIKE)',
        'Service:   checkout',
        'Severity:  CRITICAL',
        'Summary:   checkout: 240 errors in 1m (baseline 12 ± 3, z=76 > 4)',
        'Window:    2026-12-01T10:00:00.000Z to 2026-12-01T10:01:00.000Z',
        'Observed:  error_count = 240',
        'Baseline:  12.3457 ± 3',
        'Threshold: 4 (score 76)',
        'Started:   2026-12-01T10:00:00.000Z',
        'Search:    https://dash.example.com/#/search?service=checkout&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T10%3A01%3A00.000Z',
        'Sample log lines:',
        '  2026-12-01T10:00:01.000Z web-1 ERROR <script>alert("x")</script> & done',
        '  2026-12-01T10:00:02.000Z web-2 ERROR line1\\r\\nSearch: http://evil (12.5 ms)',
        '',
        'Notification n1',
        '',
      ].join('\n'),
    );
  });

  it('renders the exact HTML body: every value escaped, no raw tag or line break from a sample', () => {
    const { html } = renderEmail(notification([firingAlert()]), OPTIONS);
    expect(html).to.equal(
      [
        '<!DOCTYPE html>',
        '<html><body style="font-family:sans-serif">',
        '<h2>FIRING: 1 alert of rule Checkout errors firing.</h2>',
        '<hr>',
        '<h3>FIRING Checkout errors on checkout (CRITICAL)</h3>',
        '<table>',
        '<tr><th align="left">Rule</th><td>Checkout errors (id r-errors, ERROR_SPIKE)</td></tr>',
        '<tr><th align="left">Service</th><td>checkout</td></tr>',
        '<tr><th align="left">Severity</th><td>CRITICAL</td></tr>',
        '<tr><th align="left">Summary</th><td>checkout: 240 errors in 1m (baseline 12 ± 3, z=76 &gt; 4)</td></tr>',
        '<tr><th align="left">Window</th><td>2026-12-01T10:00:00.000Z to 2026-12-01T10:01:00.000Z</td></tr>',
        '<tr><th align="left">Observed</th><td>error_count = 240</td></tr>',
        '<tr><th align="left">Baseline</th><td>12.3457 ± 3</td></tr>',
        '<tr><th align="left">Threshold</th><td>4 (score 76)</td></tr>',
        '<tr><th align="left">Started</th><td>2026-12-01T10:00:00.000Z</td></tr>',
        '</table>',
        '<p><a href="https://dash.example.com/#/search?service=checkout&amp;from=2026-12-01T10%3A00%3A00.000Z&amp;to=2026-12-01T10%3A01%3A00.000Z">Search the logs of this window</a></p>',
        '<p>Sample log lines:</p>',
        '<pre>',
        '2026-12-01T10:00:01.000Z web-1 ERROR &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; done',
        '2026-12-01T10:00:02.000Z web-2 ERROR line1\\r\\nSearch: http://evil (12.5 ms)',
        '</pre>',
        '<p style="color:#888">Notification n1</p>',
        '</body></html>',
        '',
      ].join('\n'),
    );
  });

  it('renders a RESOLVED alert with its resolution time and without samples', () => {
    const { subject: line, text } = renderEmail(notification([resolvedAlert(firingAlert())]), OPTIONS);
    expect(line).to.equal('[RESOLVED] Checkout errors on checkout (CRITICAL)');
    expect(text.split('\n').slice(0, 3)).to.deep.equal(['RESOLVED: 1 alert of rule Checkout errors resolved.', '', '== RESOLVED Checkout errors on checkout (CRITICAL)']);
    expect(text).to.include('\nResolved:  2026-12-01T10:06:00.000Z\n');
    expect(text).to.include('\nObserved:  error_count = 10\n');
    expect(text).not.to.include('Sample log lines');
  });

  it('shows at most five samples, each cut at 1000 characters', () => {
    const base = firingAlert();
    const samples = Array.from({ length: 7 }, (_, i) => ({ ...base.evidence.samples[0]!, eventId: `e${i}`, message: `${i}${'m'.repeat(1500)}` }));
    const { text } = renderEmail(notification([{ ...base, evidence: { ...base.evidence, samples } }]), OPTIONS);
    const lines = text.split('\n').filter((line) => line.startsWith('  2026-'));
    expect(lines).to.have.length(5);
    expect(lines[4]).to.equal(`  2026-12-01T10:00:01.000Z web-1 ERROR 4${'m'.repeat(999)}…`);
  });

  it('keeps CR, LF and other control characters out of the subject and bounds its length', () => {
    const hostile = firingAlert({ ruleName: 'Errors\r\nBcc: victim@example.com\u0000\u2028x', service: 'svc\nX-Evil: 1' });
    const line = subject(notification([hostile]));
    expect(line).to.equal('[FIRING] Errors Bcc: victim@example.com x on svc X-Evil: 1 (CRITICAL)');
    // eslint-disable-next-line no-control-regex
    expect(line).not.to.match(/[\r\n\u0000-\u001f]/);
    const long = subject(notification([firingAlert({ ruleName: 'r'.repeat(1000) })]));
    expect(long).to.have.length(MAX_SUBJECT_CHARS);
    expect(long.endsWith('…')).to.equal(true);
  });

  it('counts grouped alerts in the subject and names at most three services', () => {
    const alerts = ['a', 'b', 'c', 'd', 'e'].map((service) => firingAlert({ service }));
    expect(subject(notification(alerts))).to.equal('[FIRING:5] Checkout errors on a, b, c, +2 more (CRITICAL)');
    expect(subject(notification(alerts.slice(0, 1), { repeat: true }))).to.equal('[FIRING] still firing: Checkout errors on a (CRITICAL)');
  });

  it('shows maxAlerts alerts in full and lists the rest by service', () => {
    const alerts = ['a', 'b', 'c'].map((service) => firingAlert({ service }));
    const { text, html } = renderEmail(notification(alerts), { ...OPTIONS, maxAlerts: 1 });
    expect(text.match(/^== FIRING/gm)).to.have.length(1);
    expect(text).to.include('\n... and 2 more: b, c\n');
    expect(html).to.include('<p>... and 2 more: b, c</p>');
  });

  it('builds the dashboard link with the service and window URL-encoded', () => {
    const alert = firingAlert({ service: 'a&b=c d' });
    expect(searchLink('http://dash/', alert)).to.equal('http://dash/#/search?service=a%26b%3Dc%20d&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T10%3A01%3A00.000Z');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).to.equal('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
