// The pure parts of schema registration: which subjects and files, and the refusal message built
// from the registry's reasons or, when it gives none, from a local diff. The registry round trips
// (idempotence, BACKWARD refusals, v1/v2 readers) are in test/integration/schemas-register.test.ts.
import { expect } from 'chai';
import { diffCompatibility, formatRefusal } from './compatibility-message.js';
import { topicSchemasToRegister } from './register.js';

const v1 = { type: 'record', name: 'Event', namespace: 'io.sawmill.test', fields: [{ name: 'id', type: 'string' }, { name: 'count', type: 'int' }] };
const withRequired = { ...v1, fields: [...v1.fields, { name: 'region', type: 'string' }] };
const withOptional = { ...v1, fields: [...v1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
const retyped = { ...v1, fields: [{ name: 'id', type: 'string' }, { name: 'count', type: 'string' }] };

describe('topicSchemasToRegister', () => {
  it('maps every Avro topic to <topic>-value and its .avsc file', () => {
    const entries = topicSchemasToRegister();
    expect(entries.map((e) => [e.subject, e.file])).to.deep.equal([
      ['logs.raw-value', 'schemas/avro/raw-log-event.avsc'],
      ['logs.enriched-value', 'schemas/avro/enriched-log-event.avsc'],
      ['stats.windowed-value', 'schemas/avro/windowed-stat.avsc'],
      ['alert-rules-value', 'schemas/avro/alert-rule.avsc'],
      ['alerts-value', 'schemas/avro/alert-event.avsc'],
    ]);
    expect((entries[0]?.schema as { name: string }).name).to.equal('RawLogEvent');
  });
});

describe('diffCompatibility', () => {
  it('names a field added without a default and who cannot read what', () => {
    expect(diffCompatibility(withRequired, v1, 1, 'BACKWARD')).to.deep.equal([
      "field 'region' was added without a default, so the new schema cannot read data written with version 1 " +
        '(give it a default, e.g. "type": ["null", ...] with "default": null): consumers using the new schema cannot read records written with version 1',
    ]);
  });

  it('finds nothing for an optional field with a default, in either direction', () => {
    expect(diffCompatibility(withOptional, v1, 1, 'FULL')).to.deep.equal([]);
  });

  it('reports a type change under BACKWARD and a removed required field only under FORWARD', () => {
    expect(diffCompatibility(retyped, v1, 3, 'BACKWARD')[0]).to.match(/^field 'count' changed type from int \(version 3\) to string/);
    expect(diffCompatibility(v1, withRequired, 2, 'BACKWARD')).to.deep.equal([]);
    expect(diffCompatibility(v1, withRequired, 2, 'FORWARD')[0]).to.match(/^field 'region' was removed, but version 2 declares it without a default.*: consumers still on version 2 cannot read records written with the new schema$/);
  });
});

describe('formatRefusal', () => {
  it("uses the registry's reasons, without their level prefix, under a headline naming subject, file and version", () => {
    const text = formatRefusal({
      subject: 'logs.raw-value',
      schemaFile: 'schemas/avro/raw-log-event.avsc',
      level: 'BACKWARD',
      registryMessages: ["BACKWARD: field 'x' was added without a default"],
      candidate: withRequired,
      latest: { schema: v1, version: 4 },
    });
    expect(text).to.equal(
      'subject logs.raw-value: the schema in schemas/avro/raw-log-event.avsc is not BACKWARD-compatible with version 4 and was not registered\n' +
        "  - field 'x' was added without a default",
    );
  });

  it('diffs the schemas itself when the registry gave no reason', () => {
    const text = formatRefusal({ subject: 's-value', schemaFile: 'f.avsc', level: 'BACKWARD', registryMessages: [], candidate: withRequired, latest: { schema: v1, version: 1 } });
    expect(text.split('\n')).to.have.length(2);
    expect(text).to.include("  - field 'region' was added without a default");
  });

  it('says so when there is nothing to go on', () => {
    const text = formatRefusal({ subject: 's-value', schemaFile: 'f.avsc', level: 'BACKWARD', registryMessages: [], candidate: withRequired });
    expect(text).to.match(/is not BACKWARD-compatible and was not registered\n {2}- the registry gave no reason/);
  });
});
