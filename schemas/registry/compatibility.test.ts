import { expect } from 'chai';
import avro from 'avsc';
import {
  checkCompatibility,
  explainIncompatibility,
  parseCompatibilityLevel,
  type CompatibilityLevel,
  type PreviousVersion,
} from './compatibility.js';
import { RegistryError } from './errors.js';

type Field = Record<string, unknown>;

function record(fields: Field[], extra: Record<string, unknown> = {}): avro.Type {
  return avro.Type.forSchema({ type: 'record', name: 'Log', namespace: 'sawmill', fields, ...extra } as avro.Schema);
}

function history(...types: avro.Type[]): PreviousVersion[] {
  return types.map((type, index) => ({ version: index + 1, type }));
}

function check(candidate: avro.Type, previous: avro.Type[], level: CompatibilityLevel): { compatible: boolean; text: string } {
  const result = checkCompatibility(candidate, history(...previous), level);
  return { compatible: result.compatible, text: result.messages.join('\n') };
}

const message = { name: 'message', type: 'string' };
const count = { name: 'count', type: 'int' };
const level = (symbols: string[], extra: Record<string, unknown> = {}): Field => ({
  name: 'level',
  type: { type: 'enum', name: 'Level', symbols, ...extra },
});

describe('schemas/registry/compatibility', () => {
  const v1 = record([message, count]);
  const withOptionalHost = record([message, count, { name: 'host', type: ['null', 'string'], default: null }]);
  const withRequiredHost = record([message, count, { name: 'host', type: 'string' }]);
  const withoutCount = record([message]);
  const countAsLong = record([message, { name: 'count', type: 'long' }]);

  describe('NONE', () => {
    it('accepts anything, even an unrelated type', () => {
      expect(check(avro.Type.forSchema('string'), [v1], 'NONE').compatible).to.equal(true);
    });
  });

  describe('BACKWARD', () => {
    it('accepts a new optional field with a default', () => {
      expect(check(withOptionalHost, [v1], 'BACKWARD')).to.deep.equal({ compatible: true, text: '' });
    });

    it('refuses a new field without a default and names it', () => {
      const result = check(withRequiredHost, [v1], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'host' was added without a default");
      expect(result.text).to.include('version 1');
    });

    it('accepts removing a field (the new reader ignores it)', () => {
      expect(check(withoutCount, [v1], 'BACKWARD').compatible).to.equal(true);
    });

    it('accepts the promotion int → long', () => {
      expect(check(countAsLong, [v1], 'BACKWARD').compatible).to.equal(true);
    });

    it('refuses the demotion long → int and explains the promotion rule', () => {
      const result = check(v1, [countAsLong], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'count' changed type from long (version 1) to int");
      expect(result.text).to.include('only promotes');
    });

    it('accepts adding an enum symbol and refuses removing one', () => {
      const ab = record([level(['INFO', 'WARN'])]);
      const abc = record([level(['INFO', 'WARN', 'ERROR'])]);
      expect(check(abc, [ab], 'BACKWARD').compatible).to.equal(true);
      const removed = check(ab, [abc], 'BACKWARD');
      expect(removed.compatible).to.equal(false);
      expect(removed.text).to.include("enum sawmill.Level at field 'level' lost symbol(s) ERROR");
      expect(removed.text).to.include('lost symbol(s) ERROR');
    });

    it('accepts removing an enum symbol when the new enum has a default', () => {
      const abc = record([level(['INFO', 'WARN', 'ERROR'])]);
      const abWithDefault = record([level(['INFO', 'WARN'], { default: 'INFO' })]);
      expect(check(abWithDefault, [abc], 'BACKWARD').compatible).to.equal(true);
    });

    it('refuses turning an optional field into a required one', () => {
      const optional = record([message, { name: 'host', type: ['null', 'string'], default: null }]);
      const required = record([message, { name: 'host', type: 'string' }]);
      const result = check(required, [optional], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'host' changed from a union containing null");
    });

    it('names the nested path of a field added deep inside', () => {
      const user = (fields: Field[]): Field => ({ name: 'user', type: { type: 'record', name: 'User', fields } });
      const old = record([user([{ name: 'id', type: 'string' }])]);
      const next = record([user([{ name: 'id', type: 'string' }, { name: 'email', type: 'string' }])]);
      const result = check(next, [old], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'user.email' was added without a default");
    });

    it('refuses a record rename without alias and accepts it with one', () => {
      const renamed = avro.Type.forSchema({ type: 'record', name: 'Event', namespace: 'sawmill', fields: [message, count] });
      const aliased = avro.Type.forSchema({
        type: 'record',
        name: 'Event',
        namespace: 'sawmill',
        aliases: ['sawmill.Log'],
        fields: [message, count],
      });
      const result = check(renamed, [v1], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include('renamed from record sawmill.Log');
      expect(result.text).to.include('"aliases": ["sawmill.Log"]');
      expect(check(aliased, [v1], 'BACKWARD').compatible).to.equal(true);
    });

    it('refuses a fixed size change', () => {
      const hash = (size: number): avro.Type => record([{ name: 'hash', type: { type: 'fixed', name: 'Hash', size } }]);
      const result = check(hash(32), [hash(16)], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include('size 16').and.include('size 32');
    });

    it('refuses dropping a union branch and names it', () => {
      const wide = record([{ name: 'value', type: ['null', 'string', 'long'] }]);
      const narrow = record([{ name: 'value', type: ['null', 'string'] }]);
      const result = check(narrow, [wide], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("union at field 'value' dropped the branch long");
    });

    it('only checks the latest version (not transitive)', () => {
      const v3 = record([message, count, { name: 'host', type: 'string' }]);
      const v2 = record([message, count, { name: 'host', type: 'string', default: 'unknown' }]);
      expect(check(v3, [v1, v2], 'BACKWARD').compatible).to.equal(true);
    });

    it('terminates on recursive schemas', () => {
      const tree = (extra: Field[]): avro.Type =>
        avro.Type.forSchema({
          type: 'record',
          name: 'Node',
          fields: [{ name: 'children', type: { type: 'array', items: 'Node' } }, ...extra],
        } as avro.Schema);
      const result = check(tree([{ name: 'label', type: 'string' }]), [tree([])], 'BACKWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'label' was added without a default");
    });
  });

  describe('BACKWARD_TRANSITIVE', () => {
    it('checks every live version and names the one that breaks', () => {
      const v2 = record([message, count, { name: 'host', type: 'string', default: 'unknown' }]);
      const v3 = record([message, count, { name: 'host', type: 'string' }]);
      const result = check(v3, [v1, v2], 'BACKWARD_TRANSITIVE');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'host' was added without a default, so the new schema cannot read data written with version 1");
      expect(result.text).not.to.include('version 2');
    });
  });

  describe('FORWARD', () => {
    it('accepts a new field without default (old readers ignore it)', () => {
      expect(check(withRequiredHost, [v1], 'FORWARD').compatible).to.equal(true);
    });

    it('refuses removing a field the old schema declares without default', () => {
      const result = check(withoutCount, [v1], 'FORWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'count' was removed, but version 1 declares it without a default");
    });

    it('accepts removing a field that has a default in the old schema', () => {
      const old = record([message, { name: 'count', type: 'int', default: 0 }]);
      expect(check(withoutCount, [old], 'FORWARD').compatible).to.equal(true);
    });

    it('refuses int → long (old readers cannot read long as int)', () => {
      const result = check(countAsLong, [v1], 'FORWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include("field 'count' changed type from int (version 1) to long");
    });

    it('refuses adding an enum symbol unknown to the old enum', () => {
      const result = check(record([level(['INFO', 'WARN', 'ERROR'])]), [record([level(['INFO', 'WARN'])])], 'FORWARD');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include('gained symbol(s) ERROR');
    });
  });

  describe('FORWARD_TRANSITIVE', () => {
    it('refuses a removal that an older version cannot default', () => {
      const v2 = record([message, { name: 'count', type: 'int', default: 0 }]);
      expect(check(withoutCount, [v1, v2], 'FORWARD').compatible).to.equal(true);
      const result = check(withoutCount, [v1, v2], 'FORWARD_TRANSITIVE');
      expect(result.compatible).to.equal(false);
      expect(result.text).to.include('version 1');
    });
  });

  describe('FULL and FULL_TRANSITIVE', () => {
    it('accepts an optional field with default both ways', () => {
      expect(check(withOptionalHost, [v1], 'FULL').compatible).to.equal(true);
      expect(check(withOptionalHost, [v1], 'FULL_TRANSITIVE').compatible).to.equal(true);
    });

    it('refuses a required field (backward break) and int → long (forward break)', () => {
      expect(check(withRequiredHost, [v1], 'FULL').text).to.include('FULL: field');
      expect(check(countAsLong, [v1], 'FULL').text).to.include('cannot read long as int');
    });

    it('FULL_TRANSITIVE checks versions older than the latest', () => {
      const v2 = record([message, count, { name: 'host', type: 'string', default: 'unknown' }]);
      const v3 = record([message, count, { name: 'host', type: 'string' }]);
      expect(check(v3, [v1, v2], 'FULL').compatible).to.equal(true);
      expect(check(v3, [v1, v2], 'FULL_TRANSITIVE').compatible).to.equal(false);
    });
  });

  describe('explainIncompatibility', () => {
    it('finds every problem, not only the first one avsc stops at', () => {
      const old = record([message, count, level(['INFO', 'WARN'])]);
      const next = record([{ name: 'message', type: 'bytes' }, { name: 'count', type: 'long' }, level(['INFO', 'WARN', 'ERROR'])]);
      const kinds = explainIncompatibility(old, next).map((problem) => `${problem.kind}@${problem.path}`);
      expect(kinds).to.deep.equal(['TYPE_MISMATCH@count', 'MISSING_ENUM_SYMBOLS@level']);
    });

    it('returns nothing when the reader can read the writer', () => {
      expect(explainIncompatibility(withOptionalHost, v1)).to.deep.equal([]);
    });
  });

  describe('parseCompatibilityLevel', () => {
    it('accepts the seven levels in any case and refuses others with 42203', () => {
      expect(parseCompatibilityLevel('full_transitive')).to.equal('FULL_TRANSITIVE');
      expect(() => parseCompatibilityLevel('SIDEWAYS'))
        .to.throw(RegistryError)
        .with.property('errorCode', 42203);
      expect(() => parseCompatibilityLevel(7)).to.throw(RegistryError);
    });
  });
});
