/**
 * Reads the container runtime (CRI) log format that containerd and CRI-O write for the
 * kubelet under `/var/log/containers/*.log` and `/var/log/pods/`:
 * `<RFC 3339 time with up to 9 fraction digits> <stdout|stderr> <P|F>[:more tags] <message>`.
 *
 * The time is the runtime's and becomes the event time; the stream is kept as field `stream`;
 * a `P` (partial) tag sets `partial: true`; the message after the prefix is parsed again by an
 * inner parser (auto-detection: JSON, logfmt and the other formats are common there), whose
 * fields are kept and whose format is kept as `inner_format`. A time the inner message carries
 * is kept as `inner_timestamp`. Joining `P` chunks into one line happens before parsing, in
 * `cri-partial.ts`.
 */
import { setField, type FormatParser, type ParseContext, type ParsedLine } from './parsed-line.js';
import { parseTimestamp } from './timestamp.js';

// Anchored and without nested repetition: a line fails within its first characters.
const CRI_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([PF])((?::[^ ]*)?)(?: |$)/;

/** The parts of one CRI line. */
export interface CriLine {
  /** The runtime's timestamp as written. */
  timestampText: string;
  /** Which output of the container wrote the line. */
  stream: 'stdout' | 'stderr';
  /** True for a `P` tag: the runtime split a longer line and more chunks follow. */
  partial: boolean;
  /** Everything after the tag and its space, exactly as written. */
  message: string;
}

/** Splits a CRI line into its parts; undefined when the line does not start with a CRI prefix. */
export function splitCriLine(line: string): CriLine | undefined {
  // The cheapest possible rejection first: `dddd-` and a `T` where the time starts.
  if (line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) return undefined;
  const m = CRI_PREFIX.exec(line);
  if (m === null) return undefined;
  return { timestampText: m[1] ?? '', stream: m[2] === 'stderr' ? 'stderr' : 'stdout', partial: m[3] === 'P', message: line.slice(m[0].length) };
}

/**
 * Builds a CRI parser whose inner messages are read by `inner` (an auto-detector of the same
 * source, so its stickiness follows the container's own format). `inner` must not itself try
 * CRI, which keeps a message that looks like a CRI line from recursing.
 */
export function createCriParser(inner: (message: string, context: ParseContext) => ParsedLine): FormatParser {
  return (line, context) => {
    const cri = splitCriLine(line);
    if (cri === undefined) return undefined;
    const parsed = inner(cri.message, context);
    const result: ParsedLine = { ...parsed, fields: { ...parsed.fields }, format: 'cri', timestampText: cri.timestampText };
    const ms = parseTimestamp(cri.timestampText, context);
    if (ms === undefined) delete result.timestampMs;
    else result.timestampMs = ms;
    // The prefix's values are the runtime's and win over a same-named key of the message.
    setField(result.fields, 'stream', cri.stream);
    if (cri.partial) setField(result.fields, 'partial', true);
    setField(result.fields, 'inner_format', parsed.format);
    if (parsed.timestampText !== undefined) setField(result.fields, 'inner_timestamp', parsed.timestampText);
    return result;
  };
}
