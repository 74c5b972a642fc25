// Values as JavaScript source (defaults, literals, metadata, regular expressions): the analyzer
// keeps them as text in the intermediate tree, and compares them to tell constant defaults.
/**
 * Print a value as JavaScript source: what `.default()`, `z.literal()` and `.meta()` need. Covers the
 * values that survive a JSON round trip plus `Date`, `bigint` and `undefined` (defaults of codecs and
 * optional fields). Anything else has no source form: `undefined` comes back.
 */
export function printValue(value: unknown, depth = 0): string | undefined {
  if (depth > 64) return undefined;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return printNumber(value);
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? undefined
      : `new Date(${JSON.stringify(value.toISOString())})`;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => printValue(item, depth + 1));
    return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const entries: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const printed = printValue(item, depth + 1);
    if (printed === undefined) return undefined;
    entries.push(`${JSON.stringify(key)}: ${printed}`);
  }
  return `{ ${entries.join(', ')} }`;
}

/** A number as source, `-0`, `Infinity` and `NaN` included. */
export function printNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  if (Number.isNaN(value)) return 'Number.NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Number.POSITIVE_INFINITY';
  if (value === Number.NEGATIVE_INFINITY) return 'Number.NEGATIVE_INFINITY';
  return String(value);
}

/** A regular expression literal. `RegExp#source` already escapes `/`, so it fits between slashes. */
export function printRegExp(pattern: RegExp): string {
  return `/${pattern.source}/${pattern.flags}`;
}

/** Deep equality for the values above; functions compare by source text and regexes by pattern. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return a.toString() === b.toString();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof RegExp || b instanceof RegExp) {
    return (
      a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags
    );
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) &&
      sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
