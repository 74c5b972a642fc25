/**
 * The runner's report writer over an existing BENCHMARKS.md: the sections other scripts wrote
 * (adapters, client sizes, Redis) survive in place and in order, the runner's own are replaced.
 * Pure: no server, no bench run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../src/report/environment.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { keepOtherSections, runnerKind, splitSections } from '../src/report/sections.js';
import { CONTENDERS } from '../src/runner/contenders.js';
import { FULL } from '../src/runner/plan.js';
import { type BurstCell, emptyResults, type Results } from '../src/runner/results.js';

/** A condensed copy of BENCHMARKS.md at 36c7ab2: every section, its first lines. */
const BEFORE = readFileSync(new URL('./fixtures/benchmarks-before.md', import.meta.url), 'utf8');
const FOREIGN = [
  'Adapters: `sse.router` (express), `sse.fetch` on Node, `sse.fetch` on Bun',
  'Client bundle sizes (browser)',
  'ssekit across processes: Redis broker',
];

const env: Environment = {
  date: '2026-12-01T00:00:00.000Z',
  cpu: 'test cpu',
  cores: 2,
  memoryGiB: 8,
  os: 'test os',
  node: 'v20.0.0',
  loadStart: 0.5,
  loadEnd: 0.5,
  load: { cores: 2, peak: 0.5 },
  commit: 'abc1234',
  versions: { '@ssekit/server': '0.1.0' },
};

const burst = (contender: string, rate: number): BurstCell => ({
  contender,
  status: 'ok',
  rates: [rate, rate, rate],
  serverCpu: [0.5, 0.5, 0.5],
  loadgenCpu: [0.5, 0.5, 0.5],
  cpuPerEventUs: [0.3, 0.3, 0.3],
});
const contenders = CONTENDERS.filter((c) => c.id === 'batched' || c.id === 'ssekit');
const empty: Results = emptyResults();

/** What `pnpm bench --only=batched,ssekit --scenarios=burst --bursts=…` renders. */
function burstReport(headlineRate: number): string {
  return renderMarkdown({
    plan: FULL,
    contenders,
    env,
    command: 'pnpm bench --only=batched,ssekit --scenarios=burst',
    durationMs: 60_000,
    results: {
      ...empty,
      bursts: FULL.bursts.map((plan) => ({
        plan,
        cells: [burst('batched', 3e6), burst('ssekit', headlineRate)],
      })),
    },
  });
}

const headings = (markdown: string) => splitSections(markdown).sections.map((s) => s.heading);

describe('the burst sections', () => {
  it('say, for every size, which process was busy: the server or the load generator', () => {
    const report = burstReport(2.5e6);
    const section = report.slice(report.indexOf('### Which process was busy, every size'));
    expect(section).toContain('| ssekit | server 50.0%, load generator 50.0% |');
  });
});

