// Waiting in tests: `waitFor` polls a condition that the network will make true; `quietPeriod`
// is the one fixed wait, for tests whose point is that nothing arrives during a window.
import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** What is awaited, for the failure message. @default 'the condition' */
  readonly message?: string;
  /** Fail after this long. @default 10_000 */
  readonly timeoutMs?: number;
  /** Poll interval. @default 5 */
  readonly intervalMs?: number;
}

/**
 * Poll `predicate` until it returns true; throw `Timed out after N ms waiting for <message>` after
 * `timeoutMs`. For the network only: a test that waits for time uses `vi.useFakeTimers()` (under
 * fake timers the deadline never comes, since `Date.now` is faked too).
 *
 * @example
 * ```ts
 * await waitFor(() => seen.length === 3, 'three events');
 * await waitFor(() => server.openSockets() === 0, { message: 'the socket to close', timeoutMs: 2_000 });
 * ```
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: string | WaitForOptions = {},
  /** With a message as `options`: the timeout, as tests written before the options object pass it. */
  timeoutMs?: number,
): Promise<void> {
  const resolved: WaitForOptions =
    typeof options === 'string' ? { message: options, timeoutMs } : options;
  const { message = 'the condition', intervalMs = 5 } = resolved;
  const limit = resolved.timeoutMs ?? 10_000;
  const deadline = Date.now() + limit;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${limit} ms waiting for ${message}`);
    await delay(intervalMs);
  }
}

/**
 * Wait `ms` of real time on purpose: the test then asserts that nothing arrived in that window
 * (no duplicate, no event after unsubscribe). Never use it to wait for something to happen.
 */
export function quietPeriod(ms: number): Promise<void> {
  return delay(ms);
}

/**
 * Let the event loop turn (timers and I/O run) for `ms`, so that what a test does next lands in a
 * later tick: publishers pace themselves with it to spread events over many ticks and writes, and
 * a phase that must last a while in another process (Redis down, an entry aging out) is held with
 * it. Time inside this process is faked instead (`vi.useFakeTimers()`).
 * @param ms how long to let pass; 0 lets one round of timers and I/O run
 */
export function nextTurn(ms = 0): Promise<void> {
  return delay(ms);
}
