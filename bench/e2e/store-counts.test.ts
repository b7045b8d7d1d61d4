import { expect } from 'chai';
import { postgresWindow } from './store-counts.js';

describe('postgresWindow', () => {
  it('starts at the whole second (second-precision formats floor their stamp) and includes the last ms', () => {
    const window = postgresWindow({ tag: 'bench_step=e2e1', fromMs: Date.UTC(2026, 11, 1, 10, 0, 0, 750), toMs: Date.UTC(2026, 11, 1, 10, 1, 0, 250) });
    expect(window.from.toISOString()).to.equal('2026-12-01T10:00:00.000Z');
    expect(window.to.toISOString()).to.equal('2026-12-01T10:01:00.251Z');
  });
});
