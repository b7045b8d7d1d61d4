// `sawmill schemas register` and schema evolution on the real registry (127.0.0.1:8081, unique
// subjects): registration is idempotent and pins BACKWARD per subject; a v2 adding an optional
// field is accepted and both readers work through the registry (v1 records read by a v2 consumer,
// v2 records read by a v1 consumer, each with avsc's writer → reader resolution); a change that
// breaks BACKWARD is refused with the field and the reason, and nothing is registered. The CLI's
// exit code is checked against an in-process registry of its own (a fresh database), so the
// shared registry's real subjects are never given a bad version.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import pg from 'pg';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createLogger } from '../../lib/logger.js';
import { topicValueSchema } from '../../schemas/log-schemas.js';
import { startRegistryServer, type RegistryServer } from '../../schemas/registry/server.js';
import { registerSchemas, topicSchemasToRegister } from '../../schemas/register.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import { ensureTestDatabase } from '../support/test-database.js';
import { deleteSubjects } from './pipeline-harness.js';

const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const logger = createLogger('schemas-register-test', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'fatal' });

interface Order {
  id: string;
  amount: number;
  region?: string | null;
}

const v1 = {
  type: 'record' as const,
  name: 'Order',
  namespace: `io.sawmill.it${RUN}`,
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'long' },
  ],
};
const v2 = { ...v1, fields: [...v1.fields, { name: 'region', type: ['null', 'string'], default: null }] };
const v3Breaking = { ...v1, fields: [...v2.fields, { name: 'currency', type: 'string' }] };

