/**
 * Role `loadgen`: raw HTTP/1.1 SSE clients (the bench's HttpReader and MarkerCounter); about 100 of
 * them parse every event to check order (seq mode) or sample latency (time mode).
 */
import net from 'node:net';
import { HttpReader } from '../loadgen/http-reader.js';
import { MarkerCounter } from '../loadgen/marker-counter.js';
import { now, sleep } from '../shared/clock.js';
import { EVENT_MARKER } from '../shared/workload.js';
import type { Collected, LoadgenCommand } from './protocol.js';

interface Client {
  readonly socket: net.Socket;
  readonly counter: MarkerCounter;
  readonly checker: Checker | undefined;
  base: number;
  target: number;
  reachedAt: number;
  ended: boolean;
}

class Checker {
  #partial = '';
  #data: string | undefined;
  #last: number | undefined;
  mode: 'seq' | 'time' = 'seq';
  warmupUntil = 0;
  errors = 0;
  firstError: string | undefined;

  constructor(private readonly latencies: number[]) {}

  feed(buf: Buffer, receivedAt: number): void {
    const lines = (this.#partial + buf.toString('latin1')).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('data:')) this.#data = line.slice(5).trimStart();
      else if (line === '' && this.#data !== undefined) {
        this.#dispatch(this.#data, receivedAt);
        this.#data = undefined;
      }
    }
  }

  #dispatch(data: string, receivedAt: number): void {
    if (!data.includes(EVENT_MARKER)) return;
    const value = Number(/"price":([^,}]+)/.exec(data)?.[1]);
    // Ids are not checked: Redis stream ids do not count by one. The payload does, in seq mode.
    if (this.mode === 'seq' && this.#last !== undefined && value !== this.#last + 1) {
      this.errors++;
      this.firstError ??= `event ${value} after ${this.#last}`;
    }
    if (this.mode === 'time' && value >= this.warmupUntil) this.latencies.push(receivedAt - value);
    this.#last = value;
  }
}

/** Answer `LoadgenCommand`s: connect clients spread over the servers, arm, collect, close. */
export function loadgen(): void {
  let clients: Client[] = [];
  const latencies: number[] = [];

  const connect = async (cmd: Extract<LoadgenCommand, { type: 'connect' }>) => {
    let opened = 0;
    let failed = 0;
    await new Promise<void>((resolve) => {
      const settle = () => {
        if (opened + failed === cmd.count) resolve();
      };
      for (let i = 0; i < cmd.count; i++) {
        const index = cmd.first + i;
        // Spread evenly over the servers: client k of all goes to server k mod n.
        const port = cmd.ports[index % cmd.ports.length]!;
        const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
        const client: Client = {
          socket,
          counter: new MarkerCounter(EVENT_MARKER),
          checker: index % cmd.sampleEvery === 0 ? new Checker(latencies) : undefined,
          base: 0,
          target: Number.POSITIVE_INFINITY,
          reachedAt: 0,
          ended: false,
        };
        let open = false;
        const reader = new HttpReader({
          onHead: (status) => {
            open = true;
            if (status === 200) opened++;
            else failed++;
            settle();
          },
          onBody: (bytes, receivedAt) => {
            client.counter.feed(bytes);
            client.checker?.feed(bytes, receivedAt);
            if (client.reachedAt === 0 && client.counter.count - client.base >= client.target)
              client.reachedAt = receivedAt;
          },
          onEnd: () => {
            client.ended = true;
          },
        });
        socket.on('connect', () =>
          socket.write(
            `GET /sse/events/price HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
          ),
        );
        socket.on('data', (buf: Buffer) => reader.feed(buf, now()));
        socket.on('error', () => {});
        socket.on('close', () => {
          client.ended = true;
          if (!open) {
            open = true;
            failed++;
            settle();
          }
        });
        clients.push(client);
      }
    });
    return { type: 'connected', opened, failed };
  };

  const collect = async (cmd: Extract<LoadgenCommand, { type: 'collect' }>): Promise<Collected> => {
    const deadline = now() + cmd.deadlineMs;
    let lastTotal = -1;
    let lastMoveAt = now();
    for (;;) {
      let done = 0;
      let total = 0;
      for (const c of clients) {
        total += c.counter.count - c.base;
        if (c.reachedAt > 0 || c.ended) done++;
      }
      if (total !== lastTotal) [lastTotal, lastMoveAt] = [total, now()];
      if (done === clients.length || now() > deadline || now() - lastMoveAt > cmd.stallMs) break;
      await sleep(20);
    }
    await sleep(200); // room for surplus events
    const checkers = clients.flatMap((c) => (c.checker ? [c.checker] : []));
    return {
      type: 'collected',
      exact: clients.filter((c) => c.counter.count - c.base === c.target).length,
      clients: clients.length,
      total: clients.reduce((sum, c) => sum + c.counter.count - c.base, 0),
      lastAt: clients.every((c) => c.reachedAt > 0)
        ? Math.max(...clients.map((c) => c.reachedAt))
        : 0,
      orderErrors: checkers.reduce((sum, c) => sum + c.errors, 0),
      firstOrderError: checkers.find((c) => c.firstError)?.firstError,
      latencies: latencies.sort((a, b) => a - b),
    };
  };

  process.on('message', (cmd: LoadgenCommand) => {
    const reply = (message: unknown) => process.send?.(message);
    switch (cmd.type) {
      case 'connect':
        void connect(cmd).then(reply);
        break;
      case 'arm':
        latencies.length = 0;
        for (const c of clients) {
          c.base = c.counter.count;
          c.target = cmd.events;
          c.reachedAt = 0;
          if (c.checker) Object.assign(c.checker, { mode: cmd.mode, warmupUntil: cmd.warmupUntil });
        }
        reply({ type: 'armed' });
        break;
      case 'collect':
        void collect(cmd).then(reply);
        break;
      case 'close':
        for (const c of clients) c.socket.destroy();
        clients = [];
        reply({ type: 'closed' });
        break;
    }
  });
}
