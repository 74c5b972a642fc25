// The connection limits of one server: `maxConnections` and `maxConnectionsPerIp`, counted per
// open stream; past a bound a route refuses with 503 and `Retry-After` before any stream byte.
import { SseError, SseErrorCode } from '@ssekit/core';

/**
 * Counts open streams, in all and per client IP, and refuses past the bounds. A slot is taken before
 * `authorize` runs, so a burst of concurrent connects cannot overshoot while authorize awaits.
 */
export class ConnectionLimits {
  readonly #max: number;
  readonly #maxPerIp: number | null;
  readonly #retryAfterSeconds: number;
  readonly #perIp = new Map<string, number>();
  #open = 0;

  constructor(options: {
    maxConnections: number;
    maxConnectionsPerIp: number | null;
    retryAfterSeconds: number;
  }) {
    this.#max = options.maxConnections;
    this.#maxPerIp = options.maxConnectionsPerIp;
    this.#retryAfterSeconds = options.retryAfterSeconds;
  }

  get open(): number {
    return this.#open;
  }

  /** Take a slot, or throw `TOO_MANY_CONNECTIONS` (503). Returns the release function, safe to call twice. */
  acquire(ip: string): () => void {
    const forIp = this.#perIp.get(ip) ?? 0;
    if (this.#open >= this.#max) throw this.#refuse('The server has reached its connection limit');
    if (this.#maxPerIp !== null && forIp >= this.#maxPerIp) {
      throw this.#refuse('Too many connections from this address');
    }
    this.#open += 1;
    this.#perIp.set(ip, forIp + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open -= 1;
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#perIp.delete(ip);
      else this.#perIp.set(ip, left);
    };
  }

  /** The `Retry-After` header value, in seconds. */
  get retryAfter(): string {
    return String(this.#retryAfterSeconds);
  }

  #refuse(message: string): SseError {
    return new SseError(SseErrorCode.TOO_MANY_CONNECTIONS, message, { status: 503 });
  }
}
