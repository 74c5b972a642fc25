// The analyze stage for strings, numbers and their checks (lengths, bounds, formats): each check
// printed exactly, or refused with NOT_PRINTABLE when it has no source form.
import { z } from 'zod';
import { CodegenErrorCode, type SchemaLocation, schemaError } from '../errors.js';
import { CHECK_FORMATS, printStringFormat } from './string-formats.js';
import { printNumber, printRegExp } from './values.js';

type Def = Record<string, unknown>;
type Check = { _zod: { def: Def } };

function checksOf(def: Def): Check[] {
  return Array.isArray(def.checks) ? [...(def.checks as Check[])] : [];
}

let builtInWhen: Map<unknown, string> | undefined;

/**
 * zod's length checks come with a built-in `when` (skip when the value has no length); a `when` that
 * a caller passed is a condition with no source form. They are told apart by their source text.
 */
function hasCustomWhen(check: Def): boolean {
  if (check.when === undefined) return false;
  builtInWhen ??= new Map(
    [z.string().min(0), z.string().max(0), z.string().length(0)].map((s) => {
      const def = (s._zod.def.checks![0] as unknown as Check)._zod.def;
      return [def.check, String(def.when)];
    }),
  );
  return builtInWhen.get(check.check) !== String(check.when);
}

/** The message for a check that no method rebuilds. */
function unprintableCheck(check: Def, location: SchemaLocation): Error {
  if (hasCustomWhen(check)) {
    return schemaError(CodegenErrorCode.NOT_PRINTABLE, location, 'a check with a `when` condition');
  }
  switch (check.check) {
    case 'overwrite':
      return schemaError(
        CodegenErrorCode.NOT_PRINTABLE,
        location,
        'a transforming check (.trim(), .toLowerCase(), .normalize(), .overwrite()…)',
      );
    case 'custom':
      return schemaError(
        CodegenErrorCode.NOT_PRINTABLE,
        location,
        'a refinement (.refine(), .superRefine(), .check())',
      );
    default:
      return schemaError(
        CodegenErrorCode.NOT_PRINTABLE,
        location,
        `the check "${String(check.check)}"`,
      );
  }
}

/** `zod/mini` checks go into one `.check(…)` call; none gives no call. */
function printChecks(checks: readonly string[]): string {
  return checks.length === 0 ? '' : `.check(${checks.join(', ')})`;
}

/** Checks shared by strings and arrays: lengths. */
export function printLengthCheck(check: Def): string | undefined {
  if (hasCustomWhen(check)) return undefined;
  switch (check.check) {
    case 'min_length':
      return `z.minLength(${check.minimum})`;
    case 'max_length':
      return `z.maxLength(${check.maximum})`;
    case 'length_equals':
      return `z.length(${check.length})`;
    default:
      return undefined;
  }
}

function printStringCheck(check: Def, location: SchemaLocation): string {
  const length = printLengthCheck(check);
  if (length !== undefined) return length;
  if (check.check === 'string_format' && !hasCustomWhen(check)) {
    switch (check.format) {
      case 'regex':
        return `z.regex(${printRegExp(check.pattern as RegExp)})`;
      case 'lowercase':
        return 'z.lowercase()';
      case 'uppercase':
        return 'z.uppercase()';
      case 'starts_with':
        return `z.startsWith(${JSON.stringify(check.prefix)})`;
      case 'ends_with':
        return `z.endsWith(${JSON.stringify(check.suffix)})`;
      case 'includes':
        return check.position === undefined
          ? `z.includes(${JSON.stringify(check.includes)})`
          : `z.includes(${JSON.stringify(check.includes)}, { position: ${check.position} })`;
      default:
        return printStringFormat(check, location);
    }
  }
  throw unprintableCheck(check, location);
}

const isFormatCheck = (check: Def) =>
  check.check === 'string_format' && !CHECK_FORMATS.has(String(check.format));

/** `z.string()` with its checks; a format (`z.email()`) is the base when there is one. */
export function printString(def: Def, location: SchemaLocation): string {
  const checks = checksOf(def).map((c) => c._zod.def);
  let base: string;
  if (def.format !== undefined) {
    base = printStringFormat(def, location);
  } else if (def.coerce === true) {
    base = 'z.coerce.string()';
  } else {
    const first = checks.findIndex(isFormatCheck);
    base = first === -1 ? 'z.string()' : printStringFormat(checks.splice(first, 1)[0]!, location);
  }
  return base + printChecks(checks.map((c) => printStringCheck(c, location)));
}

const NUMBER_FORMATS: Readonly<Record<string, string>> = {
  safeint: 'z.int()',
  int32: 'z.int32()',
  uint32: 'z.uint32()',
  float32: 'z.float32()',
  float64: 'z.float64()',
};

function printNumberCheck(check: Def, location: SchemaLocation): string {
  if (!hasCustomWhen(check)) {
    switch (check.check) {
      case 'greater_than':
        return `z.${check.inclusive ? 'gte' : 'gt'}(${printNumber(check.value as number)})`;
      case 'less_than':
        return `z.${check.inclusive ? 'lte' : 'lt'}(${printNumber(check.value as number)})`;
      case 'multiple_of':
        return `z.multipleOf(${printNumber(check.value as number)})`;
      case 'number_format': {
        const format = NUMBER_FORMATS[String(check.format)];
        if (format === undefined) break;
        return format;
      }
    }
  }
  throw unprintableCheck(check, location);
}

/** `z.number()` (or `z.int()`, `z.float32()`…) with its bounds. */
export function printNumberSchema(def: Def, location: SchemaLocation): string {
  let base = def.coerce === true ? 'z.coerce.number()' : 'z.number()';
  if (def.check === 'number_format') {
    const format = NUMBER_FORMATS[String(def.format)];
    if (format === undefined) throw unprintableCheck(def, location);
    base = format;
  }
  return base + printChecks(checksOf(def).map((c) => printNumberCheck(c._zod.def, location)));
}

/** Throw for checks on a type whose checks have no method here (a refinement on an object…). */
export function rejectChecks(
  def: Def,
  location: SchemaLocation,
  allow?: (check: Def) => string | undefined,
): string {
  return printChecks(
    checksOf(def).map((c) => {
      const printed = allow?.(c._zod.def);
      if (printed === undefined) throw unprintableCheck(c._zod.def, location);
      return printed;
    }),
  );
}
