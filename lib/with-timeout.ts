/**
 * Runs `fn` with an AbortSignal that fires after `timeoutMs`; rejects with
 * `Error('timed out after <timeoutMs> ms')` at that moment even if `fn` ignores the signal,
 * so a hung readiness check or shutdown hook can never hold its caller.
 */
export async function withTimeout<T>(fn: (signal: AbortSignal) => T | Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // Promise.resolve().then: a synchronous throw in fn becomes a rejection like any other.
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
