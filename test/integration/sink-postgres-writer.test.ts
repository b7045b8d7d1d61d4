/**
 * The log_events writer against the real PostgreSQL with both load methods (COPY through a
 * staging table, and unnest arrays): per-record outcomes (stored, duplicate within the batch and
 * across batches, rejected), text with tabs, newlines, backslashes and NUL intact or cleaned, and
 * a data error classified as non-retriable while a dead server is retriable.
 */
import { expect } from 'chai';
import { createLogger } from '../../lib/logger.js';
import { isRetriable } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { postgresSinkConfigSchema } from '../../sinks/postgres/config.js';
import { createLogEventsWriter, createPostgresStore } from '../../sinks/postgres/index.js';
import type { SinkRecord } from '../../sinks/runner/sink-writer.js';
import { createDatabase, dropDatabase, enrichedEvent, queryOnce, uniqueName } from './sink-test-kit.js';

const logger = createLogger('writer-it', { level: 'silent' });
const BASE = Date.now();

function records(events: EnrichedLogEvent[]): SinkRecord<EnrichedLogEvent>[] {
  return events.map((value, i) => ({ topic: 't', partition: 0, offset: String(i), key: null, value, timestampMs: value.timestampMs }));
}

for (const loadMethod of ['copy', 'unnest'] as const) {
  describe(`log_events writer (${loadMethod})`, function () {
    this.timeout(60_000);
    const run = uniqueName(`it_sink_pg_writer_${loadMethod}`);
    let url: string;

    before(async () => {
      url = await createDatabase(run);
    });

    after(async () => {
      await dropDatabase(run);
    });

    it('reports stored, duplicate and rejected per record, and keeps awkward text intact', async () => {
      const store = createPostgresStore({ config: postgresSinkConfigSchema.parse({ url, loadMethod }), logger });
      const writer = createLogEventsWriter({ store, logger });
      await writer.start();
      const awkward = { ...enrichedEvent(run, 1, BASE), host: 'tab\there\nnew\\line\u0000nul', traceId: '\\N' };
      const first = await writer.write(records([enrichedEvent(run, 0, BASE), awkward, enrichedEvent(run, 0, BASE), { ...enrichedEvent(run, 2, BASE), eventId: '' }]));
      expect(first.map((r) => r.status)).to.deep.equal(['stored', 'stored', 'duplicate', 'rejected']);
      const second = await writer.write(records([enrichedEvent(run, 1, BASE), enrichedEvent(run, 3, BASE)]));
      expect(second.map((r) => r.status)).to.deep.equal(['duplicate', 'stored']);
      const [row] = await queryOnce<{ host: string; trace_id: string }>(url, 'SELECT host, trace_id FROM log_events WHERE event_id = $1', [awkward.eventId]);
      expect(row).to.deep.equal({ host: 'tab\there\nnew\\line\uFFFDnul', trace_id: '\\N' });
      const [count] = await queryOnce<{ n: string }>(url, 'SELECT count(*) AS n FROM log_events');
      expect(Number(count!.n)).to.equal(3);
      await writer.close();
    });

    it('calls an unreachable server retriable', async () => {
      const dead = new URL(url);
      dead.port = '1';
      const store = createPostgresStore({ config: postgresSinkConfigSchema.parse({ url: dead.toString(), loadMethod, connectionTimeoutMs: 500, runMigrations: false }), logger });
      const writer = createLogEventsWriter({ store, logger });
      let thrown: unknown;
      try {
        await writer.write(records([enrichedEvent(run, 9, BASE)]));
      } catch (error) {
        thrown = error;
      }
      expect(isRetriable(thrown)).to.equal(true);
      await writer.close();
    });
  });
}
