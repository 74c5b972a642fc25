/**
 * `pnpm --filter @ssekit/bench bench:heap`: what one published event allocates and keeps on each
 * contender's server, over one burst of the bench's workload (the load generator reads it as in
 * `pnpm bench`). Per delivered event: bytes allocated (sampling heap profiler, collected objects
 * included) and the sites that allocate most; per published event: heap kept after full GCs, and
 * with `--snapshots=DIR` the kept objects by type (two heap snapshots, before and after). Also the
 * main thread's GC pauses over the burst and their share of the server's CPU.
 *
 * Options: `--only=batched,ssekit`, `--burst=100x10000/100` (clients x events / per tick),
 * `--rounds=1`, `--interval=4096` (sampling interval, bytes; 0 times the GCs without the
 * profiler, which costs CPU and allocates), `--snapshots=DIR`, `--sites=12`. Diagnosis, not a
 * benchmark: read `pnpm bench` for CPU and rates.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildHarness } from './runner/build.js';
import { CONTENDERS } from './runner/contenders.js';
import { control } from './runner/control.js';
import { LoadgenPool } from './runner/loadgens.js';
import { FULL } from './runner/plan.js';
import type { Cell } from './runner/results.js';
import { withServer } from './runner/with-server.js';
import {
  collectUntilDone,
  type ScenarioContext,
  sampleEvery,
  subscribeAll,
} from './scenarios/common.js';
import type { HeapReport } from './shared/heap.js';

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const only = (option('only') ?? 'batched,ssekit').split(',');
const shape = /^(\d+)x(\d+)\/(\d+)$/.exec(option('burst') ?? '100x10000/100');
if (shape === null) throw new Error('--burst=<clients>x<events>/<per tick>, e.g. 100x10000/100');
const [clients, events, batch] = shape.slice(1).map(Number) as [number, number, number];
const rounds = Number(option('rounds') ?? 1);
const intervalBytes = Number(option('interval') ?? 4096);
const snapshots = option('snapshots');
const siteCount = Number(option('sites') ?? 12);
const contenders = CONTENDERS.filter((c) => only.includes(c.id) && c.runtime !== 'bun');

interface ProbeCell extends Cell {
  readonly report?: HeapReport;
  /** Kept objects by type between the two snapshots: [type, objects, bytes]. */
  readonly kept?: readonly [string, number, number][];
}

/** Objects and bytes of a heap snapshot by node type (strings of every kind apart). */
function byType(file: string): Map<string, { count: number; size: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { count: number; size: number }>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const kind = types[nodes[i + type]!]!;
    // Objects by constructor; strings, numbers and arrays by kind only.
    const key = kind === 'object' ? `object ${strings[nodes[i + name]!]}` : kind;
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += nodes[i + size]!;
    out.set(key, entry);
  }
  return out;
}

function keptBetween(before: string, after: string): [string, number, number][] {
  const a = byType(before);
  const rows: [string, number, number][] = [];
  for (const [key, b] of byType(after)) {
    const o = a.get(key) ?? { count: 0, size: 0 };
    rows.push([key, b.count - o.count, b.size - o.size]);
  }
  return rows.sort((x, y) => y[2] - x[2]);
}

const pool = new LoadgenPool(1);
const ctx: ScenarioContext = { pool, plan: FULL, log: (line) => console.log(line) };
const per = (n: number, d: number) => (n / d).toFixed(1);

try {
  const built = await buildHarness();
  if (snapshots !== undefined) mkdirSync(snapshots, { recursive: true });
  for (let round = 1; round <= rounds; round++) {
    for (const contender of contenders) {
      if (built.failed.has(contender.script)) continue;
      const file = (when: string) =>
        snapshots === undefined
          ? undefined
          : resolve(snapshots, `${contender.id}-${round}-${when}.heapsnapshot`);
      const cell = (await withServer(contender, async (hello): Promise<ProbeCell> => {
        const read = { mode: 'seq', sampleEvery: sampleEvery(clients) } as const;
        try {
          await subscribeAll(ctx, hello, clients, read);
          await pool.arm(events, read);
          await control.heapStart(hello.port, { intervalBytes, snapshot: file('before') });
          await control.burst(hello.port, events, batch);
          const got = await collectUntilDone(ctx, hello.port, {
            deadlineMs: 120_000,
            graceMs: 500,
          });
          if (got.exact !== got.clients) {
            return {
              contender: contender.id,
              status: 'failed',
              note: `${got.outcome}: ${got.exact} of ${got.clients} clients complete`,
            };
          }
          const report = await control.heapStop(hello.port, file('after'));
          const before = file('before');
          const after = file('after');
          const kept = before && after ? keptBetween(before, after) : undefined;
          return { contender: contender.id, status: 'ok', report, ...(kept ? { kept } : {}) };
        } finally {
          await pool.closeAll();
        }
      })) as ProbeCell;
      const r = cell.report;
      if (cell.status !== 'ok' || r === undefined) {
        console.log(`${contender.id}, round ${round}: ${cell.status} ${cell.note ?? ''}`);
        continue;
      }
      const gcMs = Object.values(r.gc).reduce((sum, k) => sum + k.ms, 0);
      const gcs = Object.entries(r.gc).map(
        ([kind, k]) => `${k.count} ${kind} ${k.ms.toFixed(1)} ms`,
      );
      console.log(
        `\n${contender.id}, round ${round}, ${clients} clients × ${events} events, ${batch} per tick:\n` +
          (intervalBytes > 0
            ? `  allocated ${per(r.allocatedBytes, events)} B per published event ` +
              `(${per(r.allocatedBytes, events * clients)} B per delivered one)\n`
            : '') +
          `  kept after full GCs ${per(r.heapUsedAfter - r.heapUsedBefore, events)} B per published event\n` +
          `  GC pauses ${gcMs.toFixed(1)} ms (${gcs.join(', ')}), ${((gcMs / r.cpuMs) * 100).toFixed(1)}% of ` +
          `the server's ${r.cpuMs.toFixed(0)} ms CPU over the burst`,
      );
      for (const { site, bytes } of r.sites.slice(0, siteCount)) {
        console.log(`  ${per(bytes, events).padStart(8)} B/event  ${site}`);
      }
      if (cell.kept !== undefined) {
        console.log('  kept, by type (objects and bytes per published event, heap snapshots):');
        for (const [type, count, size] of cell.kept.slice(0, 8)) {
          console.log(
            `  ${per(count, events).padStart(8)} objects ${per(size, events).padStart(8)} B  ${type}`,
          );
        }
      }
    }
  }
} finally {
  await pool.stop();
}
