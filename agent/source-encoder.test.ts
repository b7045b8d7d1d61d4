import { expect } from 'chai';
import { agentConfigSchema } from './config.js';
import type { RawLogEvent } from './raw-event.js';
import type { Shipment } from './shipper/shipment.js';
import { SourceEncoder, type InputLine } from './source-encoder.js';

function setup(multiline: boolean | Record<string, unknown>, parser?: Record<string, unknown>): { encoder: SourceEncoder; shipments: Shipment[]; events: RawLogEvent[] } {
  const multilineConfig = multiline === true ? { preset: 'java', timeoutMs: 50 } : multiline === false ? undefined : multiline;
  const config = agentConfigSchema.parse({ sources: [{ type: 'file', id: 'app', include: ['/x/*.log'], labels: { service: 'svc' }, ...(multilineConfig ? { multiline: multilineConfig } : {}), ...(parser ? { parser } : {}) }] });
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

  describe('CRI partial lines', () => {
    const T = '2026-12-01T10:00:00.000000001Z';
    const T2 = '2026-12-01T10:00:01.000000001Z';

    for (const format of ['cri', 'auto']) {
      it(`${format}: P chunks split across batches become one event up to the F line; every line acknowledged once`, async () => {
        const { encoder, shipments, events } = setup(false, { format });
        const first = lines([`${T} stdout P {"level":"error","msg":"lo`, `${T} stderr F side note`]);
        const second = lines([`${T2} stdout F ng line"}`, `${T2} stdout F {"msg":"after"}`], first[1]?.nextOffset ?? 0);
        await encoder.submit(first);
        expect(events).to.have.length(0);
        await encoder.submit(second);
        expect(events.map((e) => [e.line, e.eventId, e.source.offset, e.parsedFields['message'], e.parsedFields['stream'], e.level])).to.deep.equal([
          [`${T} stdout F {"level":"error","msg":"long line"}`, 'id-0-0', 0, 'long line', 'stdout', 'ERROR'],
          [`${T} stderr F side note`, 'id-0-1', first[1]?.offset, 'side note', 'stderr', null],
          [`${T2} stdout F {"msg":"after"}`, `id-${first[1]?.nextOffset}-1`, second[1]?.offset, 'after', 'stdout', null],
        ]);
        expect(events[0]?.eventTimestampMs).to.equal(Date.parse('2026-12-01T10:00:00.000Z'));
        expect(shipments.flatMap((sh) => sh.acks)).to.deep.equal([{ streamId: 's', offset: 0, nextOffset: second[1]?.nextOffset }]);
        expect(shipments.reduce((n, sh) => n + sh.lines, 0)).to.equal(4);
      });
    }

    it('a pending partial is shipped as it is by the timeout flush, marked partial', async () => {
      let clock = 1000;
      const { encoder, events, shipments } = setup({ preset: 'java', timeoutMs: 50 }, { format: 'cri' });
      (encoder as unknown as { now: () => number }).now = () => clock;
      const input = lines([`${T} stdout P 2026-12-01 10:00:00 ERROR half`]);
      await encoder.submit(input);
      await encoder.flushPending();
      expect(events).to.have.length(0);
      clock += 60;
      await encoder.flushPending();
      expect(events.map((e) => [e.line, e.parsedFields['partial'], e.level])).to.deep.equal([[input[0]?.text, 'true', 'ERROR']]);
      expect(shipments.flatMap((sh) => sh.acks)).to.deep.equal([{ streamId: 's', offset: 0, nextOffset: input[0]?.nextOffset }]);
    });

    it('with multiline on top, joined CRI lines count their physical lines and truncation', async () => {
      const { encoder, events, shipments } = setup({ startPattern: 'stdout F \\d{4}-', timeoutMs: 50 }, { format: 'cri' });
      const input = lines([`${T} stdout P 2026-12-01 10:00:00 ERROR bo`, `${T} stdout F om`, `${T} stdout F \tat a.B.c(B.java:1)`, `${T} stdout F 2026-12-01 10:00:01 INFO next`]);
      const second = input[1];
      if (second) second.truncated = true;
      await encoder.submit(input, undefined, true);
      expect(events.map((e) => [e.line, e.truncated])).to.deep.equal([
        [`${T} stdout F 2026-12-01 10:00:00 ERROR boom\n${T} stdout F \tat a.B.c(B.java:1)`, true],
        [`${T} stdout F 2026-12-01 10:00:01 INFO next`, false],
      ]);
      expect(shipments.reduce((n, sh) => n + sh.lines, 0)).to.equal(4);
      expect(shipments.flatMap((sh) => sh.acks)).to.deep.equal([{ streamId: 's', offset: 0, nextOffset: input[3]?.nextOffset }]);
    });

    it('json format does not join: a P line is its own event', async () => {
      const { encoder, events } = setup(false, { format: 'json' });
      await encoder.submit(lines([`${T} stdout P a`, `${T} stdout F b`]));
      expect(events.map((e) => e.line)).to.deep.equal([`${T} stdout P a`, `${T} stdout F b`]);
    });
  });
});
