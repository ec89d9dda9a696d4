import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less when `signal` aborts first (never rejects). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  // An abort rejects the timer; here it only ends the wait early.
  return delay(ms, undefined, signal ? { signal } : undefined).then(
    () => {},
    () => {},
  );
}
