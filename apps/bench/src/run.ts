/**
 * `pnpm bench` — every contender through every scenario, one server process at a time, and the
 * report: BENCHMARKS.md at the repository root (full plan) or results/quick.md (`--quick`), the
 * sections other scripts wrote there kept.
 *
 * Options: `--quick`, `--only=ssekit,batched`, `--bursts=1000x1000,10000x100`,
 * `--scenarios=burst,steady,stream,connections,predicate,resume`,
 * `--loadgens=N` (load generator processes, default 1), `--out=FILE`, `--warm-up[=F]` (an
 * unmeasured F times each burst first, on the same clients; F defaults to a fifth), `--rounds=N`
 * (alternating rounds per scenario instead of the plan's).
 * Exits 1 when a contender delivered a wrong number of events (or out of order), crashed, or
 * refused connections; an unavailable contender or an overloaded one is reported, not a failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environment } from './report/environment.js';
import { ms, percent, us } from './report/format.js';
import { renderMarkdown } from './report/markdown.js';
import { keepOtherSections } from './report/sections.js';
import { buildHarness } from './runner/build.js';
import { CONTENDERS } from './runner/contenders.js';
import { LoadMonitor } from './runner/load-monitor.js';
import { LoadgenPool } from './runner/loadgens.js';
import { FULL, QUICK } from './runner/plan.js';
import {
  type BurstCell,
  type Cell,
  emptyResults,
  type Results,
  type ResumeCell,
  type SteadyCell,
  type StreamCell,
} from './runner/results.js';
import { inRounds, mergeSteady } from './runner/rounds.js';
import { markUnavailable } from './runner/with-server.js';
import { runBurst } from './scenarios/burst.js';
import type { ScenarioContext } from './scenarios/common.js';
import { runConnections } from './scenarios/connections.js';
import { PREDICATE_VARIANTS, runPredicate } from './scenarios/predicate.js';
import { RESUMABLE, runResume } from './scenarios/resume.js';
import { runSteady } from './scenarios/steady.js';
import { runStream } from './scenarios/stream.js';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = resolve(BENCH_DIR, '../..');
const SCENARIOS = ['burst', 'steady', 'stream', 'connections', 'predicate', 'resume'] as const;

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** `--warm-up` alone: a fifth of each burst; `--warm-up=F`: F times it (`2`: twice the burst). */
function warmUpOption(): number | undefined {
  if (process.argv.includes('--warm-up')) return 0.2;
  const value = option('warm-up');
  if (value === undefined) return undefined;
  const fraction = Number(value);
  if (!(fraction > 0)) {
    console.error(`--warm-up=${value}: give a positive multiple of the burst, such as 0.2 or 2`);
    process.exit(2);
  }
  return fraction;
}

/**
 * `--rounds=N`: N alternating rounds of every burst, steady rate, stream and predicate run instead of
 * the plan's (3 in the full plan). On a noisy machine a median of more rounds moves less.
 */
function roundsOption(): number | undefined {
  const value = option('rounds');
  if (value === undefined) return undefined;
  const rounds = Number(value);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds=${value}: give a whole number of rounds, 1 or more`);
    process.exit(2);
  }
  return rounds;
}

const quick = process.argv.includes('--quick');
/** `--bursts=1000x1000,10000x100`: only these burst sizes (clients x events) of the plan. */
const burstSizes = option('bursts')?.split(',');
const rounds = roundsOption();
const basePlan = quick ? QUICK : FULL;
const withRounds = <T extends { readonly reps: number }>(part: T): T =>
  rounds === undefined ? part : { ...part, reps: rounds };
const plan = {
  ...basePlan,
  bursts: basePlan.bursts
    .filter((b) => burstSizes === undefined || burstSizes.includes(`${b.clients}x${b.events}`))
    .map(withRounds),
  steady: basePlan.steady.map(withRounds),
  stream: withRounds(basePlan.stream),
  predicate: withRounds(basePlan.predicate),
  warmUp: warmUpOption(),
};
const only = option('only')?.split(',');
const contenders = CONTENDERS.filter((c) => only === undefined || only.includes(c.id));
const scenarios = option('scenarios')?.split(',') ?? [...SCENARIOS];
const unknown = [
  ...(only ?? []).filter((id) => !CONTENDERS.some((c) => c.id === id)),
  ...scenarios.filter((s) => !(SCENARIOS as readonly string[]).includes(s)),
];
if (unknown.length > 0) {
  console.error(`unknown contender or scenario: ${unknown.join(', ')}`);
  process.exit(2);
}
const out = resolve(
  option('out') ?? (quick ? `${BENCH_DIR}/results/quick.md` : `${REPO_DIR}/BENCHMARKS.md`),
);
const loadgens = Number(option('loadgens') ?? 1);
let pool: LoadgenPool | undefined;
const started = Date.now();
const loadStart = loadavg()[0] ?? Number.NaN;

function log(line: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${t}s] ${line}`);
}

