/**
 * What every contender's server shares: the listening socket, the control endpoints the runner
 * drives, and the publishing loops. A contender only says how to serve a subscriber, how to publish
 * one event, and how many subscribers it holds, so that every one of them runs the same workload.
 *
 * Control endpoints (all on the contender's own port):
 * - `GET  /control/stats`                       subscribers, published count, last run's timings
 * - `POST /control/burst?count=M&batch=K`       publish M events, K per event-loop tick
 * - `POST /control/steady?rate=R&durationMs=D`  publish R events/s for D ms
 * - `GET  /control/memory`                      heap and RSS after full GCs (needs --expose-gc)
 * - `POST /control/cut`                         destroy every socket but this request's (resume storm)
 * - `POST /control/peak`                        start sampling RSS and heap every 20 ms
 * - `GET  /control/peak`                        the peaks since, and stop sampling
 * - `POST /control/heap?interval=B&snapshot=F`  start the heap probe (`shared/heap.ts`)
 * - `GET  /control/heap?snapshot=F`             what was allocated and kept since, and stop it
 */

import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import v8 from 'node:v8';
import { cpuMs, now } from '../shared/clock.js';
import { startHeapProbe, stopHeapProbe } from '../shared/heap.js';
import { maxOpenFiles } from '../shared/limits.js';
import type { ServerHello } from '../shared/protocol.js';
import { makePrice, type PriceEvent, type PriceMode } from '../shared/workload.js';

export interface Contender {
  /** Serves everything outside `/control/`: a node listener or an express app. */
  readonly handler: http.RequestListener;
  readonly subscribePath: string;
  /** An RPC stream of `{count}` events, if the contender has one. */
  readonly streamPath?: string;
  /** Broadcast one event to every subscriber. `seq` grows by one per event, from 1. */
  publish(event: PriceEvent, seq: number): void;
  /** Subscribers currently registered to receive broadcasts. */
  subscribers(): number;
}

interface RunInfo {
  kind: 'burst' | 'steady';
  /** CPU time of the server process when the run began. */
  cpuMs: number;
  startedAt: number;
  endedAt: number;
  planned: number;
  published: number;
  /** Largest delay between an event's scheduled and actual publish time (steady only). */
  maxLagMs: number;
}

let seq = 0;
let lastRun: RunInfo | undefined;
/** Every open socket of the server, SSE or control: `/control/cut` destroys all but its own. */
const sockets = new Set<Socket>();

interface Peak {
  rss: number;
  heapUsed: number;
  startRss: number;
  startHeapUsed: number;
  timer: NodeJS.Timeout;
}
let peak: Peak | undefined;

function samplePeak(p: Peak): void {
  const rss = process.memoryUsage.rss();
  const heapUsed = v8.getHeapStatistics().used_heap_size;
  if (rss > p.rss) p.rss = rss;
  if (heapUsed > p.heapUsed) p.heapUsed = heapUsed;
}

function startPeak(): Peak {
  if (peak !== undefined) clearInterval(peak.timer);
  const rss = process.memoryUsage.rss();
  const heapUsed = v8.getHeapStatistics().used_heap_size;
  const p: Peak = { rss, heapUsed, startRss: rss, startHeapUsed: heapUsed, timer: undefined! };
  p.timer = setInterval(() => samplePeak(p), 20);
  peak = p;
  return p;
}

/**
 * Which threads' CPU time the server reports (`BENCH_SERVER_CPU`): unset, the whole process
 * (`process.cpuUsage()`); `main`, the main thread, where the JavaScript runs; `helpers`, every other
 * thread (V8's compiler and collector helpers, libuv's pool). The last two read Linux's per-thread
 * `schedstat`, so they need /proc.
 */
const CPU_THREADS = process.env.BENCH_SERVER_CPU;

