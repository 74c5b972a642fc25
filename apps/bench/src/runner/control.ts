/** The runner's side of the servers' control endpoints (see `servers/harness.ts`). */
import http from 'node:http';
import { sleep } from '../shared/clock.js';
import type { HeapReport } from '../shared/heap.js';

export interface ServerRun {
  kind: 'burst' | 'steady';
  cpuMs: number;
  startedAt: number;
  endedAt: number;
  planned: number;
  published: number;
  maxLagMs: number;
}

export interface ServerStats {
  subscribers: number;
  published: number;
  lastRun: ServerRun | undefined;
  cpuMs: number;
}

export interface ServerMemory {
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  subscribers: number;
}

/**
 * One control request on a connection of its own (`agent: false`): a pooled keep-alive socket can
 * be closed by the server's keep-alive timeout just as the next request goes out on it.
 */
function call<T>(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          body += text;
        });
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${body}`));
          else resolve(JSON.parse(body) as T);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

export interface ServerPeak {
  /** Highest RSS and V8 heap sampled (every 20 ms) since `POST /control/peak`. */
  rss: number;
  heapUsed: number;
  /** The same when sampling began. */
  startRss: number;
  startHeapUsed: number;
}

const snapshotParam = (file: string | undefined) =>
  file === undefined ? '' : `&snapshot=${encodeURIComponent(file)}`;

export const control = {
  /** Destroy every socket of the server but the control request's; answers how many. */
  cut: (port: number) => call<{ cut: number }>(port, 'POST', '/control/cut'),
  peakStart: (port: number) =>
    call<{ rss: number; heapUsed: number }>(port, 'POST', '/control/peak'),
  peakStop: (port: number) => call<ServerPeak>(port, 'GET', '/control/peak'),
  stats: (port: number) => call<ServerStats>(port, 'GET', '/control/stats'),
  /** Start the heap probe (full GCs first, and a heap snapshot when `snapshot` names a file). */
  heapStart: (port: number, options: { intervalBytes: number; snapshot?: string | undefined }) =>
    call<object>(
      port,
      'POST',
      `/control/heap?interval=${options.intervalBytes}${snapshotParam(options.snapshot)}`,
    ),
  heapStop: (port: number, snapshot?: string) =>
    call<HeapReport>(port, 'GET', `/control/heap?${snapshotParam(snapshot)}`),
  memory: (port: number) => call<ServerMemory>(port, 'GET', '/control/memory'),
  burst: (port: number, count: number, batch: number) =>
    call<ServerRun>(port, 'POST', `/control/burst?count=${count}&batch=${batch}`),
  steady: (port: number, rate: number, durationMs: number) =>
    call<ServerRun>(port, 'POST', `/control/steady?rate=${rate}&durationMs=${durationMs}`),
};

/** Poll until the server holds `count` subscribers; returns the last count seen. */
export async function waitForSubscribers(
  port: number,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = (await control.stats(port)).subscribers;
    if (seen === count) return seen;
    await sleep(50);
  }
  return seen;
}

/**
 * Poll until the last burst or steady run has published everything; returns it, or `undefined`
 * when the server does not answer in time (an overloaded one may be stuck in a publish loop).
 */
export async function waitForRunEnd(
  port: number,
  timeoutMs: number,
): Promise<ServerRun | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let run: ServerRun | undefined;
    try {
      const left = Math.max(100, deadline - Date.now());
      run = (await call<ServerStats>(port, 'GET', '/control/stats', left)).lastRun;
    } catch {
      return undefined;
    }
    if (run !== undefined && run.endedAt > 0) return run;
    await sleep(50);
  }
  return undefined;
}
