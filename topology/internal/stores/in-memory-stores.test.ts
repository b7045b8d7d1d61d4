import { expect } from 'chai';
import { Serdes } from '../../index.js';
import type { OutgoingRecord } from '../stream-task.js';
import { ChangeLogger } from './changelogging-store.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import { InMemoryWindowStore } from './in-memory-window-store.js';

const S = Serdes.String();
const N = Serdes.Json<number>();

function logger(sent: OutgoingRecord[], topic: string) {
  return new ChangeLogger('s', topic, 3, { send: (r) => sent.push(r) }, () => 77);
}

describe('in-memory stores', () => {
  it('key-value store: get/put/delete, iteration in key-byte order, range inclusive', () => {
    const store = new InMemoryKeyValueStore('s', S, N, 't');
    for (const [k, v] of [['b', 2], ['a', 1], ['d', 4], ['c', 3]] as const) store.put(k, v);
    expect([...store.all()].map(([k]) => k)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect([...store.range('b', 'c')]).to.deep.equal([
      ['b', 2],
      ['c', 3],
    ]);
    expect(store.delete('b')).to.equal(2);
    expect(store.get('b')).to.equal(undefined);
    store.put('a', null);
    expect(store.approximateNumEntries()).to.equal(2);
  });

  it('key-value store logs every write (null value for deletes) to its changelog partition', () => {
    const sent: OutgoingRecord[] = [];
    const store = new InMemoryKeyValueStore('s', S, N, 'app-s-changelog', logger(sent, 'app-s-changelog'));
    store.put('a', 1);
    store.delete('a');
    expect(sent.map((r) => [r.topic, r.partition, r.key?.toString(), r.value?.toString() ?? null, r.timestamp])).to.deep.equal([
      ['app-s-changelog', 3, 'a', '1', 77],
      ['app-s-changelog', 3, 'a', null, 77],
    ]);
  });

  it('window store: fetch one window or a range, all() ordered by window then key', () => {
    const store = new InMemoryWindowStore('w', 10, 1000, S, N, 't');
    store.put('b', 1, 0);
    store.put('a', 2, 0);
    store.put('a', 3, 10);
    expect(store.fetch('a', 10)).to.equal(3);
    expect(store.fetch('a', 0, 10)).to.deep.equal([
      { windowStartMs: 0, value: 2 },
      { windowStartMs: 10, value: 3 },
    ]);
    expect(store.all().map(([w, v]) => [w.key, w.startMs, w.endMs, v])).to.deep.equal([
      ['a', 0, 10, 2],
      ['b', 0, 10, 1],
      ['a', 10, 20, 3],
    ]);
  });

  it('window store expires windows older than the retention and ignores writes to them', () => {
    const store = new InMemoryWindowStore('w', 10, 30, S, N, 't');
    store.put('a', 1, 0);
    store.put('a', 1, 20);
    expect(store.fetch('a', 0)).to.equal(1);
    store.put('a', 1, 30); // 0 <= 30 - 30: expired
    expect(store.fetch('a', 0)).to.equal(undefined);
    store.put('a', 5, 0);
    expect(store.fetch('a', 0)).to.equal(undefined);
  });

  it('window store restore rebuilds from its own changelog records', () => {
    const sent: OutgoingRecord[] = [];
    const original = new InMemoryWindowStore('w', 10, 100, S, N, 't', logger(sent, 't'));
    original.put('a', 1, 0);
    original.put('a', 2, 0);
    original.put('b', 7, 10);
    original.put('b', null, 10);
    original.put('c', 4, 20);
    const copy = new InMemoryWindowStore('w', 10, 100, S, N, 't');
    expect(copy.restore(sent)).to.equal(5);
    expect(copy.all()).to.deep.equal(original.all());
  });
});
