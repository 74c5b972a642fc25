/** BENCHMARKS.md: figures, ratios against the batched baseline, the machine and the versions. */
import { BASELINE_ID, type ContenderInfo } from '../runner/contenders.js';
import type { BurstPlan, Plan } from '../runner/plan.js';
import {
  type BurstCell,
  type Cell,
  median,
  type Results,
  type SteadyCell,
  type StreamCell,
} from '../runner/results.js';
import { PREDICATE_BASE_ID, PREDICATE_VARIANTS, perClientOf } from '../scenarios/predicate.js';
import type { Environment } from './environment.js';
import { bytes, count, ms, pairedRatio, percent, range, rate, ratio, table, us } from './format.js';

export interface ReportInput {
  readonly plan: Plan;
  readonly contenders: readonly ContenderInfo[];
  readonly results: Results;
  readonly env: Environment;
  readonly command: string;
  readonly durationMs: number;
  /** Set while the run is going on: the scenarios not measured yet (the report is incomplete). */
  readonly pending?: readonly string[];
}

const PACKAGE_LABELS: Record<string, string> = {
  zod: 'zod (express-zod-api, tRPC input)',
  'zod-workspace': 'zod (ssekit)',
};

function label(contenders: readonly ContenderInfo[], id: string): string {
  return contenders.find((c) => c.id === id)?.label ?? id;
}