async function http(base: string, path: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('schema registration and evolution (integration, registry)', function () {
  this.timeout(60_000);

  after(async () => {
    const subjects = (await (await fetch(`${REGISTRY_URL}/subjects`)).json()) as string[];
    await deleteSubjects(subjects.filter((subject) => subject.startsWith(`it-${RUN}.`)));
  });

  it('registers the topic schemas once under <topic>-value at BACKWARD, and again changes nothing', async () => {
    const schemas = topicSchemasToRegister().map((entry) => ({ ...entry, subject: `it-${RUN}.${entry.subject}` }));
    const first = await registerSchemas({ registryUrl: REGISTRY_URL, schemas, logger });
    expect(first.map((o) => [o.subject, o.status])).to.deep.equal(schemas.map((s) => [s.subject, 'registered']));
    const second = await registerSchemas({ registryUrl: REGISTRY_URL, schemas, logger });
    expect(second.map((o) => o.status)).to.deep.equal(schemas.map(() => 'unchanged'));
    expect(second.map((o) => ('id' in o ? o.id : -1))).to.deep.equal(first.map((o) => ('id' in o ? o.id : -2)));
    expect(second.map((o) => ('version' in o ? o.version : -1))).to.deep.equal(schemas.map(() => 1));
    for (const { subject } of schemas) {
      expect((await http(REGISTRY_URL, `/config/${encodeURIComponent(subject)}`)).json).to.deep.equal({ compatibilityLevel: 'BACKWARD' });
    }
  });

  it('evolves with an optional field: v1 records read by a v2 consumer and v2 records by a v1 consumer', async () => {
    const subject = `it-${RUN}.orders-value`;
    const file = 'test/orders.avsc';
    const [one] = await registerSchemas({ registryUrl: REGISTRY_URL, schemas: [{ subject, schema: v1, file }], logger });
    const [two] = await registerSchemas({ registryUrl: REGISTRY_URL, schemas: [{ subject, schema: v2, file }], logger });
    expect(one).to.include({ status: 'registered', version: 1 });
    expect(two).to.include({ status: 'registered', version: 2 });

    // Each side registers (finds) its own schema and resolves the other's writer schema fetched by id.
    const producerV1 = new AvroSerde<Order>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: v1, subject });
    const consumerV2 = new AvroSerde<Order>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: v2, subject });
    await producerV1.init();
    await consumerV2.init();
    const oldRecord = producerV1.serialize('orders', { id: 'o-1', amount: 1200 })!;
    await consumerV2.prepare('orders', oldRecord);
    expect({ ...consumerV2.deserialize('orders', oldRecord) }).to.deep.equal({ id: 'o-1', amount: 1200, region: null });

    const producerV2 = consumerV2;
    const consumerV1 = new AvroSerde<Order>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: v1, subject });
    await consumerV1.init();
    const newRecord = producerV2.serialize('orders', { id: 'o-2', amount: 5, region: 'eu-west' })!;
    expect(newRecord.readInt32BE(1)).to.equal('id' in two! ? two.id : -1);
    await consumerV1.prepare('orders', newRecord);
    expect({ ...consumerV1.deserialize('orders', newRecord) }).to.deep.equal({ id: 'o-2', amount: 5 });
  });

  it('refuses a field added without a default, naming it, and registers nothing', async () => {
    const subject = `it-${RUN}.payments-value`;
    const file = 'test/payments.avsc';
    await registerSchemas({ registryUrl: REGISTRY_URL, schemas: [{ subject, schema: v2, file }], logger });
    const [outcome] = await registerSchemas({ registryUrl: REGISTRY_URL, schemas: [{ subject, schema: v3Breaking, file }], logger });
    expect(outcome?.status).to.equal('incompatible');
    const message = outcome && 'message' in outcome ? outcome.message : '';
    expect(message.split('\n')[0]).to.equal(`subject ${subject}: the schema in ${file} is not BACKWARD-compatible with version 1 and was not registered`);
    expect(message).to.match(/\n {2}- field 'currency' was added without a default, so the new schema cannot read data written with version 1/);
    const versions = await http(REGISTRY_URL, `/subjects/${encodeURIComponent(subject)}/versions`);
    expect(versions.json).to.deep.equal([1]);
  });

  describe('the CLI against a registry of its own', () => {
    const dbUrl = new URL(PG_URL);
    dbUrl.pathname = `/sawmill_it_schemas_${RUN}`;
    let pool: pg.Pool;
    let server: RegistryServer;

    before(async () => {
      await ensureTestDatabase(dbUrl.toString());
      pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
      server = await startRegistryServer({ port: 0, pool, logger });
    });

    after(async () => {
      await server?.close();
      await pool?.end();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbUrl.pathname.slice(1))}`).finally(() => admin.end());
    });

    async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/sawmill.ts'), ...args], { cwd: repoRoot });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    }

    it('registers every subject, is idempotent, and exits 1 with the broken field when a change is incompatible', async () => {
      // An "earlier" logs.raw schema without `host`: the real one adds it without a default.
      const raw = topicValueSchema('logs.raw');
      const older = { ...raw, fields: raw.fields.filter((field) => (field as { name: string }).name !== 'host') };
      const seeded = await registerSchemas({ registryUrl: server.url, schemas: [{ subject: 'logs.raw-value', schema: older, file: 'older.avsc' }], logger });
      expect(seeded[0]?.status).to.equal('registered');

      const refused = await cli('schemas', 'register', '--registry', server.url);
      expect(refused.code, refused.stderr).to.equal(1);
      expect(refused.stderr).to.include('sawmill schemas register: subject logs.raw-value: the schema in schemas/avro/raw-log-event.avsc is not BACKWARD-compatible with version 1');
      expect(refused.stderr).to.include("field 'host' was added without a default");
      // The other subjects are registered all the same.
      expect(refused.stdout.split('\n').filter((line) => / registered /.test(line)).map((line) => line.split(/\s+/)[0])).to.deep.equal([
        'logs.enriched-value',
        'stats.windowed-value',
        'alert-rules-value',
        'alerts-value',
      ]);

      const again = await cli('schemas', 'register', '--registry', server.url);
      expect(again.code).to.equal(1);
      expect(again.stdout.split('\n').filter((line) => / unchanged /.test(line))).to.have.length(4);

      const bad = await cli('schemas', 'register', '--registry', 'not a url');
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('is not a URL');
    });
  });
});
