/**
 * Compile-time checks of the DSL types (never executed: `tsc --noEmit` verifies it). Each
 * `@ts-expect-error` line must fail to compile; if a type regression made it compile, tsc reports
 * the unused directive and the typecheck fails.
 */
import { Serdes, StreamsBuilder, TimeWindows, type KStream, type Processor, type ProcessorContext, type Record, type Serde, type Windowed } from './index.js';

declare const builder: StreamsBuilder;
declare const numberSerde: Serde<number>;
const S = Serdes.String();

const events = builder.stream('events', { keySerde: S, valueSerde: Serdes.Json<{ level: string; bytes: number }>() });

// Types flow through: value is the JSON type, key a string.
const levels: KStream<string, string> = events.mapValues((e) => e.level);
const sizes: KStream<string, number> = events.mapValues((e) => e.bytes);
const rekeyed: KStream<number, string> = events.map((_k, e) => [e.bytes, e.level]);

// @ts-expect-error a mapper taking a number where the value is an object
events.mapValues((n: number) => n + 1);
// @ts-expect-error a predicate reading a property the value does not have
events.filter((_k, e) => e.missing > 0);
// @ts-expect-error the key is a string, not a number
events.selectKey((k: number) => k);
// @ts-expect-error a serde of the wrong value type at a sink
sizes.to('out', { valueSerde: S });
// @ts-expect-error a serde of the wrong key type at a sink
rekeyed.to('out', { keySerde: S, valueSerde: S });
// @ts-expect-error the stream's types no longer match after mapValues
const wrong: KStream<string, string> = sizes;
// @ts-expect-error merging streams of different value types
levels.merge(sizes);
// @ts-expect-error source serdes fix the types: a number serde cannot read into a string stream
const typedSource: KStream<string, string> = builder.stream('x', { keySerde: S, valueSerde: numberSerde });
// @ts-expect-error groupBy with a key serde of the wrong type
events.groupBy((_k, e) => e.bytes, { keySerde: S });
// @ts-expect-error aggregate with a value serde that does not match the aggregate type
events.groupByKey().windowedBy(TimeWindows.ofSizeWithGrace(1000, 0)).aggregate(() => 0, (_k, e, total) => total + e.bytes, { valueSerde: S });

// Windowed keys carry the window.
const counts = events.groupByKey().windowedBy(TimeWindows.ofSizeWithGrace(1000, 0)).count().suppress('untilWindowCloses');
counts.toStream().mapValues((n, w: Windowed<string>) => `${w.key}@${w.startMs}:${n + 1}`);
// @ts-expect-error the count is a number
counts.toStream().mapValues((n: string) => n);
// @ts-expect-error suppress exists only on windowed tables
events.groupByKey().count().suppress('untilWindowCloses');
// @ts-expect-error unknown suppression mode
counts.suppress('eventually');

// Branch names are typed.
const branches = events.split().branch((_k, e) => e.level === 'error', { name: 'errors' }).defaultBranch();
branches.errors.to('errors');
branches.default.to('rest');
// @ts-expect-error no branch of that name
branches.warnings.to('warnings');

// Stream-table join: the table's key type must match, the joiner sees both value types.
const rules = builder.table('rules', { keySerde: S, valueSerde: Serdes.Json<{ threshold: number }>() });
events.join(rules, (e, rule) => e.bytes > rule.threshold);
events.leftJoin(rules, (e, rule) => e.bytes > (rule?.threshold ?? 0));
// @ts-expect-error the left join may see no table row: rule can be null
events.leftJoin(rules, (e, rule) => e.bytes > rule.threshold);
// @ts-expect-error the table is keyed by string, this stream by number
rekeyed.join(rules, (v) => v);

// Custom processors: input types must match the stream, forward must use the output types.
class Doubler implements Processor<string, number, string, number> {
  private context!: ProcessorContext<string, number>;
  init(context: ProcessorContext<string, number>): void {
    this.context = context;
  }
  process(record: Record<string, number>): void {
    this.context.forward({ ...record, value: (record.value ?? 0) * 2 });
    // @ts-expect-error forwarding a string value from a processor whose output values are numbers
    this.context.forward({ ...record, value: 'x' });
  }
}
const doubled: KStream<string, number> = sizes.process(() => new Doubler());
// @ts-expect-error the processor expects number values, the stream carries strings
levels.process(() => new Doubler());

export { doubled, wrong, typedSource };