function status(cell: Cell): string {
  return cell.status === 'ok'
    ? ''
    : `**${cell.status}**${cell.note ? `: ${firstLine(cell.note)}` : ''}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** A rate as shown: a partial one is an upper bound. */
function shownRate(cell: Cell): string {
  return `${cell.status === 'partial' ? '< ' : ''}${rate(rates(cell))}`;
}

function shownRatio(cell: Cell, base: number | undefined): string {
  const r = ratio(rates(cell), base);
  return cell.status === 'partial' && r !== '—' ? `< ${r}` : r;
}

function rates(cell: Cell): number | undefined {
  const values = (cell as BurstCell | StreamCell).rates;
  return values === undefined || values.length === 0 ? undefined : median(values);
}

function cpuPerEvent(cell: Cell): readonly number[] | undefined {
  return (cell as BurstCell | StreamCell).cpuPerEventUs;
}

function baseCell<T extends Cell>(cells: readonly T[]): T | undefined {
  const base = cells.find((c) => c.contender === BASELINE_ID);
  return base?.status === 'ok' ? base : undefined;
}

/** Median server CPU per delivered event, and its paired ratio to the baseline's. */
function cpuColumns(cell: Cell, cells: readonly Cell[]): [string, string] {
  const values = cpuPerEvent(cell);
  if (cell.status !== 'ok' || values === undefined || values.length === 0) return ['—', '—'];
  const base = baseCell(cells);
  return [
    us(median(values)),
    pairedRatio(values, base === undefined ? undefined : cpuPerEvent(base)),
  ];
}

function rateRatio(cell: Cell, cells: readonly Cell[]): string {
  const base = baseCell(cells);
  if (cell.status !== 'ok' || base === undefined) return shownRatio(cell, undefined);
  return pairedRatio((cell as BurstCell).rates, (base as BurstCell).rates);
}

function baselineOf<T extends Cell>(cells: readonly T[], value: (cell: T) => number | undefined) {
  const base = cells.find((c) => c.contender === BASELINE_ID);
  return base?.status === 'ok' ? value(base) : undefined;
}

function burstTitle(plan: BurstPlan): string {
  return `${count(plan.clients)} clients × ${count(plan.events)} events, ${plan.batch} per tick`;
}

function spread(cell: Cell): string {
  const values = (cell as BurstCell).rates ?? [];
  if (values.length < 2) return values.length === 1 ? '1 run' : '';
  return `${values.length} runs, ${rate(Math.min(...values))} – ${rate(Math.max(...values))}`;
}

function burstSection(input: ReportInput): string[] {
  const out: string[] = [];
  const headline = input.results.bursts.find((b) => b.plan.headline) ?? input.results.bursts[0];
  if (headline !== undefined) {
    const base = baselineOf(headline.cells, rates);
    out.push(`## Headline: burst fan-out, ${burstTitle(headline.plan)}`, '');
    out.push(
      table(
        [
          'contender',
          'events delivered / s',
          `vs ${BASELINE_ID} (per round)`,
          'runs',
          'server CPU',
          'load generator CPU',
          'server CPU / event',
          `vs ${BASELINE_ID} (per round)`,
          'notes',
        ],
        headline.cells.map((c) => [
          label(input.contenders, c.contender),
          shownRate(c),
          c.status === 'ok' ? rateRatio(c, headline.cells) : shownRatio(c, base),
          spread(c),
          percent(median((c as BurstCell).serverCpu ?? [])),
          percent(median((c as BurstCell).loadgenCpu ?? [])),
          ...cpuColumns(c, headline.cells),
          status(c),
        ]),
      ),
      '',
      "CPU: the process's CPU time over the wall time of the burst (100% = one core of the machine's " +
        `${input.env.cores}); a server near 100% is the bottleneck, a load generator near 100% may be. ` +
        "Server CPU / event: the server process's CPU time (`process.cpuUsage()`, read through its control " +
        'endpoint) from the first publish to the last delivery, divided by the events delivered to all ' +
        "clients; the load generator's share is not in it. Ratios are taken per round (round i of each " +
        'contender ran back to back) and shown as the median with the min–max over the rounds.',
      '',
    );
  }
  if (input.results.bursts.length > 1) {
    out.push(
      '## Burst fan-out, every size',
      '',
      'Median events delivered per second, and the ratio to the batched baseline of the same column.',
      '',
    );
    const header = ['contender', ...input.results.bursts.map((b) => burstTitle(b.plan))];
    const rows = input.contenders.map((c) => [
      c.label,
      ...input.results.bursts.map((b) => {
        const cell = b.cells.find((x) => x.contender === c.id);
        if (cell === undefined) return '—';
        if (cell.status !== 'ok' && cell.status !== 'partial') return `**${cell.status}**`;
        const shown = `${shownRate(cell)}, ${cell.status === 'ok' ? rateRatio(cell, b.cells) : shownRatio(cell, baselineOf(b.cells, rates))}`;
        return cell.status === 'partial' ? `${shown}, **partial**` : shown;
      }),
    ]);
    out.push(table(header, rows), '');
    out.push(
      '### Server CPU per delivered event, every size',
      '',
      "The server's CPU time over the burst ÷ events delivered (median of the rounds), and the per-round ratio to the batched baseline.",
      '',
    );
    const cpuRows = input.contenders.map((c) => [
      c.label,
      ...input.results.bursts.map((b) => {
        const cell = b.cells.find((x) => x.contender === c.id);
        if (cell === undefined) return '—';
        const [value, r] = cpuColumns(cell, b.cells);
        return value === '—' ? `**${cell.status}**` : `${value}, ${r}`;
      }),
    ]);
    out.push(table(header, cpuRows), '');
    out.push(
      '### Which process was busy, every size',
      '',
      "Each process's CPU time over the wall time of the burst (median of the rounds; 100% = one core): " +
        'a server near 100% bounds the rate, and so does a load generator near 100%, whatever the server spends.',
      '',
    );
    const busyRows = input.contenders.map((c) => [
      c.label,
      ...input.results.bursts.map((b) => {
        const cell = b.cells.find((x) => x.contender === c.id) as BurstCell | undefined;
        if (cell?.serverCpu === undefined || cell.serverCpu.length === 0) return '—';
        return `server ${percent(median(cell.serverCpu))}, load generator ${percent(median(cell.loadgenCpu ?? []))}`;
      }),
    ]);
    out.push(table(header, busyRows), '');
  }
  return out;
}

