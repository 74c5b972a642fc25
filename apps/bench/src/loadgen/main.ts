/**
 * A load generator process. The runner forks it and drives it over IPC (see `shared/protocol.ts`):
 * open N SSE connections, count events towards a target, report when each client got there. It
 * never publishes and never parses JSON on the hot path.
 */
import { cpuMs, now, sleep } from '../shared/clock.js';
import { maxOpenFiles } from '../shared/limits.js';
import type {
  CollectResult,
  ConnectResult,
  LoadgenCommand,
  LoadgenReply,
  ReadSpec,
  StreamResult,
} from '../shared/protocol.js';
import { SseConnection } from './connection.js';
import { EventChecker } from './event-checker.js';

const MAX_LATENCY_SAMPLES = 20_000;

let connections: SseConnection[] = [];
const latencies: number[] = [];

function reply(message: LoadgenReply): void {
  process.send?.(message);
}

function checkerFor(index: number, count: number, read: ReadSpec): EventChecker | undefined {
  const sampled = index % read.sampleEvery === 0 || index === count - 1;
  return sampled ? new EventChecker(read, read.mode === 'time' ? latencies : undefined) : undefined;
}

/**
 * Open `count` connections, at most `concurrency` at once, each built by `make` with the callback
 * that reports its response head; resolves when every one opened or failed, or at the timeout.
 */
async function openMany(
  count: number,
  concurrency: number,
  timeoutMs: number,
  make: (index: number, onOpen: (error: string | undefined) => void) => SseConnection,
): Promise<ConnectResult> {
  const started = now();
  let next = 0;
  let settled = 0;
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  let lastOpenAt = started;
  await new Promise<void>((resolve) => {
    if (count === 0) return resolve();
    // Past the timeout the run is over: connections that open late must not start new ones, or they
    // would keep opening into the next run (which spoiled a 10 000-client cell once).
    let over = false;
    const timer = setTimeout(() => {
      over = true;
      resolve();
    }, timeoutMs);
    const launch = () => {
      while (!over && next < count && next - settled < concurrency) {
        const index = next++;
        const conn = make(index, (error) => {
          settled++;
          if (error === undefined) {
            opened++;
            lastOpenAt = now();
          } else {
            failed++;
            firstError ??= error;
          }
          if (settled === count) {
            clearTimeout(timer);
            resolve();
          } else launch();
        });
        connections.push(conn);
      }
    };
    launch();
  });
  return {
    type: 'connect',
    opened,
    failed: count - opened,
    firstError: firstError ?? (failed === 0 && opened < count ? 'connect timed out' : undefined),
    elapsedMs: lastOpenAt - started,
  };
}

function connect(cmd: Extract<LoadgenCommand, { type: 'connect' }>): Promise<ConnectResult> {
  return openMany(
    cmd.count,
    cmd.concurrency,
    cmd.timeoutMs,
    (index, onOpen) =>
      new SseConnection({
        port: cmd.port,
        path: cmd.path,
        checker: checkerFor(index, cmd.count, cmd.read),
        onOpen,
        onProgress: noop,
      }),
  );
}

/** The resume storm's reconnect: every cut connection comes back with its last event's id. */
function reconnect(cmd: Extract<LoadgenCommand, { type: 'reconnect' }>): Promise<ConnectResult> {
  const old = connections;
  connections = [];
  for (const conn of old) conn.close();
  latencies.length = 0;
  return openMany(old.length, cmd.concurrency, cmd.timeoutMs, (index, onOpen) => {
    const before = old[index]!.checker;
    const sampled = index % cmd.read.sampleEvery === 0 || index === old.length - 1;
    before?.setRead(cmd.read);
    const conn = new SseConnection({
      port: cmd.port,
      path: cmd.path,
      // A sampled client keeps its checker: ids and sequence numbers must go on without a gap.
      checker: sampled ? before : undefined,
      onOpen,
      onProgress: noop,
      ...(before?.lastId === undefined ? {} : { lastEventId: before.lastId }),
    });
    conn.arm(cmd.events);
    return conn;
  });
}

function noop(): void {}

function arm(events: number, read: ReadSpec): void {
  latencies.length = 0;
  for (const conn of connections) {
    conn.arm(events);
    // Order state carries across runs on the same connections; only the read spec changes.
    conn.checker?.setRead(read);
  }
}

