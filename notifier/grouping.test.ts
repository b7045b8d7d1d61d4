import { expect } from 'chai';
import { groupKey, groupKeyLabels } from './grouping.js';
import { firingAlert } from './test-alerts.js';

describe('notifier grouping policy', () => {
  it('by default groups every alert of a rule together, whatever the service', () => {
    const keys = new Set(['a', 'b', 'c'].map((service) => groupKey(firingAlert({ service }), [])));
    expect([...keys]).to.deep.equal(['[["rule_id","r-errors"]]']);
    expect(groupKey(firingAlert({ ruleId: 'r-other' }), [])).to.equal('[["rule_id","r-other"]]');
  });

  it('splits by the configured labels, in the order given, missing labels as empty', () => {
    const alert = firingAlert({ service: 'checkout', labels: { service: 'checkout', team: 'payments' } });
    expect(groupKey(alert, ['service', 'team', 'region'])).to.equal('[["rule_id","r-errors"],["service","checkout"],["team","payments"],["region",""]]');
    expect(groupKey(firingAlert({ service: 'a' }), ['service'])).not.to.equal(groupKey(firingAlert({ service: 'b' }), ['service']));
    expect(groupKey(alert, ['rule_id'])).to.equal('[["rule_id","r-errors"]]');
  });

  it('50 alerts of one rule across 10 services make 1 group by default and 10 by service', () => {
    const alerts = Array.from({ length: 50 }, (_, i) => firingAlert({ service: `svc-${i % 10}`, fingerprint: `fp${String(i).padStart(14, '0')}` }));
    expect(new Set(alerts.map((a) => groupKey(a, []))).size).to.equal(1);
    expect(new Set(alerts.map((a) => groupKey(a, ['service']))).size).to.equal(10);
  });

  it('a label value cannot forge a separator and merge two groups', () => {
    const a = groupKey(firingAlert({ labels: { x: 'a","y' }, service: 's' }), ['x', 'y']);
    const b = groupKey(firingAlert({ labels: { x: 'a', y: '' }, service: 's' }), ['x', 'y']);
    expect(a).not.to.equal(b);
    expect(groupKeyLabels(a)).to.deep.equal([['rule_id', 'r-errors'], ['x', 'a","y'], ['y', '']]);
  });

  it('groupKeyLabels refuses what is not a group key', () => {
    expect(() => groupKeyLabels('{"a":1}')).to.throw(TypeError);
    expect(() => groupKeyLabels('[["a"]]')).to.throw(TypeError);
  });
});