function steadySection(input: ReportInput): string[] {
  const out: string[] = [];
  for (const { plan, cells } of input.results.steady) {
    out.push(
      `## Steady rate: ${count(plan.clients)} clients × ${count(plan.rate)} events/s for ${plan.durationMs / 1000} s`,
      '',
      `Publish-to-receive latency of about 100 sampled clients, the first ${plan.warmupMs / 1000} s left out. ` +
        `*Overloaded*: deliveries were still arriving ${plan.drainMs / 1000} s after the last publish.`,
      '',
      table(
        [
          'contender',
          'p50 (median, range)',
          `p50 vs ${BASELINE_ID}`,
          'p99 (median, range)',
          `p99 vs ${BASELINE_ID}`,
          'max',
          'delivered',
          'max publish lag',
          'server CPU / event',
          `vs ${BASELINE_ID}`,
          'notes',
        ],
        cells.map((c) => {
          const base = baseCell(cells);
          const series = (cell: SteadyCell | undefined, key: 'p50Ms' | 'p99Ms' | 'cpuPerEventUs') =>
            cell?.rounds?.map((r) => r[key]);
          const withRange = (key: 'p50Ms' | 'p99Ms') => {
            const r = range(series(c, key) ?? [], ms);
            return r === '' ? ms(c[key]) : `${ms(c[key])} (${r})`;
          };
          return [
            label(input.contenders, c.contender),
            withRange('p50Ms'),
            pairedRatio(series(c, 'p50Ms'), series(base, 'p50Ms')),
            withRange('p99Ms'),
            pairedRatio(series(c, 'p99Ms'), series(base, 'p99Ms')),
            ms(c.maxMs),
            percent(c.delivered),
            ms(c.maxPublishLagMs),
            us(c.cpuPerEventUs),
            pairedRatio(series(c, 'cpuPerEventUs'), series(base, 'cpuPerEventUs')),
            status(c),
          ];
        }),
      ),
      '',
      'Each figure is the median of the repetitions (alternating rounds over the contenders), the range ' +
        'over them beside it; each ratio is the median of the per-round ratios with their min–max. Server ' +
        "CPU / event: the server's CPU time from the first publish to the last delivery ÷ events delivered.",
      '',
    );
  }
  return out;
}

function connectionsSection(input: ReportInput): string[] {
  const cells = input.results.connections;
  if (cells.length === 0) return [];
  const n = cells.find((c) => c.count !== undefined)?.count ?? input.plan.connections.count;
  const base = baselineOf(cells, (c) => c.setupRate);
  return [
    `## Connections: ${count(n)} idle subscribers`,
    '',
    `Setup: connections per second opened and answered (first response byte), ${input.plan.connections.concurrency} being opened at a time. ` +
      'Memory: the server process measures itself after full GCs (`--expose-gc`), idle connections against the same process with none.',
    '',
    table(
      [
        'contender',
        'setup',
        `vs ${BASELINE_ID}`,
        'heap / connection',
        'RSS / connection',
        'heap kept after close',
        'notes',
      ],
      cells.map((c) => [
        label(input.contenders, c.contender),
        rate(c.setupRate),
        ratio(c.setupRate, base),
        bytes(c.heapPerConnBytes),
        bytes(c.rssPerConnBytes),
        bytes(c.retainedHeapPerConnBytes),
        status(c),
      ]),
    ),
    '',
  ];
}

function streamSection(input: ReportInput): string[] {
  const cells = input.results.stream;
  if (cells.length === 0) return [];
  const base = baselineOf(cells, rates);
  return [
    `## RPC stream: one client, one stream of ${count(input.plan.stream.events)} events`,
    '',
    'An async generator on the server yields the events; the rate runs from the request to the last event.',
    '',
    table(
      [
        'contender',
        'events / s',
        `vs ${BASELINE_ID} (per round)`,
        'runs',
        'server CPU / event',
        `vs ${BASELINE_ID} (per round)`,
        'notes',
      ],
      cells.map((c) => [
        label(input.contenders, c.contender),
        shownRate(c),
        c.status === 'ok' ? rateRatio(c, cells) : shownRatio(c, base),
        spread(c),
        ...cpuColumns(c, cells),
        status(c),
      ]),
    ),
    '',
  ];
}

