import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = { [key: string]: unknown };

/** Recursion through `$ref` stops growing here: arrays come out empty, optional keys absent. */
const MAX_REF_DEPTH = 3;

const anyJson = fc.jsonValue({ maxDepth: 2 });

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (ref === '#') return root;
  const path = ref.replace(/^#\//, '').split('/');
  let node: unknown = root;
  for (const key of path)
    node = (node as JsonSchema)[key.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node as JsonSchema;
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'uri':
      return fc.webUrl();
    case 'duration':
      return fc.constantFrom('P1D', 'PT1H', 'P1Y2M3DT4H5M6S', 'P2W', 'PT0.5S', 'P', 'PT');
  }
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from: plain strings still exercise rejection.
    }
  }
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'email') return fc.emailAddress();
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : minLength + 12;
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40) });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const bound = (key: string) =>
    typeof schema[key] === 'number' ? (schema[key] as number) : undefined;
  const min = bound('minimum') ?? bound('exclusiveMinimum') ?? -1e6;
  const max = bound('maximum') ?? bound('exclusiveMaximum') ?? 1e6;
  const step = bound('multipleOf');
  if (step !== undefined) {
    return fc
      .integer({
        min: Math.ceil(Math.max(min, -1e6) / step),
        max: Math.floor(Math.min(max, 1e6) / step),
      })
      .map((n) => n * step);
  }
  if (integer) return fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) });
  return fc.double({
    min: Math.max(min, -1e9),
    max: Math.min(max, 1e9),
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/**
 * Values shaped by a JSON Schema: mostly valid for it, which is where a validator's edge cases are
 * (the mutations below then push them just outside).
 */
export function fromJsonSchema(
  schema: unknown,
  root: JsonSchema,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (typeof schema !== 'object' || schema === null) return anyJson;
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') {
    return fc
      .constant(null)
      .chain(() => fromJsonSchema(resolveRef(root, s.$ref as string), root, depth + 1));
  }
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key]))
      return fc.oneof(...(s[key] as unknown[]).map((o) => fromJsonSchema(o, root, depth)));
  }
  if (Array.isArray(s.allOf)) {
    return fc
      .tuple(...(s.allOf as unknown[]).map((o) => fromJsonSchema(o, root, depth)))
      .map((parts) =>
        Object.assign({}, ...parts.filter((p) => typeof p === 'object' && p !== null)),
      );
  }
  if (Array.isArray(s.type)) {
    return fc.oneof(
      ...(s.type as string[]).map((type) => fromJsonSchema({ ...s, type }, root, depth)),
    );
  }
  switch (s.type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const prefix = Array.isArray(s.prefixItems)
        ? (s.prefixItems as unknown[]).map((item) => fromJsonSchema(item, root, depth))
        : [];
      const minLength = Math.max(
        0,
        (typeof s.minItems === 'number' ? s.minItems : 0) - prefix.length,
      );
      const cap = depth >= MAX_REF_DEPTH ? minLength : minLength + 4;
      const maxLength = Math.min(
        typeof s.maxItems === 'number' ? s.maxItems - prefix.length : cap,
        cap,
      );
      const rest =
        s.items === false || (s.items === undefined && prefix.length > 0)
          ? fc.constant([])
          : fc.array(fromJsonSchema(s.items ?? {}, root, depth), {
              minLength,
              maxLength: Math.max(minLength, maxLength),
            });
      return fc.tuple(fc.tuple(...prefix), rest).map(([head, tail]) => [...head, ...tail]);
    }
    case 'object': {
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      // Past the depth, optional keys are left out: a schema recursive through one ends there.
      const properties = Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, unknown>).filter(
          ([key]) => depth < MAX_REF_DEPTH || required.has(key),
        ),
      );
      const known = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([k, v]) => [k, fromJsonSchema(v, root, depth)]),
        ),
        { requiredKeys: [...required].filter((k) => k in properties) },
      );
      const extraValues =
        typeof s.additionalProperties === 'object'
          ? fromJsonSchema(s.additionalProperties, root, depth)
          : anyJson;
      const keys =
        typeof s.propertyNames === 'object'
          ? (fromJsonSchema(s.propertyNames, root, depth) as fc.Arbitrary<string>)
          : fc.string({ maxLength: 6 });
      const extra =
        s.additionalProperties === false || depth >= MAX_REF_DEPTH
          ? fc.constant({})
          : fc.dictionary(keys, extraValues, { maxKeys: 3 });
      return fc.tuple(known, extra).map(([k, e]) => ({ ...e, ...k }));
    }
    default:
      return anyJson;
  }
}

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths(item, [...prefix, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  }
  return out;
}

const MUTATIONS = ['replace', 'delete', 'add', 'retype', 'nudge'] as const;

/** One small change at one place in a value: what a buggy printer would let through or refuse. */
function mutate(
  value: unknown,
  at: number,
  op: (typeof MUTATIONS)[number],
  junk: unknown,
): unknown {
  const copy = structuredClone(value);
  const all = paths(copy);
  const path = all[at % all.length]!;
  const change = (current: unknown): unknown => {
    switch (op) {
      case 'replace':
        return junk;
      case 'retype':
        return typeof current === 'number'
          ? String(current)
          : typeof current === 'string'
            ? current.length
            : null;
      case 'nudge':
        if (typeof current === 'number') return current + (Number.isInteger(current) ? 1 : 0.5);
        if (typeof current === 'string') return `${current}!`;
        if (Array.isArray(current)) return current.length > 0 ? current.slice(1) : [junk];
        return current;
      case 'add':
        if (Array.isArray(current)) return [...current, junk];
        if (typeof current === 'object' && current !== null) return { ...current, extra: junk };
        return current;
      case 'delete':
        return current;
    }
  };
  if (path.length === 0) return op === 'delete' ? undefined : change(copy);
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy);
  const key = path[path.length - 1]!;
  const container = parent as Record<string | number, unknown>;
  if (op === 'delete') {
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key];
  } else {
    container[key] = change(container[key]);
  }
  return copy;
}

/**
 * Payloads for one schema: values built from its wire JSON Schema, the same mutated, and any JSON.
 * Together they land on both sides of every check the schema makes.
 */
export function payloads(schema: z.core.$ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
  }) as JsonSchema;
  const valid = fromJsonSchema(json, json);
  const mutated = fc
    .tuple(valid, fc.nat(), fc.constantFrom(...MUTATIONS), anyJson)
    .map(([value, at, op, junk]) => mutate(value, at, op, junk));
  return fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: mutated, weight: 4 },
    { arbitrary: anyJson, weight: 1 },
  );
}
