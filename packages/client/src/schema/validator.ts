// The plain validator: one schema node (a parse step and its checks) run the way zod runs it, in
// both directions, with zod's issues. index.ts and checks.ts build nodes and checks under zod/mini's
// names.
import type { PlainSchema, StandardResult } from '@ssekit/core';

/** An issue as zod reports it: `code`, `path`, `message`, and the fields of its code. */
export interface Issue {
  readonly code: string;
  readonly path: PropertyKey[];
  message: string;
  readonly [field: string]: unknown;
}

/**
 * How an issue bears on the checks after it, as zod's `continue`: `GOES_ON` (a failed check: the
 * other checks still run), `STOPS` (a wrong type: checks are skipped, but length checks still run
 * on anything with a `.length`), `HALTS` (an explicit stop, such as a non-integer for `z.int()` or an
 * array past its maximum: every check is skipped).
 */
export enum Abort {
  GOES_ON = 0,
  STOPS = 1,
  HALTS = 2,
}

/** One validation under way: its issues, how each bears on later checks, where it is. */
export interface Run {
  readonly issues: Issue[];
  readonly aborts: Abort[];
  readonly path: PropertyKey[];
  /** Encoding (zod's `backward`): codecs run in reverse. */
  readonly encode: boolean;
  /** zod's first pass of an encode: type errors only, no checks anywhere below. */
  readonly skipChecks: boolean;
}

/** A node's own step: the value in, the value out (converted for codecs and objects). */
export type Parse = (value: unknown, run: Run) => unknown;

/** A check on a parsed value; it reports through `issue`. */
export interface Check {
  /** zod's `when`: run even after a type error, when this holds (length checks: a `.length`). */
  readonly when?: (value: unknown) => boolean;
  readonly check: (value: any, run: Run) => void;
  /** The message given with the check, as zod's `params` string. */
  readonly message?: string | undefined;
  /** The most items an array may have, for a length check: zod checks it before the items. */
  readonly cap?: number;
}

/** What a node tells the nodes around it, as zod's `_zod` fields of the same names. */
export interface Traits {
  /** `optin`/`optout`: the key may be missing, on the wire and in code. */
  readonly optional?: boolean;
  /** An array: a length check it leads with bounds the work (zod's size cap). */
  readonly sized?: boolean;
  /** `values`: the only values it accepts (literals, enums), for a discriminated union's tags. */
  readonly values?: ReadonlySet<unknown> | undefined;
  /** `propValues`: per key of an object, the only values that key takes. */
  readonly props?: ReadonlyMap<string, ReadonlySet<unknown>> | undefined;
}

const NO_TRAITS: Traits = {};

/**
 * Traits worked out on first read: a recursive schema's (`lazy`), and those of the schemas built
 * from it, cannot be read while the module that declares them is still running.
 */
export function lazyTraits(compute: () => Traits): Traits {
  let traits: Traits | undefined;
  let computing = false;
  const get = (): Traits => {
    if (traits) return traits;
    // Asked again while being worked out (a schema inside itself): nothing known, as zod answers.
    if (computing) return NO_TRAITS;
    computing = true;
    try {
      traits = compute();
    } finally {
      computing = false;
    }
    return traits;
  };
  return {
    get optional() {
      return get().optional;
    },
    get sized() {
      return get().sized;
    },
    get values() {
      return get().values;
    },
    get props() {
      return get().props;
    },
  };
}

/** A fresh run for a part tried on its own (a union's option): its own issues, paths from it. */
export function tryRun(run: Run): Run {
  return { issues: [], aborts: [], path: [], encode: run.encode, skipChecks: run.skipChecks };
}

/** Take a tried part's issues into a run, their paths under the run's current path. */
export function adopt(run: Run, part: Run): void {
  for (const found of part.issues) {
    run.issues.push({ ...found, path: [...run.path, ...found.path] });
  }
  run.aborts.push(...part.aborts);
}

/** Record an issue at the current path. */
export function issue(
  run: Run,
  fields: { readonly code: string; readonly [field: string]: unknown },
  abort: Abort = Abort.STOPS,
): void {
  run.issues.push({ ...fields, path: [...run.path], message: messageOf(fields) });
  run.aborts.push(abort);
}

/** A short English message per code, in the spirit of zod's `en` locale. */
function messageOf(fields: { readonly code: string; readonly [field: string]: any }): string {
  switch (fields.code) {
    case 'invalid_type':
      return `Expected ${fields.expected}`;
    case 'too_small':
    case 'too_big': {
      const size = fields.code === 'too_small' ? fields.minimum : fields.maximum;
      const sign = fields.code === 'too_small' ? '>' : '<';
      const unit =
        fields.origin === 'string' ? ' characters' : fields.origin === 'array' ? ' items' : '';
      return `Too ${fields.code.slice(4)}: expected ${fields.origin} ${sign}${fields.inclusive ? '=' : ''}${size}${unit}`;
    }
    case 'invalid_format':
      return `Invalid ${fields.format}${fields.pattern ? `: must match ${fields.pattern}` : ''}`;
    case 'invalid_value':
      return `Expected one of ${fields.values.map((v: unknown) => JSON.stringify(v)).join('|')}`;
    case 'unrecognized_keys':
      return `Unrecognized keys: ${fields.keys.join(', ')}`;
    case 'not_multiple_of':
      return `Expected a multiple of ${fields.divisor}`;
    default:
      return 'Invalid input';
  }
}

