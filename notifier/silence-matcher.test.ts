import { expect } from 'chai';
import { InvalidInputError } from '../lib/errors.js';
import { alertLabels } from './alert-labels.js';
import { compileMatcher, compileMatchers, compileSilences, findSilence, matchesAll, MAX_MATCHER_VALUE_LENGTH, type SilenceMatcher } from './silence-matcher.js';
import { firingAlert } from './test-alerts.js';

function matches(value: string, pattern: string, isRegex = true): boolean {
  return compileMatcher({ label: 'service', value: pattern, isRegex }).test(value);
}

function refusal(matcher: SilenceMatcher): string {
  try {
    compileMatcher(matcher);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as InvalidInputError).reason).to.equal('invalid-matcher');
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(matcher)}`);
}

describe('notifier silence matching', () => {
  it('exact matchers compare whole values, case-sensitively', () => {
    expect(matches('checkout', 'checkout', false)).to.equal(true);
    expect(matches('checkout-2', 'checkout', false)).to.equal(false);
    expect(matches('Checkout', 'checkout', false)).to.equal(false);
    expect(matches('a.*', 'a.*', false)).to.equal(true);
    expect(matches('abc', 'a.*', false)).to.equal(false);
  });

  it('regex matchers: alternatives, prefix, suffix, contains, anchored at both ends', () => {
    expect(matches('payments', 'checkout|payments')).to.equal(true);
    expect(matches('payments-eu', 'checkout|payments')).to.equal(false);
    expect(matches('api-gateway', 'api-.*')).to.equal(true);
    expect(matches('my-api-gateway', 'api-.*')).to.equal(false);
    expect(matches('db-prod', '.*-prod')).to.equal(true);
    expect(matches('db-prod-2', '.*-prod')).to.equal(false);
    expect(matches('read timeout here', '.*timeout.*')).to.equal(true);
    expect(matches('a-x-b-y-c', 'a.*b.*c')).to.equal(true);
    expect(matches('a-c-b', 'a.*b.*c')).to.equal(false);
    expect(matches('abc', 'ab.*bc')).to.equal(false);
    expect(matches('abbc', 'ab.*bc')).to.equal(true);
    expect(matches('', '.*')).to.equal(true);
    expect(matches('', '')).to.equal(true);
    expect(matches('x', '')).to.equal(false);
  });

  it('backslash escapes make metacharacters literal', () => {
    expect(matches('v1.2', 'v1\\.2')).to.equal(true);
    expect(matches('v1x2', 'v1\\.2')).to.equal(false);
    expect(matches('a|b', 'a\\|b')).to.equal(true);
    expect(matches('a(b)', 'a\\(b\\)')).to.equal(true);
  });

  it('refuses regex syntax outside the safe subset with a message naming it', () => {
    expect(refusal({ label: 'service', value: '(a+)+$', isRegex: true })).to.include('"(" is not supported');
    expect(refusal({ label: 'service', value: 'a+', isRegex: true })).to.include('"+" is not supported');
    expect(refusal({ label: 'service', value: 'a{1,9}', isRegex: true })).to.include('"{" is not supported');
    expect(refusal({ label: 'service', value: '[a-z]', isRegex: true })).to.include('"[" is not supported');
    expect(refusal({ label: 'service', value: 'a.b', isRegex: true })).to.include('"." is only supported as ".*"');
    expect(refusal({ label: 'service', value: 'a*', isRegex: true })).to.include('"*" is only supported after "."');
    expect(refusal({ label: 'service', value: '\\d+', isRegex: true })).to.include('escape \\d is not supported');
    expect(refusal({ label: 'service', value: 'abc\\', isRegex: true })).to.include('lone backslash');
  });

  it('refuses bad labels, oversized values and malformed matchers', () => {
    expect(refusal({ label: 'bad label', value: 'x', isRegex: false })).to.include('is not a label name');
    expect(refusal({ label: 'service', value: 'x'.repeat(MAX_MATCHER_VALUE_LENGTH + 1), isRegex: false })).to.include(`over ${MAX_MATCHER_VALUE_LENGTH}`);
    expect(refusal({ label: 'service', value: 5, isRegex: false } as unknown as SilenceMatcher)).to.include('must be a string');
    expect(refusal({ label: 'service', value: 'x', isRegex: 'yes' } as unknown as SilenceMatcher)).to.include('true or false');
    expect(() => compileMatchers([])).to.throw(InvalidInputError, 'at least one matcher');
    expect(() => compileMatchers(Array.from({ length: 33 }, () => ({ label: 'a', value: 'b', isRegex: false })))).to.throw(InvalidInputError, 'at most 32');
  });

  it('matches a hostile-length value against a many-wildcard pattern in linear time', () => {
    // A backtracking engine takes exponential time on patterns like these; pieces make it one scan each.
    const value = `${'a'.repeat(100_000)}b`;
    const started = process.hrtime.bigint();
    expect(matches(value, `${'.*a'.repeat(60)}.*aaaaaaaaaac.*b`)).to.equal(false);
    expect(matches(value, `${'.*a'.repeat(60)}.*b`)).to.equal(true);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).to.be.below(200);
  });

  it('a silence matches when all its matchers match the alert labels, incl. service and rule_id', () => {
    const labels = alertLabels(firingAlert());
    expect(labels['rule_id']).to.equal('r-errors');
    const both = compileMatchers([{ label: 'service', value: 'checkout', isRegex: false }, { label: 'rule_id', value: 'r-.*', isRegex: true }]);
    expect(matchesAll(both, labels)).to.equal(true);
    const other = compileMatchers([{ label: 'service', value: 'checkout', isRegex: false }, { label: 'team', value: 'search', isRegex: false }]);
    expect(matchesAll(other, labels)).to.equal(false);
    // A label the alert lacks matches only the empty value.
    expect(matchesAll(compileMatchers([{ label: 'region', value: '', isRegex: false }]), labels)).to.equal(true);
    expect(matchesAll(compileMatchers([{ label: 'region', value: '.*', isRegex: true }]), labels)).to.equal(true);
    expect(matchesAll(compileMatchers([{ label: '__proto__', value: 'x', isRegex: false }]), labels)).to.equal(false);
  });

  it('a rule label cannot pretend to be another rule or service', () => {
    const labels = alertLabels(firingAlert({ labels: { service: 'payments', rule_id: 'other' } }));
    expect(labels['service']).to.equal('checkout');
    expect(labels['rule_id']).to.equal('r-errors');
  });

  it('findSilence skips silences with invalid matchers and returns the first match', () => {
    const labels = alertLabels(firingAlert());
    const now = new Date();
    const silences = compileSilences([
      { id: 'bad', matchers: [{ label: 'service', value: '(a+)+', isRegex: true }], startsAt: now, endsAt: now },
      { id: 'miss', matchers: [{ label: 'service', value: 'payments', isRegex: false }], startsAt: now, endsAt: now },
      { id: 'hit', matchers: [{ label: 'service', value: 'check.*', isRegex: true }], startsAt: now, endsAt: now },
    ]);
    expect(silences[0]).to.have.property('error');
    expect(findSilence(silences, labels)).to.equal('hit');
    expect(findSilence(silences.slice(0, 2), labels)).to.equal(undefined);
  });
});
