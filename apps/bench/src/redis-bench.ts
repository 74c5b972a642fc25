/**
 * ssekit across processes: the Redis broker with three server processes against the in-memory
 * broker in one, on the same workload as `pnpm bench` (the `price` event of the DESIGN, validation
 * on, published with its symbol as topic).
 *
 *   pnpm --filter @ssekit/bench exec tsx src/redis-bench.ts [--clients=900] [--events=1000]
 *     [--batch=100] [--reps=3] [--rates=100,1000] [--seconds=10] [--loadgens=2] [--aof]
 *     [--memory-events=10000]
 *
 * - burst: `clients` subscribers spread evenly over the server processes, `events` published from
 *   the first process, `batch` per event-loop tick; events delivered per second, from the first
 *   publish to the last client's last event (median of `reps`).
 * - steady: `rate` events/s for `seconds`, publish-to-receive latency (p50, p99, max) sampled on about
 *   100 clients, the first second left out.
 * - Redis memory per retained event: `MEMORY USAGE <key> SAMPLES 0` / `XLEN` of the stream after
 *   the runs, and on fresh streams of `memory-events` events of three sizes (see redis-bench/memory.ts).
 * - `--aof` adds the same runs on Redis with `appendonly yes`, `appendfsync everysec`.
 *
 * Each configuration gets a fresh redis-server (no persistence unless `--aof`) on a free port; load
 * generators are processes of their own. Every process is a bundle of this file (esbuild, ssekit from
 * source), started with a role: `server` or `loadgen`. Writes results/redis.md and results/redis.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loadgen } from './redis-bench/loadgen.js';
import { measureMemory } from './redis-bench/memory.js';
import { children, redisCommand, startRedis, startRole, stop } from './redis-bench/processes.js';
import {
  ask,
  type Collected,
  KEY,
  type LoadgenCommand,
  type RunReply,
  type ServerCommand,
} from './redis-bench/protocol.js';
import { type ConfigResult, fmtMs, fmtRate, report } from './redis-bench/report.js';
import { server } from './redis-bench/server.js';
import { quantile } from './runner/results.js';
import { now, sleep } from './shared/clock.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

/** One column of the report: a broker, how many server processes, and Redis's persistence. */
interface Config {
  readonly id: string;
  readonly label: string;
  readonly processes: number;
  readonly redis: 'none' | 'aof' | null;
}

async function runConfig(
  bundle: string,
  config: Config,
  plan: {
    clients: number;
    events: number;
    batch: number;
    reps: number;
    rates: number[];
    seconds: number;
    loadgens: number;
  },
): Promise<ConfigResult> {
  const redis = config.redis ? await startRedis(config.redis === 'aof') : undefined;
  const redisUrl = redis ? `redis://127.0.0.1:${redis.port}` : undefined;
  const servers = await Promise.all(
    Array.from({ length: config.processes }, () => startRole(bundle, 'server', { redisUrl })),
  );
  const ports = await Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve) =>
          s.once('message', (m: { port: number }) => resolve(m.port)),
        ),
    ),
  );
  const loadgens = await Promise.all(
    Array.from({ length: plan.loadgens }, () => startRole(bundle, 'loadgen', {})),
  );
  const result: ConfigResult = {
    id: config.id,
    label: config.label,
    processes: config.processes,
    burst: { rates: [], ok: true },
    steady: [],
  };
  try {
    const share = Math.ceil(plan.clients / loadgens.length);
    const sampleEvery = Math.max(1, Math.floor(plan.clients / 100));
    const connected = await Promise.all(
      loadgens.map((l, i) =>
        ask<{ opened: number; failed: number }>(l, {
          type: 'connect',
          ports,
          first: i * share,
          count: Math.max(0, Math.min(share, plan.clients - i * share)),
          sampleEvery,
        } satisfies LoadgenCommand),
      ),
    );
    const failed = connected.reduce((sum, c) => sum + c.failed, 0);
    if (failed > 0) throw new Error(`${failed} of ${plan.clients} connections failed`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const stats = await Promise.all(
        servers.map((s) => ask<{ connections: number }>(s, { type: 'stats' })),
      );
      if (stats.reduce((sum, s) => sum + s.connections, 0) === plan.clients) break;
      if (Date.now() > deadline) throw new Error('the servers did not register every client');
      await sleep(50);
    }
    const publisher = servers[0]!;
    const round = async (
      events: number,
      run: ServerCommand,
      mode: 'seq' | 'time',
      warmupUntil = 0,
    ) => {
      await Promise.all(loadgens.map((l) => ask(l, { type: 'arm', events, mode, warmupUntil })));
      const published = ask<RunReply>(publisher, run);
      const deadlineMs = run.type === 'steady' ? run.durationMs + 10_000 : 60_000;
      const got = await Promise.all(
        loadgens.map((l) => ask<Collected>(l, { type: 'collect', deadlineMs, stallMs: 10_000 })),
      );
      const runInfo = await published;
      const exact = got.reduce((sum, g) => sum + g.exact, 0);
      const orderErrors = got.reduce((sum, g) => sum + g.orderErrors, 0);
      const lastAt = got.some((g) => g.lastAt === 0) ? 0 : Math.max(...got.map((g) => g.lastAt));
      const note =
        runInfo.failed > 0
          ? `${runInfo.failed} publishes failed`
          : orderErrors > 0
            ? `${orderErrors} order errors: ${got.find((g) => g.firstOrderError)?.firstOrderError}`
            : exact !== plan.clients
              ? `${exact} of ${plan.clients} clients got exactly ${events} events`
              : undefined;
      return {
        runInfo,
        lastAt,
        note,
        latencies: got.flatMap((g) => g.latencies).sort((a, b) => a - b),
      };
    };

    // Warm-up: a small burst that every client must receive (JIT, connection pools, the tails).
    await round(10, { type: 'burst', count: 10, batch: 10 }, 'seq');
    for (let rep = 0; rep < plan.reps; rep++) {
      const r = await round(
        plan.events,
        { type: 'burst', count: plan.events, batch: plan.batch },
        'seq',
      );
      if (r.note) Object.assign(result.burst, { ok: false, note: r.note });
      else
        result.burst.rates.push(
          (plan.clients * plan.events) / ((r.lastAt - r.runInfo.startedAt) / 1000),
        );
    }
    for (const rate of plan.rates) {
      const durationMs = plan.seconds * 1000;
      const planned = Math.round((rate * durationMs) / 1000);
      const r = await round(planned, { type: 'steady', rate, durationMs }, 'time', now() + 1_000);
      result.steady.push({
        rate,
        p50Ms: quantile(r.latencies, 0.5),
        p99Ms: quantile(r.latencies, 0.99),
        maxMs: r.latencies.at(-1),
        ok: r.note === undefined,
        note: r.note,
      });
    }
    if (redis) {
      const bytes = Number(
        (await redisCommand(redis.port, 'MEMORY', 'USAGE', KEY, 'SAMPLES', '0')).slice(1),
      );
      const entries = Number((await redisCommand(redis.port, 'XLEN', KEY)).slice(1));
      result.redisBytesPerEvent = bytes / entries;
      result.redisEntries = entries;
    }
    return result;
  } finally {
    await Promise.all([...servers, ...loadgens].map(stop));
    await redis?.stop();
  }
}