function threadCpuMs(tid: string): number {
  return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

function serverCpuMs(): number {
  if (CPU_THREADS !== 'main' && CPU_THREADS !== 'helpers') return cpuMs();
  const main = threadCpuMs(String(process.pid));
  if (CPU_THREADS === 'main') return main;
  let all = 0;
  for (const tid of readdirSync('/proc/self/task')) all += threadCpuMs(tid);
  return all - main;
}

/** Say why this contender cannot run here, and exit: the runner reports it instead of failing. */
export function unavailable(reason: string): never {
  const hello: ServerHello = { type: 'unavailable', reason };
  process.stdout.write(`${JSON.stringify(hello)}\n`);
  process.exit(0);
}

function publishOne(contender: Contender, mode: PriceMode): void {
  seq++;
  const t = mode === 'time' ? now() : seq;
  contender.publish(makePrice(seq, t), seq);
}

function burst(contender: Contender, count: number, batch: number): RunInfo {
  const run: RunInfo = {
    kind: 'burst',
    cpuMs: serverCpuMs(),
    startedAt: now(),
    endedAt: 0,
    planned: count,
    published: 0,
    maxLagMs: 0,
  };
  const step = () => {
    if (run.published === 0) run.startedAt = now();
    const end = Math.min(count, run.published + batch);
    while (run.published < end) {
      publishOne(contender, 'seq');
      run.published++;
    }
    if (run.published < count) setImmediate(step);
    else run.endedAt = now();
  };
  setImmediate(step);
  return run;
}

function steady(contender: Contender, rate: number, durationMs: number): RunInfo {
  const planned = Math.round((rate * durationMs) / 1000);
  const run: RunInfo = {
    kind: 'steady',
    cpuMs: serverCpuMs(),
    startedAt: now(),
    endedAt: 0,
    planned,
    published: 0,
    maxLagMs: 0,
  };
  const interval = 1000 / rate;
  const timer = setInterval(() => {
    const due = Math.min(planned, Math.floor((now() - run.startedAt) / interval) + 1);
    while (run.published < due) {
      const lag = now() - (run.startedAt + run.published * interval);
      if (lag > run.maxLagMs) run.maxLagMs = lag;
      publishOne(contender, 'time');
      run.published++;
    }
    if (run.published >= planned) {
      clearInterval(timer);
      run.endedAt = now();
    }
  }, 1);
  return run;
}

async function memory(): Promise<NodeJS.MemoryUsage> {
  // Node exposes gc with --expose-gc; Bun has its own, `Bun.gc(true)` (a full, synchronous GC).
  const runtime = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  const bun = runtime.Bun;
  const gc = runtime.gc ?? (bun ? () => bun.gc(true) : undefined);
  if (gc === undefined) throw new Error('start the server with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage();
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function control(contender: Contender, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const num = (name: string) => Number(url.searchParams.get(name));
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /control/stats':
      json(res, 200, {
        subscribers: contender.subscribers(),
        published: seq,
        lastRun,
        cpuMs: serverCpuMs(),
      });
      break;
    case 'POST /control/burst':
      lastRun = burst(contender, num('count'), Math.max(1, num('batch') || 1));
      json(res, 200, lastRun);
      break;
    case 'POST /control/steady':
      lastRun = steady(contender, num('rate'), num('durationMs'));
      json(res, 200, lastRun);
      break;
    case 'POST /control/cut': {
      let cut = 0;
      for (const socket of sockets) {
        if (socket === req.socket) continue;
        socket.destroy();
        cut++;
      }
      json(res, 200, { cut });
      break;
    }
    case 'POST /control/peak': {
      const p = startPeak();
      json(res, 200, { rss: p.rss, heapUsed: p.heapUsed });
      break;
    }
    case 'GET /control/peak': {
      if (peak === undefined) {
        json(res, 409, { error: 'POST /control/peak first' });
        break;
      }
      samplePeak(peak);
      clearInterval(peak.timer);
      const { rss, heapUsed, startRss, startHeapUsed } = peak;
      peak = undefined;
      json(res, 200, { rss, heapUsed, startRss, startHeapUsed });
      break;
    }
    case 'POST /control/heap':
      startHeapProbe({
        snapshot: url.searchParams.get('snapshot') ?? undefined,
        intervalBytes: url.searchParams.has('interval') ? num('interval') : 4096,
      }).then(
        () => json(res, 200, {}),
        (error: Error) => json(res, 500, { error: error.message }),
      );
      break;
    case 'GET /control/heap':
      stopHeapProbe({ snapshot: url.searchParams.get('snapshot') ?? undefined }).then(
        (report) => json(res, 200, report),
        (error: Error) => json(res, 500, { error: error.message }),
      );
      break;
    case 'GET /control/memory':
      memory().then(
        (usage) => json(res, 200, { ...usage, subscribers: contender.subscribers() }),
        (error: Error) => json(res, 500, { error: error.message }),
      );
      break;
    default:
      json(res, 404, { error: 'unknown control endpoint' });
  }
}

/**
 * Listen on 127.0.0.1 on a free port, print the hello line, and exit when the runner closes our
 * stdin (so that no server outlives its runner, even one killed with SIGKILL).
 */
export async function serve(contender: Contender): Promise<void> {
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/control/')) control(contender, req, res);
    else contender.handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  await new Promise((resolve) => server.once('listening', resolve));
  const hello: ServerHello = {
    type: 'ready',
    port: (server.address() as AddressInfo).port,
    subscribePath: contender.subscribePath,
    streamPath: contender.streamPath,
    maxOpenFiles: maxOpenFiles(),
  };
  process.stdout.write(`${JSON.stringify(hello)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
}

/** An RPC stream's events: `count` workload events with `price` = 1, 2, 3… */
export async function* ticks(count: number): AsyncGenerator<PriceEvent> {
  for (let i = 1; i <= count; i++) yield makePrice(i, i);
}
