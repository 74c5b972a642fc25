// The checks of `@ssekit/client/schema`, under zod/mini's names: lengths, string formats, number
// bounds, multiples, and `meta`. Each reports the issue its zod/mini namesake reports, `origin` included.
import { codePointLength } from '@ssekit/core';
import { Abort, type Check, issue } from './validator.js';

/** Metadata: kept by zod for JSON Schema, nothing to check here. */
export const meta = (_metadata: Record<string, unknown>): Check => ({ check() {} });

const hasLength = (value: unknown) =>
  value !== null && value !== undefined && (value as { length?: unknown }).length !== undefined;

/** A length as zod 4.6 measures it: a string's in code points, anything else's `length`. */
const measure = (value: { length: number }) =>
  typeof value === 'string' ? codePointLength(value) : value.length;

const lengthOrigin = (value: unknown) =>
  Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : 'unknown';

export const minLength = (minimum: number, message?: string): Check => ({
  when: hasLength,
  message,
  check(value: { length: number }, run) {
    if (measure(value) < minimum) {
      issue(
        run,
        { code: 'too_small', origin: lengthOrigin(value), minimum, inclusive: true },
        Abort.GOES_ON,
      );
    }
  },
});

export const maxLength = (maximum: number, message?: string): Check => ({
  when: hasLength,
  message,
  cap: maximum,
  check(value: { length: number }, run) {
    if (measure(value) > maximum) {
      issue(
        run,
        { code: 'too_big', origin: lengthOrigin(value), maximum, inclusive: true },
        Abort.GOES_ON,
      );
    }
  },
});

export const length = (exact: number, message?: string): Check => ({
  when: hasLength,
  message,
  cap: exact,
  check(value: { length: number }, run) {
    const measured = measure(value);
    if (measured === exact) return;
    const origin = lengthOrigin(value);
    issue(
      run,
      measured > exact
        ? { code: 'too_big', origin, maximum: exact, inclusive: true, exact: true }
        : { code: 'too_small', origin, minimum: exact, inclusive: true, exact: true },
      Abort.GOES_ON,
    );
  },
});

/** A string check by pattern, reported as zod's `invalid_format` of `format`. */
function formatCheck(
  format: string,
  test: (value: string) => boolean,
  fields: Record<string, unknown>,
  message: string | undefined,
): Check {
  return {
    message,
    check(value: string, run) {
      if (!test(value))
        issue(run, { code: 'invalid_format', origin: 'string', format, ...fields }, Abort.GOES_ON);
    },
  };
}

export const regex = (pattern: RegExp, message?: string): Check =>
  formatCheck(
    'regex',
    (value) => {
      pattern.lastIndex = 0;
      return pattern.test(value);
    },
    { pattern: pattern.toString() },
    message,
  );

export const lowercase = (message?: string): Check =>
  formatCheck('lowercase', (v) => /^[^A-Z]*$/.test(v), { pattern: '/^[^A-Z]*$/' }, message);

export const uppercase = (message?: string): Check =>
  formatCheck('uppercase', (v) => /^[^a-z]*$/.test(v), { pattern: '/^[^a-z]*$/' }, message);

export const startsWith = (prefix: string, message?: string): Check =>
  formatCheck('starts_with', (v) => v.startsWith(prefix), { prefix }, message);

export const endsWith = (suffix: string, message?: string): Check =>
  formatCheck('ends_with', (v) => v.endsWith(suffix), { suffix }, message);

export const includes = (
  text: string,
  options?: { readonly position?: number },
  message?: string,
): Check =>
  formatCheck('includes', (v) => v.includes(text, options?.position), { includes: text }, message);

/** A bound on a number: `gt`, `gte`, `lt`, `lte`. */
function bound(value: number, inclusive: boolean, below: boolean, message?: string): Check {
  return {
    message,
    check(input: number, run) {
      const within = below
        ? inclusive
          ? input <= value
          : input < value
        : inclusive
          ? input >= value
          : input > value;
      if (within) return;
      issue(
        run,
        below
          ? { code: 'too_big', origin: 'number', maximum: value, inclusive }
          : { code: 'too_small', origin: 'number', minimum: value, inclusive },
        Abort.GOES_ON,
      );
    },
  };
}

export const gt = (value: number, message?: string) => bound(value, false, false, message);
export const gte = (value: number, message?: string) => bound(value, true, false, message);
export const lt = (value: number, message?: string) => bound(value, false, true, message);
export const lte = (value: number, message?: string) => bound(value, true, true, message);

/**
 * A multiple of `divisor`, as zod 4.6 decides it: the quotient within a few units of rounding of a
 * whole number, so that 0.3 is a multiple of 0.1 and 2.03 of 0.07.
 */
export const multipleOf = (divisor: number, message?: string): Check => ({
  message,
  check(value: number, run) {
    const ratio = value / divisor;
    const off = Math.abs(ratio - Math.round(ratio));
    // Not `>=`: a quotient past the largest double is Infinity, `off` NaN, and that is no multiple.
    if (!(off < 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1))) {
      issue(run, { code: 'not_multiple_of', origin: 'number', divisor }, Abort.GOES_ON);
    }
  },
});