describe('keepOtherSections', () => {
  it('knows every heading the runner writes as its own', () => {
    const full = renderMarkdown({
      plan: FULL,
      contenders,
      env,
      command: 'pnpm bench',
      durationMs: 60_000,
      results: {
        bursts: FULL.bursts.map((plan) => ({ plan, cells: [burst('batched', 3e6)] })),
        steady: FULL.steady.map((plan) => ({
          plan,
          cells: [{ contender: 'batched', status: 'ok', p50Ms: 1, p99Ms: 2 }],
        })),
        connections: [{ contender: 'batched', status: 'ok', count: 10, setupRate: 1 }],
        stream: [{ contender: 'batched', status: 'ok', rates: [1] }],
        predicate: [burst('ssekit', 1)],
        resume: [{ contender: 'ssekit', status: 'failed', note: 'x' }],
      },
    });
    const written = headings(full);
    expect(written.length).toBeGreaterThanOrEqual(11);
    for (const heading of written) expect(runnerKind(heading), heading).toBeDefined();
    for (const heading of FOREIGN) expect(runnerKind(heading), heading).toBeUndefined();
  });

  it("keeps other scripts' sections in place and in order, and replaces the runner's", () => {
    const merged = keepOtherSections(BEFORE, burstReport(2.5e6));
    expect(headings(merged)).toEqual([
      'Headline: burst fan-out, 1 000 clients × 1 000 events, 100 per tick',
      'Burst fan-out, every size',
      // The old run's steady, connections, stream, predicate and resume sections were the
      // runner's: this run did not measure them, so they go, and the adapters' section (which
      // followed the resume storm) moves up to the last runner section still there before it.
      FOREIGN[0],
      FOREIGN[1],
      'Machine',
      'Contenders and versions',
      FOREIGN[2],
    ]);
    // The runner's sections are the new run's: its command, its figures, no old table left.
    expect(merged).toContain('pnpm bench --only=batched,ssekit --scenarios=burst');
    expect(merged).not.toContain('e69b3bd');
    expect(merged).not.toContain('raw socket (node:net)');
    expect(merged).not.toContain('5.1% delivered');
    expect(merged).not.toContain('2.68 M/s');
    expect(merged).toContain('2.50 M/s');
    // Other scripts' sections, byte for byte.
    const old = splitSections(BEFORE).sections;
    const now = splitSections(merged).sections;
    for (const heading of FOREIGN) {
      expect(now.find((s) => s.heading === heading)?.text).toBe(
        old.find((s) => s.heading === heading)?.text,
      );
    }
  });

  it('is stable: a second run over its own output changes only its figures', () => {
    const once = keepOtherSections(BEFORE, burstReport(2.5e6));
    const twice = keepOtherSections(once, burstReport(2.6e6));
    expect(headings(twice)).toEqual(headings(once));
    expect(twice).toContain('2.60 M/s');
    expect(twice).not.toContain('2.50 M/s');
    expect(keepOtherSections(twice, burstReport(2.6e6))).toBe(twice);
  });

  it('puts each kept section after the same runner section when the run wrote it again', () => {
    const before = [
      '# Benchmarks',
      '',
      'old run',
      '',
      '## Notes at the top',
      '',
      'kept first',
      '',
      '## Headline: burst fan-out, 10 clients × 50 events, 10 per tick',
      '',
      'old headline',
      '',
      '## Burst fan-out, every size',
      '',
      'old sizes',
      '',
      '### Server CPU per delivered event, every size',
      '',
      'old cpu',
      '',
      '## A note between',
      '',
      '```md',
      '## not a heading: inside a code block',
      '```',
      '',
      '### its own subsection',
      '',
      '## Machine',
      '',
      'old machine',
      '',
    ].join('\n');
    const merged = keepOtherSections(before, burstReport(2.5e6));
    expect(headings(merged)).toEqual([
      'Notes at the top',
      'Headline: burst fan-out, 1 000 clients × 1 000 events, 100 per tick',
      'Burst fan-out, every size',
      'A note between',
      'Machine',
      'Contenders and versions',
    ]);
    expect(merged).toContain(
      '## not a heading: inside a code block\n```\n\n### its own subsection',
    );
    expect(merged).not.toMatch(/old (run|headline|sizes|cpu|machine)/);
    expect(merged.startsWith('# Benchmarks\n')).toBe(true);
    expect(merged.endsWith('\n')).toBe(true);
    expect(merged).not.toMatch(/\n\n\n/);
  });

  it('writes the fresh report as it is when there is no file yet, or nothing of another', () => {
    const fresh = burstReport(2.5e6);
    expect(keepOtherSections(undefined, fresh)).toBe(fresh);
    expect(keepOtherSections('', fresh)).toBe(fresh);
    expect(keepOtherSections(burstReport(1e6), fresh)).toBe(fresh);
    // A section of another's that the new text holds already is not written twice.
    expect(keepOtherSections(BEFORE, BEFORE)).toBe(BEFORE);
  });
});
