/**
 * Removing credentials from text before it reaches a log line, an error message or
 * an HTTP response. Connection URLs are the usual carrier (`postgres://u:secret@host`),
 * so they get the most care; everything else is matched on the key name.
 */

const CENSOR = '[redacted]';

/** Key names whose values are secrets wherever they appear in a config or a log object. */
export const SECRET_KEY_PATTERN = /passw(or)?d|passphrase|^pass$|secret|token|api_?key|credential|private_?key|authorization/i;

// scheme://user:password@host — the password part is whatever sits between ':' and the last '@'
// of the authority, so passwords containing '@' or ':' (badly encoded) are still covered.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s]*)@/gi;

/** Returns `url` with the password (if any) replaced by `[redacted]`; non-URL input is returned with credentials scrubbed as text. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = CENSOR;
    // URL encodes '[' and ']' in the userinfo; keep the marker readable.
    return parsed.toString().replace(encodeURIComponent(CENSOR), CENSOR);
  } catch {
    return redactText(url);
  }
}

/** Returns `text` with every `scheme://user:password@` occurrence reduced to `scheme://user:[redacted]@`. */
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:${CENSOR}@`);
}

/** True when a config or log key (the last segment of a path) names a secret, e.g. `password`, `apiKey`. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}
