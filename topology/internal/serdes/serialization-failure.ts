import { SerializationError } from '../errors.js';

/**
 * Builds the SerializationError every serde throws, with the topic and the reason in the message
 * so a dead-letter header or log line says what was wrong without the payload.
 */
export function serializationFailure(topic: string, reason: string, cause?: unknown): SerializationError {
  return new SerializationError(`cannot (de)serialize a record of topic ${JSON.stringify(topic)}: ${reason}`, topic, cause);
}
