// The server side of the heap probe (`pnpm --filter @ssekit/bench bench:heap`): over one burst, the
// GC pauses, a sampling heap profile that keeps collected objects, and the heap after full GCs.
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { cpuMs } from './clock.js';

/** What a server allocated and kept between `POST` and `GET /control/heap`. */
export interface HeapReport {
  /** Server CPU time over the window. */
  readonly cpuMs: number;
  /** V8's used heap after full GCs, at the start and at the end: the difference is what stayed. */
  readonly heapUsedBefore: number;
  readonly heapUsedAfter: number;
  /** GC pauses of the main thread by kind (minor = scavenge, major = mark-compact). */
  readonly gc: Readonly<Record<string, { count: number; ms: number }>>;
  /** Bytes allocated, as the sampling profiler estimates them (collected objects included). */
  readonly allocatedBytes: number;
  /** Allocation sites (`function file:line`) by bytes, the largest first. */
  readonly sites: readonly { readonly site: string; readonly bytes: number }[];
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

let running:
  | {
      session: Session | undefined;
      observer: PerformanceObserver;
      gc: HeapReport['gc'];
      cpu: number;
      heap: number;
    }
  | undefined;

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

/** Full GCs, then V8's used heap (the server runs with `--expose-gc`). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('start the server with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return v8.getHeapStatistics().used_heap_size;
}

/** Start the window: full GCs (and a heap snapshot to `snapshot`), then GC timing and sampling. */
export async function startHeapProbe(options: {
  snapshot?: string | undefined;
  intervalBytes: number;
}): Promise<void> {
  if (running !== undefined) throw new Error('the heap probe is running already');
  const heap = heapAfterGc();
  if (options.snapshot !== undefined) v8.writeHeapSnapshot(options.snapshot);
  const gc: Record<string, { count: number; ms: number }> = {};
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as PerformanceEntry & { detail?: { kind: number } }).detail;
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'other';
      const k = gc[kind] ?? { count: 0, ms: 0 };
      k.count += 1;
      k.ms += entry.duration;
      gc[kind] = k;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  // An interval of 0 times the GCs alone: the sampling costs CPU and allocates.
  let session: Session | undefined;
  if (options.intervalBytes > 0) {
    session = new Session();
    session.connect();
    await post(session, 'HeapProfiler.startSampling', {
      samplingInterval: options.intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  running = { session, observer, gc, cpu: cpuMs(), heap };
}

/** End the window: what was allocated, where, the GC pauses, and what stayed after full GCs. */
export async function stopHeapProbe(options: {
  snapshot?: string | undefined;
}): Promise<HeapReport> {
  if (running === undefined) throw new Error('POST /control/heap first');
  const { session, observer, gc, cpu, heap } = running;
  running = undefined;
  const used = cpuMs() - cpu;
  observer.disconnect();
  let head: ProfileNode | undefined;
  if (session !== undefined) {
    const stopped = await post<{ profile: { head: ProfileNode } }>(
      session,
      'HeapProfiler.stopSampling',
    );
    head = stopped.profile.head;
    session.disconnect();
  }
  const bySite = new Map<string, number>();
  let allocatedBytes = 0;
  const walk = (node: ProfileNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    if (node.selfSize > 0) {
      const site = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      allocatedBytes += node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  if (head !== undefined) walk(head);
  const heapUsedAfter = heapAfterGc();
  if (options.snapshot !== undefined) v8.writeHeapSnapshot(options.snapshot);
  return {
    cpuMs: used,
    heapUsedBefore: heap,
    heapUsedAfter,
    gc,
    allocatedBytes,
    sites: [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([site, bytes]) => ({ site, bytes })),
  };
}
