// The OpenSearch sink through the sink runner, on the real Kafka, schema registry and OpenSearch:
// a mapping-rejected document goes to the dead-letter topic with OpenSearch's reason while the rest
// of its batch is stored; and with OpenSearch unreachable for 30 s (a TCP proxy of ours is cut, the
// shared node keeps running) the lag grows, nothing is dead-lettered, and after recovery every
// event is stored exactly once.
import { expect } from 'chai';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import type { SinkRunner } from '../../sinks/runner/sink-runner.js';
import {
  countDocs,
  createSinkTestContext,
  lagOf,
  OPENSEARCH_URL,
  produceEvents,
  readDeadLetters,
  startOpenSearchRunner,
  storedIds,
  type SinkTestContext,
} from './sink-opensearch-harness.js';

describe('OpenSearch sink through the runner (real Kafka + OpenSearch)', function () {
  this.timeout(180_000);

  describe('dead letters', () => {
    let ctx: SinkTestContext;
    let runner: SinkRunner | undefined;
    before(async () => {
      ctx = await createSinkTestContext('dlq');
    });
    after(async () => {
      await runner?.stop();
      await ctx.cleanUp();
    });

    it('dead-letters the mapping-rejected and the unstorable records with their reasons and stores the rest', async () => {
      // An index made by hand with a stricter mapping than the template: latencyMs must be a whole number.
      const conflictDay = Date.UTC(2026, 5, 1);
      await ctx.client.indices.create({
        index: `${ctx.indexPrefix}-2026.06.01`,
        body: { settings: { 'index.mapping.coerce': false, number_of_replicas: 0 }, mappings: { properties: { latencyMs: { type: 'long' } } } },
      });
      const events = Array.from({ length: 3000 }, (_, i) => sampleEvent(i, i % 3 === 0 ? { timestampMs: conflictDay + i, latencyMs: i } : {}));
      const mappingVictim = sampleEvent(900_001, { timestampMs: conflictDay, latencyMs: 12.5 });
      const unstorable = sampleEvent(900_002, { timestampMs: -86_400_000 });
      // In the middle, so both share batches with good records.
      events.splice(1500, 0, mappingVictim, unstorable);
      await produceEvents(ctx, events);

      ({ runner } = await startOpenSearchRunner(ctx));
      await waitFor('3000 documents stored', async () => (await countDocs(ctx)) >= 3000, { timeoutMs: 60_000, intervalMs: 250 });
      await waitFor('2 dead letters settled', () => runner!.stats().deadLettered >= 2, { timeoutMs: 30_000 });

      const letters = await readDeadLetters(ctx);
      expect(letters).to.have.length(2);
      const reasons = letters.map((l) => l.reason).sort();
      expect(reasons[1]).to.equal('rejected by opensearch: not a storable document: timestampMs out of range: -86400000');
      expect(reasons[0]).to.match(/^rejected by opensearch: 400 mapper_parsing_exception: failed to parse field \[latencyMs\] of type \[long\]/);
      for (const letter of letters) expect(letter.sourceTopic).to.equal(ctx.topic);

      const ids = await storedIds(ctx);
      expect(ids.size).to.equal(3000);
      expect(await countDocs(ctx)).to.equal(3000);
      expect(ids.has(mappingVictim.eventId)).to.equal(false);
      expect(ids.has(unstorable.eventId)).to.equal(false);
      for (const event of events) if (event !== mappingVictim && event !== unstorable) expect(ids.has(event.eventId), event.eventId).to.equal(true);
      expect(runner!.stats()).to.include({ stored: 3000, deadLettered: 2 });
    });
  });

  describe('OpenSearch unreachable for 30 s', () => {
    let ctx: SinkTestContext;
    let proxy: TcpProxy;
    let runner: SinkRunner | undefined;
    before(async () => {
      ctx = await createSinkTestContext('outage');
      const target = new URL(OPENSEARCH_URL);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 9200) });
    });
    after(async () => {
      await runner?.stop();
      await proxy.close();
      await ctx.cleanUp();
    });

    it('lets the lag grow, dead-letters nothing, and stores every event exactly once after recovery', async () => {
      const before = Array.from({ length: 4000 }, (_, i) => sampleEvent(i));
      const during = Array.from({ length: 6000 }, (_, i) => sampleEvent(10_000 + i, { timestampMs: Date.UTC(2026, 0, 3) + i }));
      await produceEvents(ctx, before);
      const started = await startOpenSearchRunner(ctx, { url: `http://127.0.0.1:${proxy.port}`, requestTimeoutMs: 5000 });
      runner = started.runner;
      await waitFor('the first 4000 stored', async () => (await countDocs(ctx)) === 4000, { timeoutMs: 60_000, intervalMs: 250 });

      await proxy.cut();
      const cutAt = Date.now();
      await produceEvents(ctx, during);
      await waitFor('the lag to show the 6000 new events', async () => (await lagOf(started.registry)) >= 6000, { timeoutMs: 20_000, intervalMs: 250 });
      // The outage lasts 30 s: the sink keeps failing and retrying all along.
      let maxLag = 0;
      await waitFor('30 s of outage', async () => {
        maxLag = Math.max(maxLag, await lagOf(started.registry));
        return Date.now() - cutAt >= 30_000;
      }, { timeoutMs: 40_000, intervalMs: 1000 });
      expect(maxLag).to.equal(6000);
      expect(await countDocs(ctx)).to.equal(4000);
      expect(runner.stats().deadLettered).to.equal(0);
      expect(runner.stats().retries).to.be.greaterThan(2);

      await proxy.restore();
      await waitFor('all 10000 stored', async () => (await countDocs(ctx)) === 10_000, { timeoutMs: 90_000, intervalMs: 500 });
      await waitFor('the lag back to 0', async () => (await lagOf(started.registry)) === 0, { timeoutMs: 30_000, intervalMs: 250 });

      const ids = await storedIds(ctx);
      expect(ids.size).to.equal(10_000);
      for (const event of [...before, ...during]) expect(ids.has(event.eventId), event.eventId).to.equal(true);
      expect(await readDeadLetters(ctx)).to.deep.equal([]);
      expect(runner.stats().deadLettered).to.equal(0);
      expect(runner.stats().stored + runner.stats().duplicates).to.be.at.least(10_000);
    });
  });
});
