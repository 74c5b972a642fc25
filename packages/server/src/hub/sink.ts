// Where a stream's bytes go: the one interface the hub's connections and the RPC streams write to,
// whatever carries them (a Node response for express, a `ReadableStream` for the Fetch API).

/**
 * The write side of one open stream. Each adapter implements it once; the hub, the replay and the
 * RPC streams see nothing else of the transport, so their rules (backpressure, buffer bounds,
 * heartbeats, close) hold the same on every runtime.
 */
export interface SseSink {
  /**
   * Bytes accepted by `write` that the peer's transport has not taken yet: a Node response's
   * `writableLength`, or the bytes queued in front of a `ReadableStream`'s reader. The hub closes a
   * live connection past `maxBufferedBytes` and sums this over every connection for
   * `maxTotalBufferedBytes`.
   */
  readonly bufferedBytes: number;
  /**
   * Whether more than `limit` bytes are unsent: `bufferedBytes > limit`, which a sink may answer
   * without counting (the hub asks it for every live connection on every tick).
   */
  holdsMoreThan(limit: number): boolean;
  /** False once `end` or `destroy` was called, or the peer went. */
  readonly writable: boolean;
  /** True once the stream is closed, by either side. */
  readonly closed: boolean;
  /**
   * Queue one chunk. Returns false, and queues nothing, once not `writable`: the fan-out asks this
   * once per connection per tick, so a sink answers it without a second look at its state.
   */
  write(chunk: string | Uint8Array): boolean;
  /** Resolves once at most `highWaterBytes` are unsent, or the stream is closed. */
  drained(highWaterBytes: number): Promise<void>;
  /** End gracefully: what was written is still delivered, then the stream closes. */
  end(): void;
  /** Close at once and drop what is unsent: the client reconnects and replays from the log. */
  destroy(): void;
  /** Run `listener` once when the stream closes (at once if it is closed already). */
  onClose(listener: () => void): void;
}
