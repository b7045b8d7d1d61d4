import { expect } from 'chai';
import { eventId } from './event-id.js';

describe('event-id', () => {
  it('is a version 8 UUID that depends only on agent, stream and offset', () => {
    const id = eventId('agent-1', 'stream-a', 42);
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId('agent-1', 'stream-a', 42)).to.equal(id);
    expect(eventId('agent-2', 'stream-a', 42)).to.not.equal(id);
    expect(eventId('agent-1', 'stream-b', 42)).to.not.equal(id);
    expect(eventId('agent-1', 'stream-a', 43)).to.not.equal(id);
    // No ambiguity between fields: moving characters across the separator changes the id.
    expect(eventId('agent-1', 'stream-a4', 2)).to.not.equal(id);
  });

  it('gives 20,000 offsets 20,000 distinct ids', () => {
    const ids = new Set<string>();
    for (let offset = 0; offset < 20_000; offset += 1) ids.add(eventId('a', 's', offset));
    expect(ids.size).to.equal(20_000);
  });
});
