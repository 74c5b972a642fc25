// The broker's command connection: one ordered pipeline for appends and reads, with idempotent
// resends, so that an acknowledgement and every rejection code mean what they say.
import { randomBytes } from 'node:crypto';
import type { BrokerEntry } from '@ssekit/server';
import type { Redis } from 'ioredis';
import { APPEND_SCRIPT, sendAppend, type TrimBounds } from './entries.js';
import { RedisBrokerError, RedisBrokerErrorCode } from './errors.js';

/**
 * Appends of one producer that may be unanswered at once. The producer's record in Redis keeps this
 * many seqs, so it stays a small listpack (Redis keeps hashes of up to 128 fields compact).
 */
export const PRODUCER_WINDOW = 100;
/** How long a producer's record outlives its last append: far beyond any resend, short enough to clean up. */
export const PRODUCER_TTL_MS = 24 * 60 * 60 * 1000;

export interface CommandConnectionOptions {
  readonly client: Redis;
  /** The stream key: the producer's record is `<key>:producer:<id>`. */
  readonly key: string;
  readonly bounds: TrimBounds;
  /** See `RedisBrokerOptions.commandTimeoutMs`. */
  readonly timeoutMs: number | null;
  /** Resend appends whose connection died before the answer. See `RedisBrokerOptions.retryUncertain`. */
  readonly retryUncertain: boolean;
}

type JobState = 'queued' | 'inflight' | 'resend';

