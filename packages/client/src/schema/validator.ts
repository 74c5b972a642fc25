// The plain validator: one schema node (a parse step and its checks) run the way zod runs it, in
// both directions, with zod's issues. schema.ts builds nodes under zod/mini's names.
import type { PlainSchema, StandardResult } from '@ssekit/core';

/** An issue as zod reports it: `code`, `path`, `message`, and the fields of its code. */
export interface Issue {
  readonly code: string;
  readonly path: PropertyKey[];
  message: string;
  readonly [field: string]: unknown;
}

/** One validation under way: its issues, whether each stops the checks after it, where it is. */
export interface Run {
  readonly issues: Issue[];
  /** Per issue: zod's "aborting" issues (a wrong type) skip the checks of the schemas around. */
  readonly aborts: boolean[];
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
}

/** Record an issue at the current path. */
export function issue(
  run: Run,
  fields: { readonly code: string; readonly [field: string]: unknown },
  aborts = true,
  message?: string,
): void {
  run.issues.push({ ...fields, path: [...run.path], message: message ?? messageOf(fields) });
  run.aborts.push(aborts);
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

const aborted = (run: Run, from: number) => run.aborts.includes(true, from);

/**
 * A schema of `@ssekit/client/schema`: a Standard Schema that decodes, plus `~encode`. Immutable:
 * `check()` gives a new one, as zod/mini's does.
 */
export class Validator<TOutput = unknown, TInput = TOutput>
  implements PlainSchema<TOutput, TInput>
{
  readonly '~standard': PlainSchema<TOutput, TInput>['~standard'];

  constructor(
    readonly parse: Parse,
    readonly checks: readonly Check[] = [],
    /** zod's `optin`/`optout`: the key may be missing, on the wire and in code. */
    readonly optional = false,
  ) {
    this['~standard'] = {
      version: 1,
      vendor: 'ssekit',
      validate: (value) => this.result(value, false) as StandardResult<TOutput>,
    };
  }

  '~encode'(value: unknown): StandardResult<TInput> {
    return this.result(value, true) as StandardResult<TInput>;
  }

  /** The same schema with more checks (`z.minLength(1)`, `z.gt(0)`, `z.regex(…)`). */
  check(...checks: Check[]): this {
    return new Validator(this.parse, [...this.checks, ...checks], this.optional) as this;
  }

  private result(value: unknown, encode: boolean): StandardResult<unknown> {
    const run: Run = { issues: [], aborts: [], path: [], encode, skipChecks: false };
    const output = this.run(value, run);
    return run.issues.length > 0 ? { issues: run.issues } : { value: output };
  }

  /** Run the node as zod's `_zod.run` does: its step, and its checks unless a type error stops them. */
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
      runChecks(checks, value, run, false);
      return this.parse(value, run);
    }
    const output = this.parse(value, run);
    runChecks(checks, output, run, aborted(run, from));
    return output;
  }
}

function runChecks(checks: readonly Check[], value: unknown, run: Run, stopped: boolean): void {
  for (const check of checks) {
    if (check.when ? !check.when(value) : stopped) continue;
    const from = run.issues.length;
    check.check(value, run);
    if (check.message !== undefined) {
      for (let i = from; i < run.issues.length; i++) run.issues[i]!.message = check.message;
    }
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

/** Forget the issues recorded since `from` (an optional key left out). */
export function dropIssues(run: Run, from: number): void {
  run.issues.length = from;
  run.aborts.length = from;
}