/** The run flags itself when the machine was loaded past its cores at any moment. */
function noiseSection(input: ReportInput): string[] {
  const load = input.env.load;
  if (load.passedCoresAtS === undefined) {
    return [
      `Load: the 1-minute load average stayed at or below the ${load.cores} cores during the whole run ` +
        `(peak ${load.peak.toFixed(1)}).`,
      '',
    ];
  }
  return [
    `> **Noisy run**: the 1-minute load average passed the ${load.cores} cores ` +
      `${load.passedCoresAtS.toFixed(0)} s into the run (${(load.passedWith ?? 0).toFixed(1)}; peak ` +
      `${load.peak.toFixed(1)}). Other processes shared the machine: absolute figures are low and ` +
      'noisy, read the per-round ratios and their spread.',
    '',
  ];
}

function predicateSection(input: ReportInput): string[] {
  const cells = input.results.predicate;
  if (cells.length === 0) return [];
  const p = input.plan.predicate;
  // CPU per event offered to a connection (clients × published): the predicate runs for each,
  // whether it lets the event through or not.
  const perOffered = (cell: BurstCell) =>
    (cell.cpuPerEventUs ?? []).map((v) => (v * perClientOf(cell.contender, p.events)) / p.events);
  const base = cells.find((c) => c.contender === PREDICATE_BASE_ID && c.status === 'ok');
  const name = (id: string) => PREDICATE_VARIANTS.find((v) => v.id === id)?.label ?? id;
  return [
    `## Predicate fan-out: ${burstTitle(p)}`,
    '',
    'ssekit three times, every event published with its symbol as topic: without `authorize`, with an ' +
      '`authorize` that returns `(event, topic) => true`, and with one that lets 2 of the 4 symbols through ' +
      "(each client then gets half the events). CPU per offered event: the server's CPU time ÷ (clients × " +
      'events published), the predicate being asked for each. Ratios: per round, against the variant without ' +
      'a predicate. Target of issue 18: at most 1.3×.',
    '',
    table(
      [
        'variant',
        'events delivered / s',
        'server CPU / delivered event',
        'server CPU / offered event',
        'vs no predicate (per round)',
        'notes',
      ],
      cells.map((c) => [
        name(c.contender),
        shownRate(c),
        us(median(c.cpuPerEventUs ?? [])),
        us(median(perOffered(c))),
        c.status === 'ok' && base !== undefined
          ? pairedRatio(perOffered(c), perOffered(base))
          : '—',
        status(c),
      ]),
    ),
    '',
  ];
}

function resumeSection(input: ReportInput): string[] {
  const cells = input.results.resume;
  if (cells.length === 0) return [];
  const r = input.plan.resume;
  return [
    `## Resume storm: ${count(r.clients)} clients, each missing ${count(r.missed)} events`,
    '',
    `Every client got ${r.warmEvents} events; then the server destroyed every socket at once ` +
      `(\`POST /control/cut\`: a restart would lose the in-memory broker's log), published ${r.missed} events ` +
      `with nobody connected, and all clients reconnected at once (${count(r.concurrency)} at a time) with the id ` +
      'of their last event as `Last-Event-ID`. Caught up: from the first reconnect to the moment the last ' +
      "client had all its missed events. Server CPU: from the cut to then. Peaks: the server's RSS and V8 heap, " +
      'sampled every 20 ms from just before the cut. Only ssekit replays: the batched baseline has no log, and ' +
      'better-sse reads `Last-Event-ID` into `session.lastId` but keeps no history to replay from.',
    '',
    table(
      [
        'contender',
        'all reconnected',
        'all caught up',
        'server CPU',
        'CPU / replayed event',
        'RSS before → peak',
        'heap before → peak',
        'notes',
      ],
      cells.map((c) => [
        label(input.contenders, c.contender),
        ms(c.reconnectedMs),
        ms(c.caughtUpMs),
        ms(c.serverCpuMs),
        us(c.cpuPerEventUs),
        `${bytes(c.startRss)} → ${bytes(c.peakRss)}`,
        `${bytes(c.startHeapUsed)} → ${bytes(c.peakHeapUsed)}`,
        status(c),
      ]),
    ),
    '',
  ];
}

