/**
 * Daily partitions of log_events on the real PostgreSQL, with a test clock: created ahead of
 * time, created on demand (rows that waited in DEFAULT are moved into the new partition), dropped
 * by retention, and never created for days outside the window (a hostile timestamp lands in
 * DEFAULT instead of creating a table).
 */
import { expect } from 'chai';
import pg from 'pg';
import { createLogger } from '../../lib/logger.js';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import { dayOf, PartitionManager } from '../../sinks/postgres/partition-manager.js';
import { createDatabase, dropDatabase, uniqueName } from './sink-test-kit.js';

const DAY = 86_400_000;

describe('log_events partitions', function () {
  this.timeout(60_000);
  const database = uniqueName('it_sink_pg_parts');
  let pool: pg.Pool;
  let now = Date.UTC(2026, 11, 1, 10, 0);
  let manager: PartitionManager;

  const partitions = async (): Promise<string[]> =>
    (await pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'log_events' ORDER BY 1",
    )).rows.map((row) => row.name);
  const insert = (id: string, ts: number): Promise<unknown> =>
    pool.query("INSERT INTO log_events VALUES ($1, $2, 'h', 's', 'INFO', 'p', NULL, NULL, 'i', now())", [id, new Date(ts).toISOString()]);
  const partitionOf = async (id: string): Promise<string> =>
    (await pool.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM log_events WHERE event_id = $1', [id])).rows[0]!.part;

  before(async () => {
    pool = new pg.Pool({ connectionString: await createDatabase(database), max: 2 });
    await runMigrations(pool);
    manager = new PartitionManager({ pool, logger: createLogger('parts-it', { level: 'silent' }), daysAhead: 3, retentionDays: 2, now: () => now });
  });

  after(async () => {
    await pool.end();
    await dropDatabase(database);
  });

  it('creates today and 3 days ahead, once', async () => {
    expect(await manager.maintain()).to.deep.equal({ created: ['log_events_p20261201', 'log_events_p20261202', 'log_events_p20261203', 'log_events_p20261204'], dropped: [] });
    expect((await manager.maintain()).created).to.deep.equal([]);
    expect(await partitions()).to.deep.equal(['log_events_default', 'log_events_p20261201', 'log_events_p20261202', 'log_events_p20261203', 'log_events_p20261204']);
  });

  it('keeps rows of days outside the window in DEFAULT and moves them when their day gets a partition', async () => {
    await manager.ensure([dayOf(Date.UTC(2026, 11, 10)), dayOf(Date.UTC(2999, 0, 1))]);
    expect(await partitions()).to.have.length(5);
    await insert('later', Date.UTC(2026, 11, 10, 8));
    await insert('far', Date.UTC(2999, 0, 1));
    expect(await partitionOf('later')).to.equal('log_events_default');

    now += 8 * DAY; // 2026-12-09: 12-10 is now in the window
    await manager.ensure([dayOf(Date.UTC(2026, 11, 10))]);
    expect(await partitionOf('later')).to.equal('log_events_p20261210');
    expect(await partitionOf('far')).to.equal('log_events_default');
  });

  it('drops partitions older than the retention', async () => {
    await insert('old', Date.UTC(2026, 11, 2, 5));
    const { created, dropped } = await manager.maintain();
    expect(created).to.deep.equal(['log_events_p20261209', 'log_events_p20261211', 'log_events_p20261212']);
    expect(dropped.sort()).to.deep.equal(['log_events_p20261201', 'log_events_p20261202', 'log_events_p20261203', 'log_events_p20261204']);
    const { rows } = await pool.query('SELECT event_id FROM log_events ORDER BY 1');
    expect(rows.map((row: { event_id: string }) => row.event_id)).to.deep.equal(['far', 'later']);
  });
});
