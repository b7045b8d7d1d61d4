import { expect } from 'chai';
import { agentConfigSchema } from './config.js';
import type { RawLogEvent } from './raw-event.js';
import type { Shipment } from './shipper/shipment.js';
import { SourceEncoder, type InputLine } from './source-encoder.js';

function setup(multiline: boolean): { encoder: SourceEncoder; shipments: Shipment[]; events: RawLogEvent[] } {
  const config = agentConfigSchema.parse({ sources: [{ type: 'file', id: 'app', include: ['/x/*.log'], labels: { service: 'svc' }, ...(multiline ? { multiline: { preset: 'java', timeoutMs: 50 } } : {}) }] });
  const source = config.sources[0];
  if (!source) throw new Error('no source');
  const shipments: Shipment[] = [];
  const events: RawLogEvent[] = [];
  let seq = 0;
  const encoder = new SourceEncoder({
    source,
    kind: 'file',
    agentId: 'a',
    host: 'h',
    encode: (event) => {
      events.push(event);
      return { key: `${event.host}/${event.service}`, value: Buffer.from(event.line) };
    },
    accept: async (shipment) => {
      shipments.push(shipment);
    },
    nextSequence: () => seq++,
  });
  return { encoder, shipments, events };
}

function lines(texts: string[], start = 0): InputLine[] {
  let offset = start;
  return texts.map((text, i) => {
    const line = { streamId: 's', offset, nextOffset: offset + Buffer.byteLength(text) + 1, text, truncated: false, eventId: `id-${start}-${i}` };
    offset = line.nextOffset;
    return line;
  });
}

describe('SourceEncoder', () => {
  it('one event per line, with one merged acknowledgement range', async () => {
    const { encoder, shipments, events } = setup(false);
    const input = lines(['2026-12-01 10:00:00 INFO a', '2026-12-01 10:00:01 WARN b']);
    await encoder.submit(input);
    expect(events.map((e) => e.eventId)).to.deep.equal(['id-0-0', 'id-0-1']);
    expect(shipments[0]?.acks).to.deep.equal([{ streamId: 's', offset: 0, nextOffset: input[1]?.nextOffset }]);
    expect(shipments[0]?.lines).to.equal(2);
  });

  it('multiline: a stack trace split across two batches is one event; every line is acknowledged once', async () => {
    const { encoder, shipments, events } = setup(true);
    const first = lines(['2026-12-01 10:00:00 ERROR boom', 'java.lang.RuntimeException: x']);
    const second = lines(['\tat a.B.c(B.java:1)', '2026-12-01 10:00:02 INFO next'], first[1]?.nextOffset ?? 0);
    await encoder.submit(first);
    expect(shipments).to.have.length(0);
    await encoder.submit(second);
    expect(events).to.have.length(1);
    expect(events[0]?.line.split('\n')).to.have.length(3);
    expect(events[0]?.level).to.equal('ERROR');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await encoder.flushPending();
    expect(events).to.have.length(2);
    const acked = shipments.flatMap((s) => s.acks);
    expect(acked).to.deep.equal([
      { streamId: 's', offset: 0, nextOffset: second[0]?.nextOffset },
      { streamId: 's', offset: second[1]?.offset, nextOffset: second[1]?.nextOffset },
    ]);
    expect(shipments.reduce((n, s) => n + s.lines, 0)).to.equal(4);
  });
});
