/**
 * CI runs the harness once in its quick plan: every contender through every scenario on a small
 * workload. It asserts nothing about speed, only that the harness works and that every contender
 * delivered exactly the events it was sent (the runner exits 1 otherwise).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** `pnpm bench --quick` with `args`, its report written to a fresh file; the run and the report. */
function quickBench(args: readonly string[], timeoutMs: number) {
  const out = join(mkdtempSync(join(tmpdir(), 'ssekit-bench-')), 'report.md');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/run.ts', '--quick', ...args, `--out=${out}`],
    { cwd: BENCH_DIR, encoding: 'utf8', timeout: timeoutMs },
  );
  if (run.status !== 0) console.error(run.stdout, run.stderr);
  return { run, report: () => readFileSync(out, 'utf8') };
}

test('pnpm bench --quick runs every contender and writes a report', () => {
  const { run, report: read } = quickBench([], 400_000);
  expect(run.status).toBe(0);
  const report = read();
  expect(report).toContain('## Headline: burst fan-out');
  expect(report).toContain('server CPU / event');
  expect(report).toContain('## Predicate fan-out');
  expect(report).toContain('## Resume storm');
  expect(report).not.toContain('**Incomplete**');
  for (const contender of [
    'batched',
    'raw socket',
    'naive',
    'better-sse',
    'tRPC',
    'express-zod-api',
    'ssekit',
    'ssekit, sse.fetch on Node',
    'ssekit, sse.fetch on Bun',
  ]) {
    expect(report).toContain(contender);
  }
}, 420_000);

test('--warm-up=2: every burst, the predicate ones too, first takes twice its events, unmeasured, on the same clients', () => {
  const { run, report: read } = quickBench(
    ['--warm-up=2', '--only=batched,ssekit', '--scenarios=burst,predicate'],
    200_000,
  );
  // The runner exits 1 when a client got one event too many or too few, or out of order: the
  // warm-up's events must not leak into the measured count, and the sequence must go on across.
  expect(run.status).toBe(0);
  const report = read();
  expect(report).toContain('--warm-up=2');
  expect(report).toContain('## Predicate fan-out');
  expect(report).not.toContain('**Incomplete**');
  expect(run.stdout).not.toMatch(/warm-up:/);
}, 220_000);

test('--rounds=N runs every contender N times, alternating, and says so in every ratio', () => {
  const { run, report: read } = quickBench(
    ['--rounds=2', '--only=batched,ssekit', '--scenarios=burst,stream'],
    200_000,
  );
  expect(run.status).toBe(0);
  const report = read();
  expect(report).toContain('(1.00–1.00, 2 rounds)');
  expect(report).not.toContain('1 round)');
  // Two burst lines and two stream lines per contender in the console.
  expect(run.stdout.match(/burst 10×50\/10 +ssekit/g)).toHaveLength(2);
  expect(run.stdout.match(/stream 500 +ssekit/g)).toHaveLength(2);
}, 220_000);

test.each([
  ['--rounds=0', 'a whole number of rounds'],
  ['--warm-up=lots', 'a positive multiple of the burst'],
])(
  '%s is refused with exit code 2, saying what it wants',
  (option, wanted) => {
    const { run } = quickBench([option, '--only=batched'], 60_000);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(option);
    expect(run.stderr).toContain(wanted);
  },
  70_000,
);
