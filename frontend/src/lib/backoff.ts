/** Reconnect delay settings, in milliseconds. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  /** No delay ever exceeds this. */
  capMs: number;
}

/** 0.5 s first ceiling, doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * Exponential backoff with full jitter: a uniform delay in
 * `[0, min(capMs, baseMs * 2^attempt))`, `attempt` counting from 0.
 * `random` returns a number in [0, 1) (Math.random by default).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