function problems(input: ReportInput): string[] {
  const all: { scenario: string; cell: Cell }[] = [
    ...input.results.bursts.flatMap((b) =>
      b.cells.map((cell) => ({ scenario: `burst ${burstTitle(b.plan)}`, cell })),
    ),
    ...input.results.steady.flatMap((s) =>
      s.cells.map((cell) => ({ scenario: `steady ${s.plan.clients} × ${s.plan.rate}/s`, cell })),
    ),
    ...input.results.connections.map((cell) => ({ scenario: 'connections', cell })),
    ...input.results.stream.map((cell) => ({ scenario: 'RPC stream', cell })),
    ...input.results.predicate.map((cell) => ({ scenario: 'predicate fan-out', cell })),
    ...input.results.resume.map((cell) => ({ scenario: 'resume storm', cell })),
  ].filter(
    (x) =>
      x.cell.status === 'failed' ||
      x.cell.status === 'unavailable' ||
      x.cell.status === 'overloaded',
  );
  if (all.length === 0) return [];
  const seen = new Set<string>();
  const lines = ['## Problems and gaps', ''];
  for (const { scenario, cell } of all) {
    const key = `${cell.contender}|${cell.status}|${cell.note}`;
    if (cell.status === 'unavailable' && seen.has(key)) continue;
    seen.add(key);
    const where = cell.status === 'unavailable' ? 'every scenario' : scenario;
    lines.push(
      `- ${label(input.contenders, cell.contender)}, ${where}: **${cell.status}**. ${(cell.note ?? '').trim()}`,
    );
  }
  lines.push('');
  return lines;
}

export function renderMarkdown(input: ReportInput): string {
  const { env } = input;
  return [
    '# Benchmarks',
    '',
    `Written by \`${input.command}\` on ${env.date} (${input.plan.mode} plan, ${(input.durationMs / 60_000).toFixed(1)} min), ` +
      `at commit ${env.commit}. How each figure is measured: [apps/bench/README.md](apps/bench/README.md). ` +
      'Every contender is a server process of its own, fed by the same control endpoint and read by the same ' +
      'load generator process; compare the ratios, not the absolute figures, across machines.',
    '',
    ...(input.pending === undefined
      ? []
      : [
          `> **Incomplete**: written ${(input.durationMs / 60_000).toFixed(1)} min into the run, which had ` +
            `${input.pending.length === 0 ? 'only its final write' : `still to measure: ${input.pending.join(', ')}`} ` +
            'left when this file was last written.',
          '',
        ]),
    ...noiseSection(input),
    ...burstSection(input),
    ...steadySection(input),
    ...connectionsSection(input),
    ...streamSection(input),
    ...predicateSection(input),
    ...resumeSection(input),
    ...problems(input),
    '## Machine',
    '',
    table(
      ['cpu', 'cores', 'memory', 'os', 'node', 'load average (1 min) at start / end'],
      [
        [
          env.cpu,
          String(env.cores),
          `${env.memoryGiB} GiB`,
          env.os,
          env.node,
          `${env.loadStart.toFixed(1)} / ${env.loadEnd.toFixed(1)}`,
        ],
      ],
    ),
    '',
    'A load average above the number of cores means other processes shared the machine during the run: ' +
      'absolute figures then drop, and the ratios are the figures to read.',
    '',
    '## Contenders and versions',
    '',
    table(
      ['contender', 'what runs'],
      input.contenders.map((c) => [c.label, c.description]),
    ),
    '',
    table(
      ['package', 'version'],
      Object.entries(env.versions).map(([name, v]) => [PACKAGE_LABELS[name] ?? name, v]),
    ),
    '',
  ].join('\n');
}
