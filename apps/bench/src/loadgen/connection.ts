// One load-generator client: a GET over a raw socket (with `Last-Event-ID` on a resume), its
// workload events counted by MarkerCounter and, for the sampled clients, checked by EventChecker.
import net from 'node:net';
import { now } from '../shared/clock.js';
import { EVENT_MARKER } from '../shared/workload.js';
import type { EventChecker } from './event-checker.js';
import { HttpReader } from './http-reader.js';
import { MarkerCounter } from './marker-counter.js';

export interface ConnectionOptions {
  readonly port: number;
  readonly path: string;
  /** Parses every event in full (order, latency); `undefined` for the counted-only majority. */
  readonly checker: EventChecker | undefined;
  /** Called once the response head arrived, or the connection failed first. */
  readonly onOpen: (error: string | undefined) => void;
  /** Called after each read that moved the event count. */
  readonly onProgress: (conn: SseConnection) => void;
  /** Sent as `Last-Event-ID`: a reconnect that resumes after this event. */
  readonly lastEventId?: string;
}

/** One SSE client over a raw socket: counts workload events, optionally checks them. */
export class SseConnection {
  private readonly socket: net.Socket;
  private readonly reader: HttpReader;
  private readonly counter = new MarkerCounter(EVENT_MARKER);
  private opened = false;
  status = 0;
  /** When the response head arrived. */
  openedAt = 0;
  /** Event count at `arm`: counts are relative to it. */
  base = 0;
  /** When the count first reached the target of the current run, 0 before. */
  reachedAt = 0;
  target = Number.POSITIVE_INFINITY;
  ended = false;
  lastAt = 0;
  checker: EventChecker | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.checker = options.checker;
    this.reader = new HttpReader({
      onHead: (status) => {
        this.status = status;
        this.openedAt = now();
        this.open(status === 200 ? undefined : `HTTP ${status}`);
      },
      onBody: (bytes, receivedAt) => {
        const before = this.counter.count;
        this.counter.feed(bytes);
        this.checker?.feed(bytes, receivedAt);
        if (this.counter.count !== before) {
          this.lastAt = receivedAt;
          if (this.reachedAt === 0 && this.count >= this.target) this.reachedAt = receivedAt;
          options.onProgress(this);
        }
      },
      onEnd: () => this.finish(),
    });
    this.socket = net.connect({ host: '127.0.0.1', port: options.port, noDelay: true });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\n` +
          'Accept: text/event-stream\r\nCache-Control: no-cache\r\n' +
          (options.lastEventId === undefined ? '' : `Last-Event-ID: ${options.lastEventId}\r\n`) +
          '\r\n',
      );
    });
    this.socket.on('data', (buf: Buffer) => this.reader.feed(buf, now()));
    this.socket.on('end', () => this.finish());
    this.socket.on('error', (error) => {
      this.open(error.message);
      this.finish();
    });
    this.socket.on('close', () => this.finish());
  }

  /** Workload events received since `arm`. */
  get count(): number {
    return this.counter.count - this.base;
  }

  arm(target: number): void {
    this.base = this.counter.count;
    this.target = target;
    this.reachedAt = target === 0 ? now() : 0;
  }

  close(): void {
    this.socket.destroy();
  }

  private open(error: string | undefined): void {
    if (this.opened) return;
    this.opened = true;
    this.options.onOpen(error);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.open('connection closed before the response head');
    this.options.onProgress(this);
  }
}
