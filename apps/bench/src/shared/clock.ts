// The bench's time: wall-clock `now()` that the processes of one machine agree on (latency is
// measured across processes with it), CPU time and `sleep`.

/**
 * Wall-clock milliseconds with sub-millisecond resolution. `performance.timeOrigin` is read from the
 * system clock when the process starts, so two processes on one machine agree to well under a
 * millisecond: the load generator subtracts a server's timestamps from its own.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** CPU time (user + system) this process used so far, in milliseconds. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
