import { expect } from 'chai';
import { alertEventProblem } from './alert-event-validation.js';
import { firingAlert } from './test-alerts.js';

describe('notifier alert event validation', () => {
  it('accepts a well-formed event whose key is its fingerprint (or no key)', () => {
    const event = firingAlert();
    expect(alertEventProblem(event, event.fingerprint)).to.equal(undefined);
    expect(alertEventProblem(event, null)).to.equal(undefined);
  });

  it('refuses each malformed, oversized or hostile field with a reason naming it', () => {
    const base = firingAlert();
    const cases: Array<[string, Parameters<typeof alertEventProblem>[0], string]> = [
      ['empty fingerprint', { ...base, fingerprint: '' }, 'fingerprint is empty'],
      ['fingerprint with CRLF', { ...base, fingerprint: 'ab\r\ncd' }, 'fingerprint'],
      ['oversized alertId', { ...base, alertId: 'a'.repeat(129) }, 'alertId'],
      ['empty service', { ...base, service: '' }, 'service is empty'],
      ['unknown kind', { ...base, kind: 'NOPE' as never }, 'kind "NOPE"'],
      ['unknown severity', { ...base, severity: 'PANIC' as never }, 'severity "PANIC"'],
      ['huge summary', { ...base, summary: 's'.repeat(5000) }, 'summary is longer'],
      ['negative time', { ...base, eventTimeMs: -1 }, 'eventTimeMs'],
      ['inverted window', { ...base, evidence: { ...base.evidence, windowEndMs: base.evidence.windowStartMs - 1 } }, 'window ends before'],
      ['too many samples', { ...base, evidence: { ...base.evidence, samples: Array.from({ length: 51 }, () => base.evidence.samples[0]!) } }, '51 samples'],
      ['huge sample', { ...base, evidence: { ...base.evidence, samples: [{ ...base.evidence.samples[0]!, message: 'm'.repeat(70_000) }] } }, 'sample message'],
      ['too many labels', { ...base, labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v'])) }, '65 labels'],
    ];
    for (const [name, event, reason] of cases) expect(alertEventProblem(event, null), name).to.include(reason);
    expect(alertEventProblem(base, 'other-key')).to.equal('record key differs from the fingerprint');
  });
});