/** Whether an issue since `from` stops checks (`at` = STOPS) or halts them (`at` = HALTS). */
export const aborted = (run: Run, from: number, at: Abort = Abort.STOPS) => {
  for (let i = from; i < run.aborts.length; i++) if (run.aborts[i]! >= at) return true;
  return false;
};

/**
 * A schema of `@ssekit/client/schema`: a Standard Schema that decodes, plus `~encode`. Immutable:
 * `check()` gives a new one, as zod/mini's does.
 */
export class Validator<TOutput = unknown, TInput = TOutput>
  implements PlainSchema<TOutput, TInput>
{
  /** Standard Schema v1: `validate` decodes, and always synchronously. */
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<TOutput>;
    readonly types?: { readonly input: TInput; readonly output: TOutput } | undefined;
  };

  /** @internal The parts below are the constructors' (index.ts), not an app's. */
  constructor(
    readonly parse: Parse,
    readonly checks: readonly Check[] = [],
    readonly traits: Traits = {},
  ) {
    this['~standard'] = {
      version: 1,
      vendor: 'ssekit',
      validate: (value) => this.result(value, false) as StandardResult<TOutput>,
    };
  }

  /** @internal zod's `optin`/`optout`: the key may be missing, on the wire and in code. */
  get optional(): boolean {
    return this.traits.optional === true;
  }

  '~encode'(value: unknown): StandardResult<TInput> {
    return this.result(value, true) as StandardResult<TInput>;
  }

  /** The same schema with more checks (`z.minLength(1)`, `z.gt(0)`, `z.regex(…)`). */
  check(...checks: Check[]): this {
    return new Validator(this.parse, [...this.checks, ...checks], this.traits) as this;
  }

  private result(value: unknown, encode: boolean): StandardResult<unknown> {
    const run: Run = { issues: [], aborts: [], path: [], encode, skipChecks: false };
    const output = this.run(value, run);
    return run.issues.length > 0 ? { issues: run.issues } : { value: output };
  }

  /**
   * @internal Run the node as zod's `_zod.run` does: its step, and its checks unless a type error
   * stops them.
   */
  run(value: unknown, run: Run): unknown {
    const { checks } = this;
    if (checks.length === 0 || run.skipChecks) return this.parse(value, run);
    const from = run.issues.length;
    if (run.encode) {
      // zod's encode: a first pass for type errors alone, then the checks on the input, then the step.
      const first: Run = { ...run, issues: [], aborts: [], skipChecks: true };
      this.parse(value, first);
      if (aborted(first, 0)) {
        run.issues.push(...first.issues);
        run.aborts.push(...first.aborts);
        return value;
      }
      runChecks(checks, value, run, from);
      return this.parse(value, run);
    }
    if (this.traits.sized && capped(checks, value, run)) return value;
    const output = this.parse(value, run);
    runChecks(checks, output, run, from);
    return output;
  }
}

/**
 * zod 4.6's bound on work: an array longer than a leading length check allows is refused by that
 * check alone, before any of its items is looked at.
 */
function capped(checks: readonly Check[], value: unknown, run: Run): boolean {
  if (!Array.isArray(value)) return false;
  for (const check of checks) {
    if (check.cap === undefined) {
      if (check.when) continue; // a minimum: still a length check, the leading run goes on
      return false;
    }
    if (value.length > check.cap) {
      const from = run.issues.length;
      check.check(value, run);
      mark(check, run, from);
      run.aborts[from] = Abort.HALTS;
      return true;
    }
  }
  return false;
}

/** A check's own message on the issues it just reported. */
function mark(check: Check, run: Run, from: number): void {
  if (check.message === undefined) return;
  for (let i = from; i < run.issues.length; i++) run.issues[i]!.message = check.message;
}

/** The checks after the step, as zod runs them: skipped after a wrong type, but for length checks. */
function runChecks(checks: readonly Check[], value: unknown, run: Run, start: number): void {
  let stopped = aborted(run, start);
  for (const check of checks) {
    if (check.when) {
      if (aborted(run, start, Abort.HALTS) || !check.when(value)) continue;
    } else if (stopped) continue;
    const from = run.issues.length;
    check.check(value, run);
    mark(check, run, from);
    if (!stopped) stopped = aborted(run, from);
  }
}

/** Run a child schema at `key` of the path. */
export function runAt(schema: Validator, key: PropertyKey, value: unknown, run: Run): unknown {
  run.path.push(key);
  const output = schema.run(value, run);
  run.path.pop();
  return output;
}
