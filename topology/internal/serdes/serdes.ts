import type { ZodType } from 'zod';
import type { Serde } from './serde.js';
import { AvroSerde, type AvroSerdeOptions } from './avro-serde.js';
import { BufferSerde } from './buffer-serde.js';
import { JsonSerde, type JsonSerdeOptions } from './json-serde.js';
import { StringSerde } from './string-serde.js';

/** Factories of the built-in serdes, as in Kafka Streams' `Serdes` class. */
export const Serdes = Object.freeze({
  /** UTF-8 strings; invalid UTF-8 is a poison record. */
  String(): Serde<string> {
    return new StringSerde();
  },
  /** JSON; with a zod schema every value is validated both ways (a schema, or the full JsonSerdeOptions). */
  Json<T>(schemaOrOptions?: ZodType<T> | JsonSerdeOptions<T>): Serde<T> {
    if (schemaOrOptions === undefined) return new JsonSerde<T>();
    return isZodType(schemaOrOptions) ? new JsonSerde<T>({ schema: schemaOrOptions }) : new JsonSerde<T>(schemaOrOptions);
  },
  /** Avro in the Confluent wire format through the schema registry; await `init()` before the first serialize. */
  Avro<T>(options: AvroSerdeOptions): Serde<T> {
    return new AvroSerde<T>(options);
  },
  /** Raw bytes, unchanged. */
  Buffer(): Serde<Buffer> {
    return new BufferSerde();
  },
});

function isZodType<T>(value: ZodType<T> | JsonSerdeOptions<T>): value is ZodType<T> {
  return typeof (value as { safeParse?: unknown }).safeParse === 'function';
}
