import { expect } from 'chai';
import { canonicalizeAvro, jsonDepth, MAX_SCHEMA_DEPTH } from './canonical.js';
import { RegistryError } from './errors.js';

const compact =
  '{"type":"record","name":"Log","namespace":"sawmill","fields":[{"name":"message","type":"string"},' +
  '{"name":"host","type":["null","string"],"default":null}]}';

function expectInvalid(text: string, fragment: string): void {
  try {
    canonicalizeAvro(text);
  } catch (error) {
    expect(error).to.be.instanceOf(RegistryError);
    expect((error as RegistryError).errorCode).to.equal(42201);
    expect((error as RegistryError).httpStatus).to.equal(422);
    expect((error as Error).message).to.include(fragment);
    return;
  }
  expect.fail(`expected ${text.slice(0, 40)} to be refused`);
}

describe('schemas/registry/canonical', () => {
  it('keeps an already compact schema unchanged', () => {
    expect(canonicalizeAvro(compact).canonical).to.equal(compact);
  });

  it('maps whitespace, key order and {"type":"string"} to the same canonical text and fingerprint', () => {
    const messy = `{
      "namespace": "sawmill",   "fields": [
        { "type": {"type": "string"}, "name": "message" },
        { "default": null, "name": "host", "type": [ "null", "string" ] }
      ],
      "name": "Log", "type": "record"
    }`;
    const a = canonicalizeAvro(compact);
    const b = canonicalizeAvro(messy);
    expect(b.canonical).to.equal(a.canonical);
    expect(b.fingerprint).to.equal(a.fingerprint).and.match(/^[0-9a-f]{64}$/);
  });

  it('keeps docs, custom attributes and logical types (they are part of the schema)', () => {
    const withDoc = canonicalizeAvro(
      '{"type":"record","name":"R","doc":"d","fields":[{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"},"x-owner":"ops"}]}',
    );
    expect(withDoc.canonical).to.include('"doc":"d"');
    expect(withDoc.canonical).to.include('"logicalType":"timestamp-millis"');
    expect(withDoc.canonical).to.include('"x-owner":"ops"');
    expect(withDoc.fingerprint).not.to.equal(canonicalizeAvro('{"type":"record","name":"R","fields":[{"name":"ts","type":"long"}]}').fingerprint);
  });

  it('accepts primitive and union top-level schemas', () => {
    expect(canonicalizeAvro(' "string" ').canonical).to.equal('"string"');
    expect(canonicalizeAvro('["null", {"type": "long"}]').canonical).to.equal('["null","long"]');
  });

  it('refuses text that is not JSON with the parser message', () => {
    expectInvalid('{"type": "record",', 'not valid JSON');
  });

  it('refuses JSON that is not an Avro schema with the reason', () => {
    expectInvalid('{"type":"record","name":"R","fields":[{"name":"a","type":"strin"}]}', 'strin');
    expectInvalid('{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}', 'default');
    expectInvalid('{"type":"enum","name":"E","symbols":["A","A"]}', 'Invalid schema');
  });

  it('refuses deeply nested schemas before parsing them', () => {
    let nested = '"string"';
    for (let i = 0; i < 5000; i++) nested = `{"type":"array","items":${nested}}`;
    expectInvalid(nested, `at most ${MAX_SCHEMA_DEPTH}`);
    expectInvalid('['.repeat(100_000), 'nested');
  });

  it('survives hostile names without touching prototypes', () => {
    const proto = canonicalizeAvro('{"type":"record","name":"__proto__","fields":[{"name":"constructor","type":"string"}]}');
    expect(proto.canonical).to.include('"name":"__proto__"');
    expectInvalid('{"type":"record","name":"R","fields":[{"name":"a","type":"toString"}]}', 'toString');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('keeps a __proto__ key as data', () => {
    const result = canonicalizeAvro('{"type":"record","name":"R","__proto__":{"polluted":1},"fields":[]}');
    expect(result.canonical).to.include('"__proto__":{"polluted":1}');
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  describe('jsonDepth', () => {
    it('counts nesting and ignores brackets inside strings', () => {
      expect(jsonDepth('"x"')).to.equal(0);
      expect(jsonDepth('{"a":[1,{"b":2}]}')).to.equal(3);
      expect(jsonDepth('{"a":"[[[[\\"[["}')).to.equal(1);
    });
  });
});
