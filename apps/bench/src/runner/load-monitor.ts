/**
 * Watches the 1-minute load average during a run: its peak, and the first moment it passed the
 * number of cores, when the run flags itself as noisy (a console line at once, a line in the report).
 */
import { cpus, loadavg } from 'node:os';

export interface LoadReport {
  readonly cores: number;
  /** Highest 1-minute load average sampled during the run. */
  readonly peak: number;
  /** Seconds into the run when the load average first passed the core count; absent if never. */
  readonly passedCoresAtS?: number;
  /** The load average at that moment. */
  readonly passedWith?: number;
}

export class LoadMonitor {
  private readonly cores = cpus().length;
  private readonly started = Date.now();
  private peak = 0;
  private passedAtS: number | undefined;
  private passedWith: number | undefined;
  private readonly timer: NodeJS.Timeout;

  /** `onPass` is called once, the first time the load average passes the core count. */
  constructor(
    private readonly onPass: (load: number, cores: number) => void,
    everyMs = 2_000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    const load = loadavg()[0] ?? 0;
    if (load > this.peak) this.peak = load;
    if (load > this.cores && this.passedAtS === undefined) {
      this.passedAtS = (Date.now() - this.started) / 1000;
      this.passedWith = load;
      this.onPass(load, this.cores);
    }
  }

  stop(): LoadReport {
    clearInterval(this.timer);
    return this.current();
  }

  /** The report so far, the run going on. */
  current(): LoadReport {
    this.sample();
    return {
      cores: this.cores,
      peak: this.peak,
      ...(this.passedAtS === undefined
        ? {}
        : { passedCoresAtS: this.passedAtS, passedWith: this.passedWith }),
    };
  }
}
