/**
 * Tells a produce failure worth retrying (broker down, timeout, leader moved) from one that will
 * fail again however often it is sent (record too large, not authorized, a bug in the caller).
 */

const FATAL_PROTOCOL_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'UNSUPPORTED_VERSION',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
]);

const RETRIABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
  'ServiceUnavailableError',
]);

/** `retriable` when the same send may succeed later, `fatal` when it never will. */
export function kafkaErrorKind(error: unknown): 'retriable' | 'fatal' {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // A fatal protocol error anywhere in the cause chain decides: kafkajs wraps it in retry errors.
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && FATAL_PROTOCOL_TYPES.has(type)) return 'fatal';
    current = (current as { cause?: unknown; originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  if (typeof error !== 'object' || error === null) return 'fatal';
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && RETRIABLE_NAMES.has(name)) return 'retriable';
  if ((error as { retriable?: unknown }).retriable === true) return 'retriable';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) return 'retriable';
  if (typeof name === 'string' && name.startsWith('KafkaJS')) return 'retriable';
  return 'fatal';
}
