// Writing the body of a started SSE response, and knowing how much of it waits to be sent. On a
// plain HTTP/1.1 chunked response it writes framed chunks on the socket itself; else `res.write`.
import { Buffer } from 'node:buffer';
import { OutgoingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import process from 'node:process';

/** The body of one started response: what the hub and RPC streams write through. */
export interface BodyWriter {
  /**
   * Write one chunk (a `Buffer` may be shared by many responses: it is framed once for all).
   * Through `res.write`, returns false, writing nothing, once the response ended or was destroyed.
   * On the socket path it does not look (that read is what the socket path saves): its caller must
   * stop at the response's end, as the Node sink does with its own note.
   */
  write(chunk: string | Uint8Array): boolean;
  /** Bytes accepted by `write` but not yet handed to the kernel. */
  readonly bufferedBytes: number;
  /**
   * Whether more than `limit` bytes wait to be sent. Cheap on the fan-out path: after a write that
   * was accepted below the high-water mark, it does not read the exact count.
   */
  holdsMoreThan(limit: number): boolean;
  /** Resolves once at most `highWaterBytes` wait, or the response is gone. */
  drained(highWaterBytes: number): Promise<void>;
}

const CRLF = Buffer.from('\r\n');
/**
 * The socket path is measured and tested on Node only. Bun and Deno implement `node:http` over
 * servers of their own (Bun, for one, reports `chunkedEncoding` false): there the body keeps
 * `res.write`, whose framing is theirs.
 */
const ON_NODE =
  (process.versions as { bun?: string }).bun === undefined &&
  (process.versions as { deno?: string }).deno === undefined;
/** Each shared buffer's chunk framing, built once per tick for all the responses it goes to. */
const framed = new WeakMap<Uint8Array, Buffer>();

/**
 * `text` as bytes to write to many responses (`BodyWriter.write`): a view into one allocation that
 * also holds its chunk framing, so that the socket path frames it without a second copy (a tick of
 * 100 events to 100 clients copied 12 KB twice, and each fresh 12 KB buffer costs `malloc` its pages).
 */
export function sharedChunk(text: string): Buffer {
  const { whole, start, size } = frameText(text);
  const bytes = whole.subarray(start, start + size);
  framed.set(bytes, whole);
  return bytes;
}

/** The size line that opens a chunk of `size` bytes (CRLF closes it). */
function sizeLine(size: number): string {
  return `${size.toString(16)}\r\n`;
}

/** `text` framed as one chunk in one allocation; its bytes are `size` long from `start`. */
function frameText(text: string): { whole: Buffer; start: number; size: number } {
  const size = Buffer.byteLength(text);
  const head = sizeLine(size);
  const whole = Buffer.allocUnsafe(head.length + size + 2);
  whole.write(head, 0, 'latin1');
  whole.write(text, head.length, 'utf8');
  CRLF.copy(whole, head.length + size);
  return { whole, start: head.length, size };
}

function frameChunk(chunk: string | Uint8Array): Buffer {
  if (typeof chunk === 'string') return frameText(chunk).whole;
  let frame = framed.get(chunk);
  if (frame === undefined) {
    frame = Buffer.concat([Buffer.from(sizeLine(chunk.length), 'latin1'), chunk, CRLF]);
    framed.set(chunk, frame);
  }
  return frame;
}

/**
 * The writer for `res`, whose head is already sent (`flushHeaders`).
 *
 * Why the socket: a `res.write` costs the `OutgoingMessage` machinery per response per tick (state
 * checks, a cork and a `nextTick` uncork, the chunk's size line and CRLF written as pieces), and
 * under express about six times that: express changes the prototype of every response
 * (`Object.setPrototypeOf(res, app.response)`), which leaves V8's property caches slow on every
 * call into Node's response code (nodejs/node#37457). The socket path frames a shared buffer once
 * and writes it with one `socket.write` per response, the same bytes `res.write` would send.
 *
 * It is taken only on Node, and only where the bytes are the same: HTTP/1.1 chunked encoding (so never HTTP/1.0 or
 * HTTP/2, whose `res.socket` is not a byte stream of this response), a `write` that no middleware
 * wrapped (compression), no `Content-Encoding`, and nothing of the response still queued inside it.
 * The response still ends through `res.end()`, which writes the last chunk: keep-alive and Node's
 * own bookkeeping hold.
 */
export function bodyWriter(res: ServerResponse): BodyWriter {
  const socket = res.socket as Socket | null;
  const direct =
    ON_NODE &&
    socket !== null &&
    (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true &&
    res.headersSent &&
    res.write === OutgoingMessage.prototype.write &&
    res.getHeader('content-encoding') === undefined &&
    res.writableLength === socket.writableLength;
  return direct ? new Body(res, socket, true) : new Body(res, res, false);
}

/** What a body is written to: the response itself, or its socket. */
type Target = ServerResponse | Socket;

/**
 * One response's body, written to `target`: its socket (chunks framed here) on the direct path, the
 * response (`res.write` frames them) elsewhere. `res.writableLength` counts both queues.
 */
class Body implements BodyWriter {
  readonly #res: ServerResponse;
  readonly #target: Target;
  readonly #frame: boolean;
  /**
   * Below this limit the exact count is always read. HTTP/2's compatibility response has no
   * `writableNeedDrain`: there the shortcut never applies.
   */
  readonly #highWaterMark: number;

  constructor(res: ServerResponse, target: Target, frame: boolean) {
    this.#res = res;
    this.#target = target;
    this.#frame = frame;
    this.#highWaterMark =
      typeof target.writableNeedDrain === 'boolean' ? target.writableHighWaterMark : Infinity;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#frame) {
      // An empty chunk would end the body.
      if (chunk.length > 0) this.#target.write(frameChunk(chunk));
      return true;
    }
    // `res.write` after the end or a destroy would emit an error: the caller's own state may not
    // know yet (HTTP/2's response has no 'prefinish'), the response does.
    if (this.#res.destroyed || this.#res.writableEnded) return false;
    this.#target.write(chunk);
    return true;
  }

  get bufferedBytes(): number {
    // On the socket path nothing waits in the response (its head went out before), and the socket
    // is cheap to ask; a response under express is not (see `bodyWriter`).
    return this.#frame ? this.#target.writableLength : this.#res.writableLength;
  }

  holdsMoreThan(limit: number): boolean {
    // A target whose last write was accepted holds at most its high-water mark.
    if (limit >= this.#highWaterMark && !this.#target.writableNeedDrain) return false;
    return this.bufferedBytes > limit;
  }

  drained(highWaterBytes: number): Promise<void> {
    return drainedOf(this.#target, this.#res, highWaterBytes);
  }
}

/** Resolves once `res` holds at most `highWaterBytes`, checked on each `drain` of `emitter`, or on close. */
function drainedOf(
  emitter: Socket | ServerResponse,
  res: ServerResponse,
  highWaterBytes: number,
): Promise<void> {
  if (res.writableLength <= highWaterBytes || res.destroyed || res.writableEnded) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      emitter.off('drain', done);
      res.off('close', done);
      resolve();
    };
    emitter.on('drain', done);
    res.on('close', done);
  });
}
