import { expect } from 'chai';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { createLiveTail, type TailSubscriber } from './live-tail.js';

const collector = (service: string, into: string[]): TailSubscriber => ({
  matches: (event) => event.service === service,
  deliver: (event) => {
    into.push(event.eventId);
    return true;
  },
});

describe('createLiveTail', () => {
  it('fans an event out to every matching subscriber only', () => {
    const tail = createLiveTail({ maxPerOwner: 5 });
    const a: string[] = [];
    const b: string[] = [];
    tail.subscribe('u1', collector('api', a));
    tail.subscribe('u2', collector('db', b));
    tail.publish(sampleEvent(0)); // service api
    tail.publish(sampleEvent(1)); // service db
    expect(a).to.deep.equal(['evt-00000000']);
    expect(b).to.deep.equal(['evt-00000001']);
  });

  it('caps open subscriptions per owner and frees a slot on unsubscribe (twice is harmless)', () => {
    const tail = createLiveTail({ maxPerOwner: 2 });
    const first = tail.subscribe('u1', collector('api', []));
    expect(tail.subscribe('u1', collector('api', []))).to.be.a('function');
    expect(tail.subscribe('u1', collector('api', []))).to.equal(undefined);
    expect(tail.subscribe('u2', collector('api', []))).to.be.a('function');
    first!();
    first!();
    expect(tail.size).to.equal(2);
    expect(tail.subscribe('u1', collector('api', []))).to.be.a('function');
    expect(tail.subscribe('u1', collector('api', []))).to.equal(undefined);
  });
});