interface Job {
  /** `probe`: an append whose caller was answered `UNCERTAIN`; it is settled in Redis, then dropped. */
  kind: 'read' | 'append' | 'probe';
  readonly entry?: BrokerEntry;
  readonly read?: (client: Redis) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: RedisBrokerError) => void;
  state: JobState;
  /** Bumped at each write, so that the answer of an attempt that was given up is ignored. */
  attempt: number;
  seq?: number;
  /** Written to a socket that died before the answer: Redis may have executed it. */
  maybeStored: boolean;
  expired: boolean;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * The broker's command connection. Every command goes through one queue, in call order:
 *
 * - It is written only while the client is `ready`, in queue order; until then it waits. When
 *   `timeoutMs` passes before it was ever written, it fails with `TIMEOUT` and is never sent
 *   (ioredis's own offline queue would send it whenever the connection came back).
 * - Once written, it waits for Redis's answer, however late: a Redis that answers slowly still
 *   acknowledges. A socket with commands in flight and no answer for `timeoutMs` is taken for dead
 *   (a paused or half-open server) and reconnected.
 * - When the socket dies before the answer, an append is resent after the reconnect under the same
 *   (producer, seq), so the script stores it at most once (`retryUncertain`); a read is resent as it
 *   is. `UNCERTAIN` is what an append gets when it cannot be resent in time (or without retries).
 * - An append never overtakes an earlier one: each carries the seq of the previous unanswered
 *   append, and the script refuses it until that one is stored. `NOSCRIPT` (a restart, SCRIPT
 *   FLUSH) holds the queue: the answers in flight come back, the script is loaded once, and what
 *   was refused is resent in order.
 */
export class CommandConnection {
  readonly client: Redis;
  /** This process's producer id: random, so two brokers never share a record. */
  readonly producerId = randomBytes(9).toString('base64url');
  readonly #options: CommandConnectionOptions;
  readonly #recordKey: string;
  readonly #queue: Job[] = [];
  #nextSeq = 1;
  #inflight = 0;
  /** `load`: the script must be loaded before anything is written; `wait`: answers are awaited first. */
  #hold: 'load' | 'wait' | undefined = 'load';
  #loading = false;
  #withSource = false;
  #lastProgressAt = Date.now();
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #onReady = (): void => this.#pump();
  readonly #onClose = (): void => {
    this.#hold = 'load';
    for (const job of [...this.#queue]) if (job.state === 'inflight') this.#died(job);
    this.#loading = false;
    this.#inflight = 0;
  };
  readonly #onEnd = (): void => this.#failAll('The Redis connection has ended');

  constructor(options: CommandConnectionOptions) {
    this.#options = options;
    this.client = options.client;
    this.#recordKey = `${options.key}:producer:${this.producerId}`;
    this.client.on('ready', this.#onReady);
    this.client.on('close', this.#onClose);
    this.client.on('end', this.#onEnd);
    const stallMs = options.timeoutMs;
    if (stallMs !== null) {
      this.#watchdog = setInterval(() => this.#checkStall(stallMs), Math.min(stallMs / 2, 1_000));
      this.#watchdog.unref?.();
    }
  }

  /** Append one entry under the rules above; resolves with its stream id. */
  append(entry: BrokerEntry): Promise<string> {
    return this.#enqueue({ kind: 'append', entry }) as Promise<string>;
  }

  /** Run one read command under the rules above (a read is idempotent: it is resent freely). */
  run<T>(read: (client: Redis) => Promise<T>): Promise<T> {
    return this.#enqueue({ kind: 'read', read }) as Promise<T>;
  }

  /** Fail every command not yet answered with `CLOSED` (or `UNCERTAIN`) and stop listening. */
  close(): void {
    if (this.#closed) return;
    this.#failAll('The broker was closed');
    this.#closed = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.client.off('ready', this.#onReady);
    this.client.off('close', this.#onClose);
    this.client.off('end', this.#onEnd);
  }

  #enqueue(spec: Pick<Job, 'kind' | 'entry' | 'read'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new RedisBrokerError(RedisBrokerErrorCode.CLOSED, 'The broker was closed'));
        return;
      }
      const job: Job = {
        ...spec,
        resolve,
        reject,
        state: 'queued',
        attempt: 0,
        maybeStored: false,
        expired: false,
        settled: false,
      };
      const { timeoutMs } = this.#options;
      if (timeoutMs !== null) job.timer = setTimeout(() => this.#expire(job), timeoutMs);
      this.#queue.push(job);
      this.#wake();
    });
  }

  #wake(): void {
    switch (this.client.status) {
      case 'ready':
        // The 'ready' event may still be on its way (ioredis emits it on nextTick): pump soon, in order.
        queueMicrotask(() => this.#pump());
        break;
      case 'wait':
        // A lazyConnect client connects on its first command; ours are held back, so connect it here.
        this.client.connect().catch(() => {});
        break;
      case 'end':
        this.#onEnd();
        break;
      default:
        // connecting, connect, reconnecting, close: 'ready' (or 'end') will follow.
        break;
    }
  }

  /** Write, in queue order, every job that is not in flight, as far as the window allows. */
  #pump(): void {
    if (this.#closed || this.client.status !== 'ready') return;
    if (this.#hold) {
      if (this.#inflight === 0) this.#release();
      return;
    }
    let oldestSeq: number | undefined;
    let after = 0;
    for (const job of this.#queue) {
      if (job.kind !== 'read') oldestSeq ??= job.seq;
      if (job.state !== 'inflight') {
        if (job.kind !== 'read' && job.seq === undefined) {
          // The record keeps PRODUCER_WINDOW seqs: never more unanswered than that.
          if (oldestSeq !== undefined && this.#nextSeq - oldestSeq >= PRODUCER_WINDOW) return;
          job.seq = this.#nextSeq++;
          oldestSeq ??= job.seq;
        }
        this.#write(job, after);
        if (this.#hold || this.client.status !== 'ready') return;
      }
      if (job.kind !== 'read' && job.state === 'inflight') after = job.seq!;
    }
  }

  #write(job: Job, after: number): void {
    job.state = 'inflight';
    const attempt = ++job.attempt;
    if (this.#inflight++ === 0) this.#lastProgressAt = Date.now();
    let answer: Promise<unknown>;
    try {
      answer =
        job.kind === 'read'
          ? job.read!(this.client)
          : sendAppend(this.client, this.#options.key, job.entry!, this.#options.bounds, {
              mode: job.kind,
              recordKey: this.#recordKey,
              seq: job.seq!,
              after,
              window: PRODUCER_WINDOW,
              ttlMs: PRODUCER_TTL_MS,
              withSource: this.#withSource,
            });
    } catch (cause) {
      answer = Promise.reject(cause);
    }
    answer.then(
      (value) => this.#answered(job, attempt, value),
      (cause: unknown) => this.#failed(job, attempt, cause),
    );
  }

  #answered(job: Job, attempt: number, value: unknown): void {
    if (job.attempt !== attempt || job.state !== 'inflight') return;
    this.#progress();
    this.#remove(job);
    if (job.kind === 'append' && value === '') {
      // Recorded as abandoned by an earlier probe: that cannot be a job still waiting for its answer.
      this.#settle(job, new RedisBrokerError(RedisBrokerErrorCode.REDIS_ERROR, 'Append abandoned'));
    } else if (job.kind === 'append') this.#settle(job, undefined, String(value));
    else if (job.kind === 'read') this.#settle(job, undefined, value);
    this.#pump();
  }

  #failed(job: Job, attempt: number, cause: unknown): void {
    if (job.attempt !== attempt || job.state !== 'inflight') return;
    if (!isReplyError(cause)) {
      // "Connection is closed.", a write on a socket that broke: the command may have been executed.
      this.#died(job);
      this.#pump();
      return;
    }
    this.#progress();
    if (cause.message.startsWith('NOSCRIPT') || cause.message.startsWith('SSEKIT_ORDER')) {
      // Not executed: hold the queue, reload the script once, and resend from this job on.
      job.state = 'resend';
      if (cause.message.startsWith('NOSCRIPT')) this.#hold = 'load';
      else this.#hold ??= 'wait';
      if (job.expired) this.#expire(job);
    } else {
      this.#remove(job);
      this.#settle(
        job,
        new RedisBrokerError(RedisBrokerErrorCode.REDIS_ERROR, `Redis answered: ${cause.message}`, {
          cause,
        }),
      );
    }
    this.#pump();
  }

  /** The socket died with `job` in flight. */
  #died(job: Job): void {
    if (job.state !== 'inflight') return;
    job.state = 'resend';
    this.#inflight = Math.max(0, this.#inflight - 1);
    this.#hold = 'load';
    if (job.kind === 'read') {
      if (job.expired) this.#expire(job);
      return;
    }
    job.maybeStored = true;
    if (job.kind === 'append' && (job.expired || !this.#options.retryUncertain))
      this.#uncertain(job);
  }

  /** `timeoutMs` passed since the call. */
  #expire(job: Job): void {
    job.expired = true;
    if (job.settled || job.state === 'inflight') return; // the answer (or the socket's death) decides
    if (job.maybeStored) {
      this.#uncertain(job);
      return;
    }
    this.#remove(job);
    const { timeoutMs } = this.#options;
    this.#settle(
      job,
      new RedisBrokerError(
        RedisBrokerErrorCode.TIMEOUT,
        `Redis did not take the command within ${timeoutMs} ms; it was not executed`,
      ),
    );
    this.#pump();
  }

  /** Tell the caller UNCERTAIN; the seq stays queued as a probe, so that it is settled in Redis too. */
  #uncertain(job: Job): void {
    if (job.kind !== 'read') job.kind = 'probe';
    this.#settle(
      job,
      new RedisBrokerError(
        RedisBrokerErrorCode.UNCERTAIN,
        'The Redis connection broke after the append was sent; it may have been stored',
      ),
    );
    if (job.kind === 'read') this.#remove(job);
  }

  /** Everything in flight has been answered: load the script if needed, then write again. */
  #release(): void {
    if (this.#hold === 'wait' || this.#withSource || !this.#queue.some((j) => j.kind !== 'read')) {
      this.#hold = undefined;
      this.#pump();
      return;
    }
    if (this.#loading) return;
    this.#loading = true;
    this.#inflight++;
    this.#lastProgressAt = Date.now();
    const done = (loaded: boolean, replied: boolean): void => {
      if (!this.#loading) return; // the connection closed meanwhile: 'ready' starts over
      this.#loading = false;
      this.#inflight--;
      if (!replied) return;
      this.#progress();
      // A Redis that refuses SCRIPT LOAD (ACLs) gets the script's text with every append.
      if (!loaded) this.#withSource = true;
      this.#hold = undefined;
      this.#pump();
    };
    this.client.script('LOAD', APPEND_SCRIPT).then(
      () => done(true, true),
      (cause: unknown) => done(false, isReplyError(cause)),
    );
  }

  #checkStall(stallMs: number): void {
    if (this.#inflight === 0 || this.client.status !== 'ready') return;
    if (Date.now() - this.#lastProgressAt < stallMs) return;
    // Commands in flight and no answer for that long: a paused Redis or a half-open socket.
    this.#lastProgressAt = Date.now();
    this.client.disconnect(true);
  }

  #progress(): void {
    this.#inflight = Math.max(0, this.#inflight - 1);
    this.#lastProgressAt = Date.now();
  }

  #remove(job: Job): void {
    const index = this.#queue.indexOf(job);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  #settle(job: Job, error: RedisBrokerError | undefined, value?: unknown): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(value);
  }

  #failAll(message: string): void {
    for (const job of [...this.#queue]) {
      if (job.state === 'inflight' && !this.#closed && this.client.status !== 'end') continue;
      this.#remove(job);
      if (job.maybeStored || job.state === 'inflight') {
        this.#settle(
          job,
          new RedisBrokerError(
            RedisBrokerErrorCode.UNCERTAIN,
            `${message} after the command was sent; it may have been executed`,
          ),
        );
      } else this.#settle(job, new RedisBrokerError(RedisBrokerErrorCode.CLOSED, message));
    }
  }
}

/** Whether Redis itself answered with an error (ioredis's `ReplyError`), as opposed to a failed connection. */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}
