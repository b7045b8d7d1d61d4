import { expect } from 'chai';
import { RegistryError } from './errors.js';
import { parseConfigRequest, parseSchemaId, parseSchemaRequest, parseSubject, parseVersion, queryFlag } from './params.js';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(RegistryError);
    return (error as RegistryError).errorCode;
  }
  return undefined;
}

describe('schemas/registry/params', () => {
  it('accepts ordinary subject names, including Confluent context names', () => {
    expect(parseSubject('logs.raw-value')).to.equal('logs.raw-value');
    expect(parseSubject(':.ctx:sawmill.Log')).to.equal(':.ctx:sawmill.Log');
  });

  it('refuses empty, overlong, control-character and path-like subjects with 42208', () => {
    for (const bad of ['', 'x'.repeat(256), 'a\u0000b', 'a\nb', '../etc', 'a\\b', '.', '..']) {
      expect(codeOf(() => parseSubject(bad)), JSON.stringify(bad)).to.equal(42208);
    }
  });

  it('parses versions: latest, -1 and 1..2^31-1; anything else is 42202', () => {
    expect(parseVersion('latest')).to.equal('latest');
    expect(parseVersion('-1')).to.equal('latest');
    expect(parseVersion('7')).to.equal(7);
    expect(parseVersion('2147483647')).to.equal(2147483647);
    for (const bad of ['0', '-2', '2147483648', '1.5', 'abc', '', '99999999999']) {
      expect(codeOf(() => parseVersion(bad)), bad).to.equal(42202);
    }
  });

  it('parses schema ids and answers 40403 for impossible ones', () => {
    expect(parseSchemaId('12')).to.equal(12);
    for (const bad of ['0', '-1', 'x', '2147483648']) expect(codeOf(() => parseSchemaId(bad)), bad).to.equal(40403);
  });

  it('validates schema request bodies and refuses JSON, PROTOBUF and references with 42201', () => {
    expect(parseSchemaRequest({ schema: '"string"', metadata: {} })).to.deep.equal({ schema: '"string"', schemaType: 'AVRO' });
    expect(parseSchemaRequest({ schema: '"string"', schemaType: 'avro' }).schemaType).to.equal('AVRO');
    expect(codeOf(() => parseSchemaRequest({ schema: '{}', schemaType: 'JSON' }))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest({ schema: '{}', schemaType: 'PROTOBUF' }))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest({ schema: '{}', references: [{ name: 'x' }] }))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest({ schema: 5 }))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest([]))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest(undefined))).to.equal(42201);
    expect(codeOf(() => parseSchemaRequest({ schema: '  ' }))).to.equal(42201);
  });

  it('validates config bodies with 42203', () => {
    expect(parseConfigRequest({ compatibility: 'forward' })).to.equal('FORWARD');
    expect(codeOf(() => parseConfigRequest({ compatibilityLevel: 'FULL' }))).to.equal(42203);
    expect(codeOf(() => parseConfigRequest({ compatibility: 'MAYBE' }))).to.equal(42203);
  });

  it('reads boolean query flags', () => {
    expect(queryFlag('true')).to.equal(true);
    expect(queryFlag('TRUE')).to.equal(true);
    expect(queryFlag('false')).to.equal(false);
    expect(queryFlag(['true'])).to.equal(false);
    expect(queryFlag(undefined)).to.equal(false);
  });
});
