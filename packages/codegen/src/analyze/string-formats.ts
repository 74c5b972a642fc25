// The analyze stage for zod's string formats (`z.email()`, `z.iso.datetime()`…): each printed
// with the constructor that rebuilds it exactly, checked by rebuilding it.
import { z } from 'zod';
import { CodegenErrorCode, type SchemaLocation, schemaError } from '../errors.js';
import { printRegExp, printValue, sameValue } from './values.js';

type Params = Record<string, unknown>;

interface FormatSpec {
  /** The source of the constructor, such as `z.iso.datetime`. */
  readonly source: string;
  /** The same constructor, to rebuild the schema and check that the printed form is exact. */
  readonly build: (params: Params) => { _zod: { def: object } };
  /** Parameters that the constructor takes and the def keeps under the same name. */
  readonly params: readonly string[];
}

const spec = (
  source: string,
  build: (params: Params) => { _zod: { def: object } },
  params: readonly string[] = [],
): FormatSpec => ({ source, build, params });

/** The string formats of zod 4, by the `format` name their def carries. */
const FORMATS: Readonly<Record<string, FormatSpec>> = {
  email: spec('z.email', (p) => z.email(p)),
  guid: spec('z.guid', (p) => z.guid(p)),
  uuid: spec('z.uuid', (p) => z.uuid(p), ['version']),
  url: spec('z.url', (p) => z.url(p), ['protocol', 'hostname', 'normalize']),
  emoji: spec('z.emoji', (p) => z.emoji(p)),
  nanoid: spec('z.nanoid', (p) => z.nanoid(p)),
  cuid: spec('z.cuid', (p) => z.cuid(p)),
  cuid2: spec('z.cuid2', (p) => z.cuid2(p)),
  ulid: spec('z.ulid', (p) => z.ulid(p)),
  xid: spec('z.xid', (p) => z.xid(p)),
  ksuid: spec('z.ksuid', (p) => z.ksuid(p)),
  ipv4: spec('z.ipv4', (p) => z.ipv4(p)),
  ipv6: spec('z.ipv6', (p) => z.ipv6(p)),
  mac: spec('z.mac', (p) => z.mac(p), ['delimiter']),
  cidrv4: spec('z.cidrv4', (p) => z.cidrv4(p)),
  cidrv6: spec('z.cidrv6', (p) => z.cidrv6(p)),
  base64: spec('z.base64', (p) => z.base64(p)),
  base64url: spec('z.base64url', (p) => z.base64url(p)),
  e164: spec('z.e164', (p) => z.e164(p)),
  credit_card: spec('z.creditCard', (p) => z.creditCard(p)),
  iban: spec('z.iban', (p) => z.iban(p)),
  jwt: spec('z.jwt', (p) => z.jwt(p), ['alg']),
  datetime: spec('z.iso.datetime', (p) => z.iso.datetime(p), ['offset', 'local', 'precision']),
  date: spec('z.iso.date', (p) => z.iso.date(p)),
  time: spec('z.iso.time', (p) => z.iso.time(p), ['precision']),
  duration: spec('z.iso.duration', (p) => z.iso.duration(p)),
  hostname: spec('z.hostname', (p) => z.hostname(p)),
  hex: spec('z.hex', (p) => z.hex(p)),
  currency_code: spec('z.currencyCode', (p) => z.currencyCode(p)),
};

const HASH_FORMAT = /^(md5|sha1|sha256|sha384|sha512)_(hex|base64|base64url)$/;

/** Formats that are checks of `z.string()` with their own method, not a format schema. */
export const CHECK_FORMATS = new Set([
  'regex',
  'lowercase',
  'uppercase',
  'starts_with',
  'ends_with',
  'includes',
]);

/** Def keys that change messages or issue reporting, never what is accepted. */
const IGNORED_KEYS = new Set(['error', 'abort', 'checks', 'coerce']);

function sameDef(a: object, b: object): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (IGNORED_KEYS.has(key)) continue;
    if (!sameValue((a as Params)[key], (b as Params)[key])) return false;
  }
  return true;
}

function printParams(params: Params): string {
  const entries = Object.entries(params).map(([key, value]) => {
    const printed = value instanceof RegExp ? printRegExp(value) : printValue(value);
    return `${key}: ${printed}`;
  });
  return entries.length === 0 ? '' : `{ ${entries.join(', ')} }`;
}

interface Resolved {
  readonly print: (params: Params) => string;
  readonly build: (params: Params) => { _zod: { def: object } };
  readonly params: readonly string[];
}

function resolve(format: string): Resolved | undefined {
  const hash = HASH_FORMAT.exec(format);
  if (hash) {
    const alg = hash[1] as 'sha256';
    return {
      print: (p) => {
        const params = printParams(p);
        return `z.hash(${JSON.stringify(alg)}${params === '' ? '' : `, ${params}`})`;
      },
      build: (p) => z.hash(alg, p),
      params: ['enc'],
    };
  }
  const found = FORMATS[format];
  if (!found) return undefined;
  return {
    print: (p) => `${found.source}(${printParams(p)})`,
    build: found.build,
    params: found.params,
  };
}

/**
 * Print a string format (a format schema such as `z.email()`, or the same used as a check) as the
 * constructor call that rebuilds it exactly. The call is rebuilt here and compared with the original
 * def, so a custom pattern is printed too and a `z.stringFormat()` with a function is refused.
 */
export function printStringFormat(def: object, location: SchemaLocation): string {
  const format = String((def as Params).format);
  const resolved = resolve(format);
  if (!resolved) {
    throw schemaError(
      CodegenErrorCode.NOT_PRINTABLE,
      location,
      `the custom string format "${format}"`,
    );
  }
  // Only the parameters that differ from the constructor's defaults, so `z.iso.datetime()` stays short.
  const defaults = resolved.build({})._zod.def as Params;
  const params: Params = {};
  for (const key of resolved.params) {
    const value = (def as Params)[key];
    if (!sameValue(value, defaults[key])) params[key] = value;
  }
  let candidate = resolved.build(params)._zod.def;
  const pattern = (def as Params).pattern;
  if (!sameDef(def, candidate) && pattern instanceof RegExp) {
    params.pattern = pattern;
    candidate = resolved.build(params)._zod.def;
  }
  if (!sameDef(def, candidate)) {
    throw schemaError(
      CodegenErrorCode.NOT_PRINTABLE,
      location,
      `the string format "${format}" with custom logic`,
    );
  }
  return resolved.print(params);
}
