/** The machine, the versions and the date a report was made with. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ContenderInfo } from '../runner/contenders.js';
import type { LoadReport } from '../runner/load-monitor.js';

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** One-minute load average when the run began and when it ended. */
  readonly loadStart: number;
  readonly loadEnd: number;
  /** The load average sampled through the run: its peak, and whether it passed the core count. */
  readonly load: LoadReport;
  readonly commit: string;
  /** Package name → version, as installed for the bench. */
  readonly versions: Readonly<Record<string, string>>;
}

function version(pkg: string): string {
  try {
    const json = readFileSync(`${BENCH_DIR}/node_modules/${pkg}/package.json`, 'utf8');
    return (JSON.parse(json) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', '../../packages/core', '../../packages/server'],
      {
        cwd: BENCH_DIR,
        encoding: 'utf8',
      },
    ).trim();
    return dirty === ''
      ? head
      : `${head} + uncommitted changes in packages/core or packages/server`;
  } catch {
    return 'unknown';
  }
}

export function environment(
  contenders: readonly ContenderInfo[],
  loadStart: number,
  load: LoadReport,
): Environment {
  const names = [...new Set(contenders.flatMap((c) => c.packages))].sort();
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadStart,
    loadEnd: os.loadavg()[0] ?? Number.NaN,
    load,
    commit: commit(),
    versions: Object.fromEntries(names.map((n) => [n, version(n)])),
  };
}
