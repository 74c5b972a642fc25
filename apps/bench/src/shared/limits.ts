// The open-file limit of a process. Servers and load generators report it: the run logs it, and a
// scenario with more clients than a server can hold fails asking to raise `ulimit -n`.
import { readFileSync } from 'node:fs';

/** The soft limit on open files of this process (Linux), or NaN where /proc is missing. */
export function maxOpenFiles(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    return Number(line?.split(/\s{2,}/)[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}
