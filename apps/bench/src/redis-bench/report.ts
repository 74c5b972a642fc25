/** The Redis benchmark's figures, and its Markdown table. */
import os from 'node:os';
import { median } from '../runner/results.js';
import type { MemoryFigure } from './memory.js';

/** The figures of one configuration (a broker and a number of server processes). */
export interface ConfigResult {
  id: string;
  label: string;
  processes: number;
  burst: { rates: number[]; ok: boolean; note?: string };
  steady: {
    rate: number;
    p50Ms?: number;
    p99Ms?: number;
    maxMs?: number;
    ok: boolean;
    note?: string;
  }[];
  redisBytesPerEvent?: number;
  redisEntries?: number;
}

/** Events per second, in k/s or M/s. */
export const fmtRate = (n: number | undefined) =>
  n === undefined ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(1)} k/s`;
/** Milliseconds, two decimals below 10. */
export const fmtMs = (n: number | undefined) =>
  n === undefined ? '—' : `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** The Markdown section: one row per configuration, then Redis memory per retained event. */
export function report(
  results: ConfigResult[],
  memory: readonly MemoryFigure[],
  plan: Record<string, unknown>,
  command: string,
): string {
  const lines = [
    '## ssekit across processes: Redis broker',
    '',
    `Written by \`${command}\` on ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0]!.toFixed(1)} at the end, Node ${process.version}. Plan: ${JSON.stringify(plan)}. Clients are spread evenly over the server processes; events are published from the first one; load generators are processes of their own, on the same machine as the servers and Redis.`,
    '',
    `| configuration | processes | burst ${plan.clients} × ${plan.events} (median) | ${(plan.rates as number[]).map((r) => `p50 / p99 / max at ${r}/s`).join(' | ')} | Redis bytes per event | notes |`,
    `| --- | --- | --- | ${(plan.rates as number[]).map(() => '---').join(' | ')} | --- | --- |`,
  ];
  for (const r of results) {
    const notes = [r.burst.note, ...r.steady.map((s) => s.note)].filter(Boolean).join('; ');
    lines.push(
      `| ${r.label} | ${r.processes} | ${fmtRate(median(r.burst.rates))} | ${r.steady
        .map((s) => `${fmtMs(s.p50Ms)} / ${fmtMs(s.p99Ms)} / ${fmtMs(s.maxMs)}`)
        .join(
          ' | ',
        )} | ${r.redisBytesPerEvent === undefined ? '—' : `${Math.round(r.redisBytesPerEvent)} B (${r.redisEntries} entries)`} | ${notes} |`,
    );
  }
  if (memory.length > 0) {
    lines.push(
      '',
      `Redis memory per retained event: \`MEMORY USAGE <key> SAMPLES 0\` / \`XLEN\` after ${memory[0]!.entries} appends through the broker to a fresh stream (default \`stream-node-max-bytes\` 4096, \`stream-node-max-entries\` 100).`,
      '',
      '| event | data | bytes per event |',
      '| --- | --- | --- |',
      ...memory.map((m) => `| ${m.label} | ${m.dataBytes} B | ${Math.round(m.bytesPerEvent)} B |`),
    );
  }
  return `${lines.join('\n')}\n`;
}
