// Test helpers for exactly-once checks: a raw SSE session that records what it parsed, and a broker
// that splits and delays its deliveries the way Redis's tail can.
import http from 'node:http';
import { createParser } from '@ssekit/core';
import {
  type Broker,
  type BrokerEntry,
  type BrokerEvent,
  type BrokerSubscribeOptions,
  MemoryBroker,
  type MemoryBrokerOptions,
  type ReadResult,
  type ReadSinceOptions,
} from '@ssekit/server';

/** One event as a session parsed it. */
export interface SeenEvent {
  readonly type: string;
  readonly id: string;
  readonly data: string;
}

/** One HTTP request of an SSE client: what it received, and controls to stall or cut it. */
export interface Session {
  readonly events: SeenEvent[];
  /** The id of the last dispatched event, or of an id-only block, as a browser would track it. */
  lastId: string | undefined;
  /** The first id-only block: where the server started a new connection. */
  startId: string | undefined;
  status: number;
  ended: boolean;
  pause(): void;
  resume(): void;
  destroy(): void;
}

/** Open an SSE request and parse it with core's parser (the one our client uses). */
export function openSession(url: string, headers: Record<string, string> = {}): Session {
  const session: Session = {
    events: [],
    lastId: undefined,
    startId: undefined,
    status: 0,
    ended: false,
    pause: () => res?.pause(),
    resume: () => res?.resume(),
    destroy: () => {
      req.destroy();
      session.ended = true;
    },
  };
  let res: http.IncomingMessage | undefined;
  const parser = createParser({
    onEvent: (event) => {
      session.events.push({ type: event.type, id: event.lastEventId, data: event.data });
    },
    onComment: () => {},
  });
  // An id-only block dispatches nothing but sets the last event id: read it from the raw text too.
  const idOnly = /(?:^|\n)id: ([^\n]*)\n\n/g;
  const req = http.get(url, { headers, agent: false }, (response) => {
    res = response;
    session.status = response.statusCode ?? 0;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      for (const match of chunk.matchAll(idOnly)) {
        session.lastId = match[1];
        if (session.events.length === 0) session.startId ??= match[1];
      }
      parser.feed(chunk);
      const last = session.events[session.events.length - 1];
      if (last) session.lastId = last.id;
    });
    response.on('end', () => {
      session.ended = true;
    });
    response.on('error', () => {
      session.ended = true;
    });
  });
  req.on('error', () => {
    session.ended = true;
  });
  return session;
}

/**
 * The memory broker, delivering each batch to subscribers in pieces of one event, each a few
 * macrotasks later: the way a Redis tail hands a process events that a replay already read.
 */
export class SplitDeliveryBroker implements Broker<string> {
  readonly inner: MemoryBroker;
  #queue: BrokerEvent[] = [];
  #draining = false;
  readonly #listeners = new Set<(events: readonly BrokerEvent[]) => void>();

  constructor(options: MemoryBrokerOptions = {}) {
    this.inner = new MemoryBroker(options);
    this.inner.subscribe((events) => {
      for (const event of events) this.#queue.push(event);
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    const step = (): void => {
      const event = this.#queue.shift();
      if (!event) {
        this.#draining = false;
        return;
      }
      for (const listener of this.#listeners) listener([event]);
      // Two macrotasks apart: the hub flushes between pieces.
      setImmediate(() => setImmediate(step));
    };
    setImmediate(step);
  }

  append(entry: BrokerEntry): string {
    return this.inner.append(entry);
  }
  readSince(lastEventId: string, options?: ReadSinceOptions): ReadResult {
    return this.inner.readSince(lastEventId, options);
  }
  subscribe(
    listener: (events: readonly BrokerEvent[]) => void,
    _options?: BrokerSubscribeOptions,
  ): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  lastId(): string {
    return this.inner.lastId();
  }
  compare(a: string, b: string): number | undefined {
    return this.inner.compare(a, b);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
