import { expect } from 'chai';
import { OffsetTracker } from './offset-tracker.js';

describe('OffsetTracker', () => {
  it('keeps the next position per partition and is clean after committing it', () => {
    const tracker = new OffsetTracker();
    expect(tracker.dirty).to.equal(false);
    tracker.processed('in', 0, '4');
    tracker.processed('in', 0, '5');
    tracker.processed('in', 1, '9');
    const offsets = tracker.uncommitted();
    expect(offsets).to.deep.equal([{ topic: 'in', partition: 0, offset: '6' }, { topic: 'in', partition: 1, offset: '10' }]);
    tracker.committed(offsets);
    expect(tracker.dirty).to.equal(false);
  });

  it('keeps a position that moved again while its commit was in flight', () => {
    const tracker = new OffsetTracker();
    tracker.processed('in', 0, '1');
    const offsets = tracker.uncommitted();
    tracker.processed('in', 0, '2');
    tracker.committed(offsets);
    expect(tracker.uncommitted()).to.deep.equal([{ topic: 'in', partition: 0, offset: '3' }]);
    tracker.reset();
    expect(tracker.dirty).to.equal(false);
  });
});