const monitor = new LoadMonitor((load, cores) =>
  log(
    `NOISY RUN: the 1-minute load average is ${load.toFixed(1)}, past the ${cores} cores; ` +
      'the report says so. Read the per-round ratios, not the absolute figures.',
  ),
);

function show(scenario: string, cell: Cell, figures: string): void {
  const note =
    cell.status === 'ok' ? '' : ` ${cell.status.toUpperCase()}${cell.note ? `: ${cell.note}` : ''}`;
  log(`${scenario.padEnd(34)} ${cell.contender.padEnd(16)} ${figures}${note}`);
}

const pct = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n * 100)}%`);
const fmt = (n: number | undefined, unit = '') =>
  n === undefined ? '—' : `${Math.round(n).toLocaleString('en-US')}${unit}`;

async function main(): Promise<Results> {
  const built = await buildHarness();
  for (const c of contenders) {
    const error = built.failed.get(c.script);
    if (error !== undefined)
      markUnavailable(c.id, `not available yet: the bundle does not build: ${error}`);
  }
  pool = new LoadgenPool(loadgens);
  const ctx: ScenarioContext = { pool, plan, log };
  const results = emptyResults();
  const neededFiles =
    Math.ceil(Math.max(plan.connections.count, ...plan.bursts.map((b) => b.clients)) / pool.size) +
    64;
  const loadgenFiles = await pool.maxOpenFiles();
  log(
    `${contenders.length} contenders, ${plan.mode} plan; load generator open-file limit ${loadgenFiles} ` +
      `(need ${neededFiles}); load average ${loadStart.toFixed(1)} on ${cpus().length} cores`,
  );

  if (scenarios.includes('burst')) {
    for (const burst of plan.bursts) {
      const name = `burst ${burst.clients}×${burst.events}/${burst.batch}`;
      const cells = await inRounds({
        rounds: burst.reps,
        contenders,
        budgetMs: plan.repBudgetMs,
        run: (c) => runBurst(ctx, c, burst),
        onResult: (cell) => {
          const c = cell as BurstCell;
          const cpu =
            c.serverCpu?.[0] === undefined
              ? ''
              : ` (cpu: server ${pct(c.serverCpu[0])}, load generator ${pct(c.loadgenCpu?.[0])})`;
          show(
            name,
            cell,
            `${fmt(c.rates?.[0], '/s')}${cpu}, server CPU/event ${us(c.cpuPerEventUs?.[0])}`,
          );
        },
      });
      results.bursts.push({ plan: burst, cells });
      const rest = plan.bursts.slice(plan.bursts.indexOf(burst) + 1);
      if (rest.length > 0) {
        checkpoint(results, 'burst', [
          `burst ${rest.map((b) => `${b.clients}×${b.events}/${b.batch}`).join(', ')}`,
        ]);
      }
    }
  }
  if (scenarios.includes('burst')) checkpoint(results, 'burst');
  if (scenarios.includes('steady')) {
    for (const steady of plan.steady) {
      const cells = await inRounds<SteadyCell>({
        rounds: steady.reps,
        contenders,
        budgetMs: plan.repBudgetMs,
        merge: mergeSteady,
        run: (c) => runSteady(ctx, c, steady),
        onResult: (cell) => {
          const f = cell as SteadyCell;
          show(
            `steady ${steady.clients}×${steady.rate}/s`,
            cell,
            `p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, max ${ms(f.maxMs)}, ${percent(f.delivered)} delivered, ` +
              `server CPU/event ${us(f.cpuPerEventUs)}`,
          );
        },
      });
      results.steady.push({ plan: steady, cells });
      const rest = plan.steady.slice(plan.steady.indexOf(steady) + 1);
      if (rest.length > 0) {
        checkpoint(results, 'steady', [`steady ${rest.map((x) => `${x.rate}/s`).join(', ')}`]);
      }
    }
  }
  if (scenarios.includes('steady')) checkpoint(results, 'steady');
  if (scenarios.includes('stream')) {
    results.stream.push(
      ...(await inRounds({
        rounds: plan.stream.reps,
        contenders,
        budgetMs: plan.repBudgetMs,
        run: (c) => runStream(ctx, c, plan.stream.events),
        onResult: (cell) =>
          show(
            `stream ${plan.stream.events}`,
            cell,
            `${fmt((cell as StreamCell).rates?.[0], '/s')}, server CPU/event ${us((cell as StreamCell).cpuPerEventUs?.[0])}`,
          ),
      })),
    );
  }
  if (scenarios.includes('stream')) checkpoint(results, 'stream');
  if (scenarios.includes('connections')) {
    for (const c of contenders) {
      const cell = await runConnections(ctx, c, plan.connections.count);
      const f = cell as import('./runner/results.js').ConnectionsCell;
      show(
        `connections ${plan.connections.count}`,
        cell,
        `${fmt(f.setupRate, '/s')} heap ${fmt(f.heapPerConnBytes, ' B')} rss ${fmt(f.rssPerConnBytes, ' B')}`,
      );
      results.connections.push(cell);
    }
  }
  if (scenarios.includes('connections')) checkpoint(results, 'connections');
  if (scenarios.includes('predicate') && contenders.some((c) => c.id === 'ssekit')) {
    const p = plan.predicate;
    results.predicate.push(
      ...(await inRounds({
        rounds: p.reps,
        contenders: PREDICATE_VARIANTS,
        budgetMs: plan.repBudgetMs,
        run: (c) => runPredicate(ctx, c, p),
        onResult: (cell) => {
          const c = cell as BurstCell;
          show(
            `predicate ${p.clients}×${p.events}/${p.batch}`,
            cell,
            `${fmt(c.rates?.[0], '/s')}, server CPU/delivered event ${us(c.cpuPerEventUs?.[0])}`,
          );
        },
      })),
    );
  }
  if (scenarios.includes('predicate')) checkpoint(results, 'predicate');
  if (scenarios.includes('resume')) {
    const r = plan.resume;
    for (const c of contenders.filter((x) => RESUMABLE.has(x.id))) {
      const cell = (await runResume(ctx, c, r)) as ResumeCell;
      show(
        `resume storm ${r.clients}×${r.missed}`,
        cell,
        `caught up in ${ms(cell.caughtUpMs)} (all reconnected in ${ms(cell.reconnectedMs)}), ` +
          `server CPU ${ms(cell.serverCpuMs)} = ${us(cell.cpuPerEventUs)}/event, ` +
          `peak RSS ${fmt(cell.peakRss === undefined ? undefined : cell.peakRss / 2 ** 20, ' MiB')}, ` +
          `peak heap ${fmt(cell.peakHeapUsed === undefined ? undefined : cell.peakHeapUsed / 2 ** 20, ' MiB')}`,
      );
      results.resume.push(cell);
    }
  }
  return results;
}

/**
 * Write the report and the raw figures. During the run (`pending` names the scenarios still to
 * come) the report is rewritten after each scenario, marked incomplete: a run stopped by a
 * deadline still leaves what it measured. The sections of the file that other scripts wrote
 * (adapters, client sizes, Redis) stay where they were (`keepOtherSections`).
 */
function write(results: Results, pending: readonly string[] | undefined): void {
  const command = `pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = renderMarkdown({
    plan,
    contenders,
    results,
    env: environment(
      contenders,
      loadStart,
      pending === undefined ? monitor.stop() : monitor.current(),
    ),
    command,
    durationMs: Date.now() - started,
    ...(pending === undefined ? {} : { pending }),
  });
  mkdirSync(dirname(out), { recursive: true });
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  writeFileSync(out, keepOtherSections(previous, markdown));
  mkdirSync(`${BENCH_DIR}/results`, { recursive: true });
  writeFileSync(`${BENCH_DIR}/results/${plan.mode}.json`, `${JSON.stringify(results, null, 2)}\n`);
}

/** After one scenario (or one size of it, `more` naming the rest): rewrite the report. */
function checkpoint(results: Results, done: string, more: readonly string[] = []): void {
  const later = SCENARIOS.slice(SCENARIOS.indexOf(done as (typeof SCENARIOS)[number]) + 1).filter(
    (x) => scenarios.includes(x),
  );
  write(results, [...more, ...later]);
}

function failures(results: Results): Cell[] {
  return [
    ...results.bursts.flatMap((b) => b.cells),
    ...results.steady.flatMap((s) => s.cells),
    ...results.connections,
    ...results.stream,
    ...results.predicate,
    ...results.resume,
  ].filter((c) => c.status === 'failed');
}

try {
  const results = await main();
  write(results, undefined);
  log(`wrote ${relative(process.cwd(), out)}`);
  const failed = failures(results);
  if (failed.length > 0) {
    log(`${failed.length} failed: ${[...new Set(failed.map((c) => c.contender))].join(', ')}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await pool?.stop();
}
