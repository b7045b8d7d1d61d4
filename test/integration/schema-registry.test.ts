import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createLogger } from '../../lib/logger.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryApp } from '../../schemas/registry/app.js';
import { startRegistryServer, type RegistryServer } from '../../schemas/registry/server.js';
import { createRegistryStore } from '../../schemas/registry/store.js';
import { ensureTestDatabase } from '../support/test-database.js';

// The registry runs in-process against the real PostgreSQL; PG_URL names the test database.
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const prefix = `it-${run}`;
const namespace = `sawmill.it${run}`;

interface ErrorBody {
  error_code: number;
  message: string;
}

// Shaped as the client's RawAvroSchema so it can serve as a decode() reader schema.
const logSchema = (extraFields: object[] = []): { type: 'record'; name: string; namespace: string; fields: object[] } => ({
  type: 'record',
  name: 'LogEvent',
  namespace,
  fields: [
    { name: 'id', type: 'string' },
    { name: 'message', type: 'string' },
    { name: 'count', type: 'int' },
    ...extraFields,
  ],
});
const optionalHost = { name: 'host', type: ['null', 'string'], default: null };
const requiredHost = { name: 'host', type: 'string' };

describe('schema registry (Confluent API over PostgreSQL)', function () {
  let pool: pg.Pool;
  let server: RegistryServer;
  let registry: SchemaRegistry;

  async function http(method: string, path: string, body?: unknown, contentType = 'application/vnd.schemaregistry.v1+json') {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
  }

  async function expectError(
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: number,
    fragment: string,
    contentType?: string,
  ): Promise<void> {
    const response = await http(method, path, body, contentType);
    expect(response.status, response.text).to.equal(status);
    expect(response.contentType).to.include('application/vnd.schemaregistry.v1+json');
    const error = response.json as ErrorBody;
    expect(error.error_code, response.text).to.equal(code);
    expect(error.message).to.include(fragment);
  }

  before(async function () {
    await ensureTestDatabase(PG_URL);
    pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
    server = await startRegistryServer({ port: 0, pool, logger: createLogger('schema-registry-test', { level: 'warn' }) });
    registry = new SchemaRegistry({ host: server.url, retry: { retries: 0 } });
  });

  after(async function () {
    await server?.close();
    await pool?.end();
  });

  describe('with @kafkajs/confluent-schema-registry', () => {
    const subject = `${prefix}-logs-value`;
    let v1Id: number;

    it('registers an Avro schema and getSchema(id) returns it', async () => {
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(logSchema()) }, { subject });
      expect(id).to.be.a('number').greaterThan(0);
      v1Id = id;
      const type = (await registry.getSchema(id)) as { name?: string };
      expect(type.name).to.equal(`${namespace}.LogEvent`);
      // kafkajs sets the subject's level on the first registration.
      expect((await http('GET', `/config/${subject}`)).json).to.deep.equal({ compatibilityLevel: 'BACKWARD' });
      const raw = await http('GET', `/schemas/ids/${id}`);
      expect(raw.status).to.equal(200);
      expect(JSON.parse((raw.json as { schema: string }).schema)).to.deep.equal(logSchema());
    });

    it('encodes and decodes in the Confluent wire format (magic byte 0 + 4-byte id)', async () => {
      const event = { id: 'e-1', message: 'disk full', count: 3 };
      const buffer = await registry.encode(v1Id, event);
      expect(buffer[0]).to.equal(0);
      expect(buffer.readInt32BE(1)).to.equal(v1Id);
      const fresh = new SchemaRegistry({ host: server.url }); // empty cache: fetches /schemas/ids/{id}
      // avsc decodes into a record class instance; compare its fields.
      expect({ ...(await fresh.decode(buffer)) }).to.deep.equal(event);
    });

    it('refuses a BACKWARD-incompatible v2 with a message naming the problem', async () => {
      try {
        await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(logSchema([requiredHost])) }, { subject });
      } catch (error) {
        expect((error as { status?: number }).status).to.equal(409);
        expect((error as Error).message).to.include("field 'host' was added without a default");
        expect((error as Error).message).to.include('version 1');
        return;
      }
      expect.fail('an incompatible schema was registered');
    });

    it('accepts a compatible v2 as version 2, and v1/v2 readers decode each other', async () => {
      const v2Schema = logSchema([optionalHost]);
      const { id: v2Id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2Schema) }, { subject });
      expect(v2Id).to.not.equal(v1Id);
      expect((await http('GET', `/subjects/${subject}/versions`)).json).to.deep.equal([1, 2]);
      expect(await registry.getLatestSchemaId(subject)).to.equal(v2Id);
      expect(await registry.getRegistryId(subject, 1)).to.equal(v1Id);
      const latest = (await http('GET', `/subjects/${subject}/versions/latest`)).json as Record<string, unknown>;
      expect(latest).to.include({ subject, version: 2, id: v2Id });

      const v2Data = await registry.encode(v2Id, { id: 'e-2', message: 'm', count: 1, host: 'web-1' });
      const asV1 = await registry.decode(v2Data, { [SchemaType.AVRO]: { readerSchema: logSchema() } });
      expect({ ...asV1 }).to.deep.equal({ id: 'e-2', message: 'm', count: 1 });

      const v1Data = await registry.encode(v1Id, { id: 'e-3', message: 'n', count: 2 });
      const asV2 = await registry.decode(v1Data, { [SchemaType.AVRO]: { readerSchema: v2Schema } });
      expect({ ...asV2 }).to.deep.equal({ id: 'e-3', message: 'n', count: 2, host: null });
    });

    it('finds a registered schema by content (POST /subjects/{subject})', async () => {
      expect(await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(logSchema()) })).to.equal(v1Id);
      const found = await http('POST', `/subjects/${subject}`, { schema: JSON.stringify(logSchema(), null, 2) });
      expect(found.json).to.deep.include({ subject, id: v1Id, version: 1 });
      await expectError('POST', `/subjects/${subject}`, { schema: JSON.stringify(logSchema([requiredHost])) }, 404, 40403, 'not found');
      await expectError('POST', `/subjects/${prefix}-nope`, { schema: JSON.stringify(logSchema()) }, 404, 40401, 'not found');
    });
  });

  describe('registration semantics', () => {
    it('returns the same id for the same schema, whatever the whitespace, without a new version', async () => {
      const subject = `${prefix}-same`;
      const schema = logSchema([{ name: 'same', type: 'long' }]);
      const first = await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
      const again = await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema, null, 4) }, 'application/json');
      expect(first.status).to.equal(200);
      expect(again.json).to.deep.equal(first.json);
      expect((await http('GET', `/subjects/${subject}/versions`)).json).to.deep.equal([1]);

      const other = await http('POST', `/subjects/${prefix}-other/versions`, { schema: JSON.stringify(schema) }, 'application/vnd.schemaregistry+json');
      expect(other.json).to.deep.equal(first.json);
      const id = (first.json as { id: number }).id;
      expect((await http('GET', `/schemas/ids/${id}/versions`)).json).to.deep.equal([
        { subject: `${prefix}-other`, version: 1 },
        { subject, version: 1 },
      ]);
    });

    it('yields one id and one version for concurrent registrations of the same schema', async () => {
      const subject = `${prefix}-race`;
      const schema = JSON.stringify(logSchema([{ name: 'race', type: 'string' }]));
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) => http('POST', `/subjects/${i % 2 === 0 ? subject : `${subject}-b`}/versions`, { schema })),
      );
      const ids = new Set(responses.map((response) => (response.json as { id: number }).id));
      expect(responses.map((response) => response.status)).to.deep.equal(Array(8).fill(200));
      expect(ids.size).to.equal(1);
      expect((await http('GET', `/subjects/${subject}/versions`)).json).to.deep.equal([1]);
      expect((await http('GET', `/subjects/${subject}-b/versions`)).json).to.deep.equal([1]);
    });

    it('reports compatibility with messages when verbose', async () => {
      const subject = `${prefix}-compat`;
      await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(logSchema()) });
      const bad = await http('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, {
        schema: JSON.stringify(logSchema([requiredHost])),
      });
      expect(bad.status).to.equal(200);
      expect((bad.json as { is_compatible: boolean }).is_compatible).to.equal(false);
      expect((bad.json as { messages: string[] }).messages.join()).to.include("field 'host' was added without a default");
      const good = await http('POST', `/compatibility/subjects/${subject}/versions/1`, { schema: JSON.stringify(logSchema([optionalHost])) });
      expect(good.json).to.deep.equal({ is_compatible: true });

      // Under FORWARD, the required field is fine but removing `count` is not.
      expect((await http('PUT', `/config/${subject}`, { compatibility: 'FORWARD' })).json).to.deep.equal({ compatibility: 'FORWARD' });
      const registered = await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(logSchema([requiredHost])) });
      expect(registered.status, registered.text).to.equal(200);
      const removal = { ...logSchema(), fields: [{ name: 'id', type: 'string' }, { name: 'message', type: 'string' }] };
      await expectError('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(removal) }, 409, 409, "field 'count' was removed");
    });

    it('soft-deletes, then permanently deletes, like Confluent', async () => {
      const subject = `${prefix}-delete`;
      await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(logSchema()) });
      await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(logSchema([optionalHost])) });
      await expectError('DELETE', `/subjects/${subject}/versions/2?permanent=true`, undefined, 404, 40407, 'not deleted first');
      expect((await http('DELETE', `/subjects/${subject}/versions/2`)).json).to.equal(2);
      expect((await http('GET', `/subjects/${subject}/versions`)).json).to.deep.equal([1]);
      expect((await http('GET', `/subjects/${subject}/versions?deleted=true`)).json).to.deep.equal([1, 2]);
      await expectError('GET', `/subjects/${subject}/versions/2`, undefined, 404, 40402, 'Version 2');
      await expectError('DELETE', `/subjects/${subject}/versions/2`, undefined, 404, 40406, 'soft deleted');
      expect((await http('DELETE', `/subjects/${subject}/versions/2?permanent=true`)).json).to.equal(2);

      await expectError('DELETE', `/subjects/${subject}?permanent=true`, undefined, 404, 40405, 'not deleted first');
      expect((await http('DELETE', `/subjects/${subject}`)).json).to.deep.equal([1]);
      expect((await http('GET', '/subjects')).json).to.not.include(subject);
      expect((await http('GET', '/subjects?deleted=true')).json).to.include(subject);
      await expectError('DELETE', `/subjects/${subject}`, undefined, 404, 40404, 'soft deleted');
      expect((await http('DELETE', `/subjects/${subject}?permanent=true`)).json).to.deep.equal([1]);
      await expectError('GET', `/subjects/${subject}/versions?deleted=true`, undefined, 404, 40401, 'not found');
    });
  });

  describe('errors and hostile input', () => {
    const subject = `${prefix}-errors`;
    before(async () => {
      await http('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(logSchema()) });
    });

    it('answers unknown subject, version and schema id with 40401, 40402, 40403', async () => {
      await expectError('GET', `/subjects/${prefix}-missing/versions`, undefined, 404, 40401, 'not found');
      await expectError('GET', `/subjects/${prefix}-missing/versions/latest`, undefined, 404, 40401, 'not found');
      await expectError('GET', `/subjects/${subject}/versions/99`, undefined, 404, 40402, 'Version 99');
      await expectError('GET', '/schemas/ids/2147483647', undefined, 404, 40403, 'not found');
      await expectError('GET', '/schemas/ids/abc', undefined, 404, 40403, 'not found');
    });

    it('refuses invalid versions, levels and schemas with 42202, 42203, 42201', async () => {
      await expectError('GET', `/subjects/${subject}/versions/0`, undefined, 422, 42202, 'not a valid version');
      await expectError('GET', `/subjects/${subject}/versions/abc`, undefined, 422, 42202, 'not a valid version');
      await expectError('PUT', '/config', { compatibility: 'SIDEWAYS' }, 422, 42203, 'Invalid compatibility level');
      await expectError('POST', `/subjects/${subject}/versions`, { schema: '{"type":"record"' }, 422, 42201, 'not valid JSON');
      await expectError('POST', `/subjects/${subject}/versions`, { schema: '{"type":"recrod","name":"X"}' }, 422, 42201, 'recrod');
      await expectError('POST', `/subjects/${subject}/versions`, { nope: 1 }, 422, 42201, "'schema'");
      await expectError('POST', `/subjects/${subject}/versions`, { schema: '{}', schemaType: 'PROTOBUF' }, 422, 42201, 'only AVRO');
    });

    it('answers malformed JSON with 400, an oversized body with 413 and a foreign content type with 415', async () => {
      await expectError('POST', `/subjects/${subject}/versions`, '{"schema": ', 400, 400, 'Malformed JSON');
      const huge = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Big', doc: 'x'.repeat(2 * 1024 * 1024), fields: [] }) });
      await expectError('POST', `/subjects/${subject}/versions`, huge, 413, 413, 'larger than the limit');
      await expectError('POST', `/subjects/${subject}/versions`, 'schema=x', 415, 415, 'Content-Type', 'application/x-www-form-urlencoded');
    });

    it('refuses deep nesting, huge names and path traversal without crashing', async () => {
      let nested = '"string"';
      for (let i = 0; i < 3000; i++) nested = `{"type":"array","items":${nested}}`;
      await expectError('POST', `/subjects/${subject}/versions`, { schema: nested }, 422, 42201, 'nested');
      await expectError('POST', `/subjects/${subject}/versions`, '['.repeat(500_000), 400, 400, 'Malformed JSON');
      const longName = JSON.stringify({ type: 'record', name: `N${'x'.repeat(100_000)}`, fields: [] });
      // Avro sets no length limit on names, so a 100 kB name is valid and must round-trip intact.
      const created = await http('POST', `/subjects/${prefix}-long/versions`, { schema: longName });
      expect(created.status, created.text).to.equal(200);
      const stored = await http('GET', `/schemas/ids/${(created.json as { id: number }).id}`);
      expect((stored.json as { schema: string }).schema).to.equal(longName);
      await expectError('GET', `/subjects/${'s'.repeat(300)}/versions`, undefined, 422, 42208, 'longer than');
      await expectError('GET', '/subjects/..%2F..%2Fetc%2Fpasswd/versions', undefined, 422, 42208, "'/'");
      await expectError('GET', '/subjects/%00/versions', undefined, 422, 42208, 'control characters');
      await expectError('GET', '/subjects/%E0%A4%A/versions', undefined, 400, 400, 'decode');
      // Still alive and well.
      expect((await http('GET', '/readyz')).status).to.equal(200);
    });

    it('answers config for a subject without its own level with 40408', async () => {
      await expectError('GET', `/config/${prefix}-noconfig`, undefined, 404, 40408, 'does not have subject-level compatibility');
      expect((await http('GET', `/config/${prefix}-noconfig?defaultToGlobal=true`)).json).to.have.property('compatibilityLevel');
    });

    it('serves /, /healthz and /readyz', async () => {
      expect((await http('GET', '/')).json).to.deep.equal({});
      expect((await http('GET', '/healthz')).json).to.deep.equal({ status: 'ok' });
      expect((await http('GET', '/readyz')).json).to.deep.equal({ status: 'ok' });
      await expectError('GET', '/nope', undefined, 404, 404, 'no route');
    });
  });

  describe('when PostgreSQL is unreachable', () => {
    it('reports not ready (503) and answers requests with 50001 instead of crashing', async () => {
      // Port 1 on loopback refuses connections: a store that is down, not a mock of one.
      const deadPool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
      deadPool.on('error', () => undefined);
      const app = createRegistryApp({ store: createRegistryStore({ pool: deadPool }), logger: createLogger('registry-dead', { level: 'silent' }) });
      const dead = createServer(app);
      await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
      try {
        const ready = await fetch(`${base}/readyz`);
        expect(ready.status).to.equal(503);
        expect(((await ready.json()) as ErrorBody).message).to.include('PostgreSQL is not reachable');
        const subjects = await fetch(`${base}/subjects`);
        expect(subjects.status).to.equal(500);
        expect(((await subjects.json()) as ErrorBody).error_code).to.equal(50001);
        expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      } finally {
        dead.closeAllConnections();
        await new Promise((resolve) => dead.close(resolve));
        await deadPool.end();
      }
    });
  });
});