async function runner(): Promise<void> {
  const plan = {
    clients: Number(option('clients', '900')),
    events: Number(option('events', '1000')),
    batch: Number(option('batch', '100')),
    reps: Number(option('reps', '3')),
    rates: option('rates', '100,1000').split(',').map(Number),
    seconds: Number(option('seconds', '10')),
    loadgens: Number(option('loadgens', '2')),
  };
  const outDir = `${BENCH_DIR}/dist/redis-bench`;
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: `${outDir}/redis-bench.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: `${BENCH_DIR}/tsconfig.json`,
    // ssekit from source; ioredis bundled (apps/bench does not depend on it); the rest from npm.
    external: ['express', 'esbuild', 'zod-workspace'],
    alias: { zod: 'zod-workspace' },
    // Bundled CommonJS (ioredis) calls require(): give the ES module one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const bundle = `${outDir}/redis-bench.mjs`;
  const configs: Config[] = [
    { id: 'memory', label: 'in-memory broker', processes: 1, redis: null },
    { id: 'redis', label: 'Redis broker, no persistence', processes: 3, redis: 'none' },
  ];
  if (process.argv.includes('--aof')) {
    configs.push({
      id: 'redis-aof',
      label: 'Redis broker, AOF everysec',
      processes: 3,
      redis: 'aof',
    });
  }
  const results: ConfigResult[] = [];
  for (const config of configs) {
    const started = Date.now();
    const result = await runConfig(bundle, config, plan);
    results.push(result);
    console.log(
      `${config.label.padEnd(30)} burst ${result.burst.rates.map(fmtRate).join(' ')}  ${result.steady
        .map((s) => `${s.rate}/s p50 ${fmtMs(s.p50Ms)} p99 ${fmtMs(s.p99Ms)}`)
        .join(
          '  ',
        )}${result.redisBytesPerEvent ? `  ${Math.round(result.redisBytesPerEvent)} B/event` : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)${result.burst.note ? ` ${result.burst.note}` : ''}`,
    );
  }
  const memory = await measureMemory(Number(option('memory-events', '10000')));
  for (const m of memory) console.log(`${m.label}: ${Math.round(m.bytesPerEvent)} B per event`);
  const command = `pnpm --filter @ssekit/bench exec tsx src/redis-bench.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = report(results, memory, plan, command);
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  writeFileSync(`${BENCH_DIR}/results/redis.md`, markdown);
  writeFileSync(
    `${BENCH_DIR}/results/redis.json`,
    `${JSON.stringify({ plan, results, memory }, null, 2)}\n`,
  );
  console.log(`\n${markdown}`);
  if (results.some((r) => !r.burst.ok || r.steady.some((s) => !s.ok))) process.exitCode = 1;
}

const role = process.argv[2];
if (role === 'server' || role === 'loadgen') {
  // The runner went away: so does this process.
  process.on('disconnect', () => process.exit(0));
  if (role === 'server') await server(JSON.parse(process.argv[3] ?? '{}') as { redisUrl?: string });
  else loadgen();
} else {
  try {
    await runner();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}
