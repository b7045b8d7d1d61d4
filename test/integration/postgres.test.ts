import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { ServiceUnavailableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { checkPostgres, createPgPool, type PgPool } from '../../lib/postgres.js';
import { ensureTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

function capturingLogger(): { logger: Logger; text: () => string; lines: () => Array<Record<string, unknown>> } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return {
    logger: pino({ base: { component: 'postgres-it' } }, stream),
    text: () => text,
    lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('integration: lib/postgres', function () {
  this.timeout(30_000);
  const table = `lib_pg_it_${randomBytes(4).toString('hex')}`;
  let pool: PgPool;
  let capture: ReturnType<typeof capturingLogger>;

  before(async () => {
    await ensureTestDatabase(PG_URL);
    capture = capturingLogger();
    pool = createPgPool({ url: PG_URL, max: 4, statementTimeoutMs: 300, applicationName: 'sawmill-lib-it', logger: capture.logger });
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, note text NOT NULL)`);
  });

  after(async () => {
    await pool?.query(`DROP TABLE IF EXISTS ${table}`);
    await pool?.end();
  });

  it('passes its readiness check and sets application_name and statement_timeout on the connection', async () => {
    await checkPostgres(pool);
    const { rows } = await pool.query<{ app: string; timeout: string; db: string }>(
      "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout, current_database() AS db",
    );
    expect(rows[0]).to.deep.equal({ app: 'sawmill-lib-it', timeout: '300ms', db: new URL(PG_URL).pathname.slice(1) });
  });

  it('commits a transaction that another connection then reads', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} (id, note) VALUES ($1, $2)`, [1, 'committed']);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      const { rows } = await other.query(`SELECT id, note FROM ${table} WHERE id = 1`);
      expect(rows).to.deep.equal([{ id: 1, note: 'committed' }]);
    } finally {
      await other.end();
    }
  });

  it('rolls back: the row is visible inside the transaction only, and gone after ROLLBACK', async () => {
    const client = await pool.connect();
    const observer = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ${table} (id, note) VALUES ($1, $2)`, [2, 'rolled back']);
      const inside = await client.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 2`);
      expect(inside.rows[0]).to.deep.equal({ n: 1 });
      const outside = await observer.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 2`);
      expect(outside.rows[0]).to.deep.equal({ n: 0 });
      await client.query('ROLLBACK');
      const after = await observer.query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 2`);
      expect(after.rows[0]).to.deep.equal({ n: 0 });
      const afterSame = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(afterSame.rows[0]).to.deep.equal({ n: 1 }); // only the committed row of the previous test
    } finally {
      client.release();
      observer.release();
    }
  });

  it('cancels a statement that runs past statementTimeoutMs', async () => {
    const started = Date.now();
    const error = await pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
    expect((error as { code?: string }).code).to.equal('57014'); // query_canceled
    expect(Date.now() - started).to.be.below(3000);
  });

  it('logs an idle connection killed by the server instead of crashing, then reconnects', async () => {
    const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid;
    expect(pid).to.be.a('number');
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await waitFor(
      'the pool error log line',
      () => capture.lines().some((l) => l['msg'] === 'postgres idle connection failed; it was dropped from the pool'),
      { timeoutMs: 10_000, intervalMs: 25 },
    );
    await checkPostgres(pool);
  });

  it('fails its readiness check with ServiceUnavailableError when the server is unreachable, never logging the password', async () => {
    const secret = `pw-${randomBytes(6).toString('hex')}`;
    const { logger, text } = capturingLogger();
    const dead = createPgPool({
      url: `postgres://sawmill:${secret}@127.0.0.1:1/sawmill_test`,
      applicationName: 'sawmill-lib-it-dead',
      logger,
      connectionTimeoutMs: 1000,
    });
    try {
      const error = await checkPostgres(dead, { timeoutMs: 3000 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).retriable).to.equal(true);
      expect((error as Error).message).to.match(/^postgres is not available: .*ECONNREFUSED/);
      expect((error as Error).message).not.to.include(secret);
      expect(text()).to.include('postgres pool created');
      expect(text()).to.include('sawmill:[redacted]@127.0.0.1:1');
      expect(text()).not.to.include(secret);
    } finally {
      await dead.end();
    }
  });
});
