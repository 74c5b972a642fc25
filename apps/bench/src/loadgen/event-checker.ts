// The checks of the sampled clients: events parsed in full to verify their order and, in
// steady-rate runs, to measure publish-to-receive latency. The other clients only count markers.
import type { ReadSpec } from '../shared/protocol.js';
import { EVENT_MARKER } from '../shared/workload.js';

/**
 * Full SSE parsing for the sampled clients only: order (ids and, in `seq` mode, the sequence number in
 * `price` grow by exactly one) and, in `time` mode, publish-to-receive latency. Lines are split on LF
 * and a trailing CR dropped, which is all the servers under test send.
 */
export class EventChecker {
  private partial = '';
  private id: string | undefined;
  private data: string | undefined;
  private lastIdSeq: number | undefined;
  private lastPrice: number | undefined;
  errors = 0;
  firstError: string | undefined;
  /** The id of the last workload event seen: what a reconnect sends as `Last-Event-ID`. */
  lastId: string | undefined;

  constructor(
    private read: ReadSpec,
    private readonly latencies: number[] | undefined,
  ) {}

  /** A new run on the same connection: order state carries over, mode and warm-up change. */
  setRead(read: ReadSpec): void {
    this.read = read;
  }

  feed(buf: Buffer, receivedAt: number): void {
    const text = this.partial + buf.toString('latin1');
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      let line = text.slice(start, nl);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line, receivedAt);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.partial = text.slice(start);
  }

  private line(line: string, receivedAt: number): void {
    if (line === '') {
      if (this.data !== undefined) this.dispatch(this.data, this.id, receivedAt);
      this.data = undefined;
      this.id = undefined;
    } else if (line.startsWith('data:')) {
      this.data = line.slice(line.startsWith('data: ') ? 6 : 5);
    } else if (line.startsWith('id:')) {
      this.id = line.slice(line.startsWith('id: ') ? 4 : 3);
    }
  }

  private dispatch(data: string, id: string | undefined, receivedAt: number): void {
    if (!data.includes(EVENT_MARKER)) return; // control events: connected, ready, end…
    if (id !== undefined && id !== '') {
      this.lastId = id;
      // `<epoch>-<seq>` (ssekit) or a bare number. Other ids (better-sse's UUIDs on iterated
      // streams) are not sequences and are not checked.
      const match = SEQUENCE_ID.exec(id);
      if (match !== null) {
        const seq = Number(match[1]);
        if (this.lastIdSeq !== undefined && seq !== this.lastIdSeq + (this.read.step ?? 1)) {
          this.fail(`id ${id} after sequence ${this.lastIdSeq}`);
        }
        this.lastIdSeq = seq;
      }
    }
    const price = readPrice(data);
    if (this.read.mode === 'seq') {
      if (this.lastPrice !== undefined && price !== this.lastPrice + (this.read.step ?? 1)) {
        this.fail(`event ${price} after event ${this.lastPrice}`);
      }
    } else {
      if (this.lastPrice !== undefined && price < this.lastPrice) {
        this.fail(`publish time ${price} after ${this.lastPrice}`);
      }
      if (this.latencies !== undefined && price >= (this.read.warmupUntil ?? 0)) {
        this.latencies.push(receivedAt - price);
      }
    }
    this.lastPrice = price;
  }

  private fail(message: string): void {
    this.errors++;
    this.firstError ??= message;
  }
}

const PRICE_KEY = '"price":';
const SEQUENCE_ID = /^(?:[0-9a-z]+-)?(\d+)$/;

function readPrice(data: string): number {
  const at = data.indexOf(PRICE_KEY);
  if (at === -1) return Number.NaN;
  const from = at + PRICE_KEY.length;
  let to = from;
  while (to < data.length && data[to] !== ',' && data[to] !== '}') to++;
  return Number(data.slice(from, to));
}
