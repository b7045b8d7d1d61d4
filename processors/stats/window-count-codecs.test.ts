import { expect } from 'chai';
import { z } from 'zod';
import { SerializationError } from '../../topology/index.js';
import { cellKey, latencyCellSerde, NO_LATENCY_BIN, parseCellKey } from './latency-cell.js';
import { latencyBin, LatencySketch, ZERO_BIN } from './latency-sketch.js';
import { readValidatedJsonSerde } from './read-validated-json-serde.js';
import { mergeSamples, offerSample, type SampleList } from './sample-set.js';
import { parseWindowStoreKey, rollupKey, sampleKey } from './window-store-value.js';

describe('window-count codecs and helpers', () => {
  it('latency cells round-trip in 32 bytes; other lengths and non-finite counts are SerializationErrors', () => {
    const bytes = latencyCellSerde.serialize('t', [3, 12.5, 7.25, 1_700_000_000_123])!;
    expect(bytes.length).to.equal(32);
    expect(latencyCellSerde.deserialize('t', bytes)).to.deep.equal([3, 12.5, 7.25, 1_700_000_000_123]);
    expect(latencyCellSerde.serialize('t', null)).to.equal(null);
    expect(() => latencyCellSerde.deserialize('t', Buffer.alloc(31))).to.throw(SerializationError, '32 bytes');
    const nan = Buffer.alloc(32);
    nan.writeDoubleLE(Number.NaN, 0);
    expect(() => latencyCellSerde.deserialize('t', nan)).to.throw(SerializationError, 'non-finite');
    const negative = Buffer.alloc(32);
    negative.writeDoubleLE(-1, 0);
    expect(() => latencyCellSerde.deserialize('t', negative)).to.throw(SerializationError);
  });

  it('cell keys keep any service name and reject garbage', () => {
    const service = 'a\u0001b|c';
    expect(parseCellKey(cellKey(10_000, 5, 343, service))).to.deep.equal({ windowStartMs: 10_000, levelIndex: 5, bin: 343, service });
    expect(parseCellKey(cellKey(0, 2, NO_LATENCY_BIN, ''))).to.deep.equal({ windowStartMs: 0, levelIndex: 2, bin: NO_LATENCY_BIN, service: '' });
    expect(parseCellKey(cellKey(0, 2, ZERO_BIN, 's'))?.bin).to.equal(ZERO_BIN);
    for (const bad of ['', 'x', '1\u00012', 'a\u00011\u00011\u0001s', '1\u0001x\u00011\u0001s', '1\u00011\u00011.5\u0001s']) expect(parseCellKey(bad), JSON.stringify(bad)).to.equal(undefined);
  });

  it('window store keys round-trip and reject garbage', () => {
    expect(parseWindowStoreKey(sampleKey(20_000, 'a"b', 'w', 'evt-1'))).to.deep.equal({ kind: 'sample', windowStartMs: 20_000, service: 'a"b', list: 'w' });
    expect(parseWindowStoreKey(rollupKey(60_000, 0, 'svc'))).to.deep.equal({ kind: 'rollup', windowSizeMs: 60_000, windowStartMs: 0, service: 'svc' });
    for (const bad of ['c', '{', '[]', '["s",1,"x","q","1"]', '["r","1",0,"s"]', '"s"']) expect(parseWindowStoreKey(bad), bad).to.equal(undefined);
  });

  it('the read-validated JSON serde refuses malformed and mismatching bytes', () => {
    const serde = readValidatedJsonSerde(z.object({ n: z.number() }).strict());
    expect(serde.deserialize('t', serde.serialize('t', { n: 1 }))).to.deep.equal({ n: 1 });
    expect(() => serde.deserialize('t', Buffer.from('{"n":'))).to.throw(SerializationError, 'malformed JSON');
    expect(() => serde.deserialize('t', Buffer.from('{"n":"1"}'))).to.throw(SerializationError, 'does not match');
  });

  it('latency bins are the sketch keys; zero and tiny values share the zero bin; sketches merge', () => {
    expect(latencyBin(0)).to.equal(ZERO_BIN);
    expect(latencyBin(1e-320)).to.equal(ZERO_BIN);
    expect(latencyBin(100)).to.be.below(latencyBin(103)); // bins are about 2% wide (1% relative accuracy)
    const a = LatencySketch.fromBins([{ bin: latencyBin(10), count: 99 }, { bin: ZERO_BIN, count: 1 }], 990, 10);
    const b = LatencySketch.empty();
    for (let i = 0; i < 100; i++) b.add(1_000);
    a.merge(b);
    expect(a.count).to.equal(200);
    expect(a.quantile(0)).to.equal(0);
    expect(Math.abs(a.quantile(0.25) - 10) / 10).to.be.at.most(0.01);
    expect(Math.abs(a.quantile(0.99) - 1_000) / 1_000).to.be.at.most(0.01);
    expect(LatencySketch.empty().quantiles()).to.equal(undefined);
  });

  it('samples report single changes, evict the fastest of the slowest, and merge in window order', () => {
    const samples = { errors: [], slowest: [], first: [] };
    const changes: [SampleList, string, string | null][] = [];
    const offer = (id: string, isError: boolean, latency: number | null) =>
      offerSample(samples, isError, latency, () => ({ eventId: id, timestampMs: 0, host: 'h', level: isError ? 'ERROR' : 'INFO', message: id, latencyMs: latency }), (list, slot, s) => changes.push([list, slot, s?.eventId ?? null]));
    for (let i = 1; i <= 6; i++) offer(`a${i}`, false, i);
    changes.length = 0;
    offer('slow', true, 100);
    offer('fast', false, 0.5);
    expect(changes).to.deep.equal([
      ['e', '0', 'slow'],
      ['w', 'a2', null],
      ['w', 'slow', 'slow'],
    ]);
    expect(samples.slowest.map((s: { eventId: string }) => s.eventId)).to.deep.equal(['slow', 'a6', 'a5', 'a4', 'a3']);
    const into = { errors: [], slowest: [], first: [] };
    mergeSamples(into, samples);
    mergeSamples(into, { errors: [], first: [], slowest: [{ eventId: 'x', timestampMs: 0, host: 'h', level: 'INFO', message: '', latencyMs: 50 }] });
    expect(into.slowest.map((s: { eventId: string }) => s.eventId)).to.deep.equal(['slow', 'x', 'a6', 'a5', 'a4']);
    expect(into.first.map((s: { eventId: string }) => s.eventId)).to.deep.equal(['a1', 'a2', 'a3', 'a4', 'a5']);
  });
});
