/**
 * Polling with a deadline, the way integration tests wait for a service or a stream to reach a
 * state instead of sleeping and hoping.
 */

/** How long and how often {@link waitFor} polls. */
export interface WaitForOptions {
  /** Give up after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Pause between two checks, in milliseconds (default 100). */
  intervalMs?: number;
  /** Extra text for the timeout error, evaluated only when it is thrown (e.g. the last state seen). */
  detail?: () => string;
}

/** Resolves once `condition` returns true; checks at once, then every `intervalMs`, and throws `timed out after N ms waiting for <what>` (plus the detail) once `timeoutMs` passed. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100, detail } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const extra = detail?.() ?? '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra === '' ? '' : ` ${extra}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