async function collect(cmd: Extract<LoadgenCommand, { type: 'collect' }>): Promise<CollectResult> {
  const deadline = now() + cmd.deadlineMs;
  // Stall detection starts with the first event: a server may spend long in one synchronous
  // publish loop (writes corked until it ends) before anything reaches a socket.
  let lastTotal = 0;
  let lastMoveAt = Number.POSITIVE_INFINITY;
  let outcome: CollectResult['outcome'] = 'complete';
  for (;;) {
    let done = 0;
    let total = 0;
    for (const conn of connections) {
      total += conn.count;
      if (conn.reachedAt > 0 || conn.ended) done++;
    }
    const t = now();
    if (total !== lastTotal) {
      lastTotal = total;
      lastMoveAt = t;
    }
    if (done === connections.length) break;
    if (t > deadline) {
      outcome = 'deadline';
      break;
    }
    if (t > lastMoveAt + cmd.stallMs) {
      outcome = 'stalled';
      break;
    }
    await sleep(20);
  }
  if (outcome === 'complete') await sleep(cmd.graceMs);
  return summarize(outcome);
}

function summarize(outcome: CollectResult['outcome']): CollectResult {
  let exact = 0;
  let minCount = Number.POSITIVE_INFINITY;
  let maxCount = 0;
  let totalEvents = 0;
  let lastAt = 0;
  let allReached = true;
  let sampledClients = 0;
  let orderErrors = 0;
  let firstOrderError: string | undefined;
  let closedEarly = 0;
  for (const conn of connections) {
    const count = conn.count;
    totalEvents += count;
    minCount = Math.min(minCount, count);
    maxCount = Math.max(maxCount, count);
    if (count === conn.target) exact++;
    if (conn.ended) closedEarly++;
    if (conn.reachedAt === 0) allReached = false;
    else lastAt = Math.max(lastAt, conn.reachedAt);
    if (conn.checker !== undefined) {
      sampledClients++;
      orderErrors += conn.checker.errors;
      firstOrderError ??= conn.checker.firstError;
    }
  }
  const final =
    outcome === 'complete' && exact !== connections.length
      ? closedEarly > 0
        ? 'closed'
        : outcome
      : outcome;
  return {
    type: 'collect',
    exact,
    clients: connections.length,
    minCount: connections.length === 0 ? 0 : minCount,
    maxCount,
    totalEvents,
    lastAt: allReached ? lastAt : 0,
    outcome: final,
    sampledClients,
    orderErrors,
    firstOrderError,
    latencies: thin(latencies.sort((a, b) => a - b)),
    closedEarly,
    cpuMs: cpuMs(),
  };
}

/** Evenly spaced order statistics of a sorted array, keeping the maximum. */
function thin(sorted: number[]): number[] {
  if (sorted.length <= MAX_LATENCY_SAMPLES) return sorted;
  const out: number[] = [];
  const step = (sorted.length - 1) / (MAX_LATENCY_SAMPLES - 1);
  for (let i = 0; i < MAX_LATENCY_SAMPLES; i++) out.push(sorted[Math.round(i * step)]!);
  return out;
}

async function stream(cmd: Extract<LoadgenCommand, { type: 'stream' }>): Promise<StreamResult> {
  const read: ReadSpec = { mode: 'seq', sampleEvery: 1 };
  const checker = new EventChecker(read, undefined);
  const startedAt = now();
  let error: string | undefined;
  let conn: SseConnection | undefined;
  const finished = new Promise<void>((resolve) => {
    conn = new SseConnection({
      port: cmd.port,
      path: cmd.path,
      checker,
      onOpen: (e) => {
        error = e;
      },
      onProgress: (c) => {
        if (c.ended) resolve();
      },
    });
  });
  const c = conn!;
  c.arm(cmd.events);
  await Promise.race([finished, sleep(cmd.deadlineMs)]);
  const timedOut = !c.ended;
  c.close();
  return {
    type: 'stream',
    status: c.status,
    count: c.count,
    startedAt,
    lastAt: c.reachedAt || c.lastAt,
    ended: !timedOut && error === undefined,
    timedOut,
    orderErrors: checker.errors,
    firstOrderError: checker.firstError,
    error,
  };
}

async function handle(cmd: LoadgenCommand): Promise<LoadgenReply> {
  switch (cmd.type) {
    case 'connect':
      return connect(cmd);
    case 'reconnect':
      return reconnect(cmd);
    case 'arm':
      arm(cmd.events, cmd.read);
      return { type: 'armed', cpuMs: cpuMs() };
    case 'collect':
      return collect(cmd);
    case 'stream':
      return stream(cmd);
    case 'close':
      for (const conn of connections) conn.close();
      connections = [];
      return { type: 'closed' };
    case 'limits':
      return { type: 'limits', maxOpenFiles: maxOpenFiles() };
  }
}

process.on('message', (cmd: LoadgenCommand) => {
  handle(cmd).then(reply, (error: unknown) =>
    reply({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
});
// The runner went away: so do we. No orphan keeps sockets open.
process.on('disconnect', () => process.exit(0));
