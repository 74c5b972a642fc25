// The JSON Schemas of a contract's zod schemas as OpenAPI components: the wire form of each event's
// data and each stream's input, recursive schemas split into components of their own.
import { CODEC_META_KEY } from '@ssekit/core';
import { z } from 'zod';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1 and 3.2) as a plain object. */
export type JsonSchema = { [key: string]: unknown };

const COMPONENTS = '#/components/schemas/';
/** Where `z.toJSONSchema(registry)` puts schemas that have no id of their own (cycles, nested ids). */
const SHARED_REF = /^#\/components\/schemas\/__shared#\/\$defs\/(.+)$/;

export interface NamedSchema {
  /** The component name, such as `Price`. */
  readonly name: string;
  readonly schema: z.core.$ZodType;
}

export interface ComponentSchemas {
  /** `components.schemas`, in the order the schemas were given, helpers (cycles) after. */
  readonly schemas: Record<string, JsonSchema>;
  /** A `$ref` to the component of a schema given in `build`. */
  ref(schema: z.core.$ZodType): JsonSchema;
}

function walk(value: unknown, visit: (node: JsonSchema) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (typeof value === 'object' && value !== null) {
    visit(value as JsonSchema);
    for (const item of Object.values(value)) walk(item, visit);
  }
}

/**
 * The JSON Schemas of a contract's schemas as OpenAPI components, in their wire form (`io: 'input'`:
 * what `data` carries, so an ISO string for `isoDate()`). Recursive schemas become components of
 * their own, referenced by `$ref`, so every reference resolves inside the document.
 */
export function buildComponentSchemas(
  entries: readonly NamedSchema[],
  reserved: ReadonlySet<string>,
): ComponentSchemas {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.core.$ZodType, string>();
  const taken = new Set(reserved);
  const claim = (base: string) => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    return name;
  };
  for (const { name, schema } of entries) {
    // One schema object used for two events is one component.
    if (names.has(schema)) continue;
    const id = claim(name);
    names.set(schema, id);
    registry.add(schema, { id });
  }

  const generated = z.toJSONSchema(registry, {
    io: 'input',
    target: 'draft-2020-12',
    // The document must describe any contract the server runs; what has no JSON form becomes `{}`.
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
    override: ({ jsonSchema }) => {
      delete (jsonSchema as JsonSchema)[CODEC_META_KEY];
    },
  }).schemas as Record<string, JsonSchema>;

  const schemas: Record<string, JsonSchema> = {};
  for (const id of names.values()) {
    const { $schema: _schema, $id: _id, ...rest } = generated[id] ?? {};
    schemas[id] = rest;
  }
  const shared = (generated.__shared?.$defs ?? {}) as Record<string, JsonSchema>;

  // Name each helper after the first component that refers to it, in document order.
  const renamed = new Map<string, string>();
  const visitRefs = (node: JsonSchema, owner: string) => {
    const match = typeof node.$ref === 'string' ? SHARED_REF.exec(node.$ref) : null;
    if (!match) return;
    const key = match[1]!;
    if (!renamed.has(key)) {
      renamed.set(key, claim(/^schema\d+$/.test(key) ? `${owner}Node` : key));
      walk(shared[key], (n) => visitRefs(n, renamed.get(key)!));
    }
    node.$ref = `${COMPONENTS}${renamed.get(key)}`;
  };
  for (const [id, schema] of Object.entries(schemas)) walk(schema, (n) => visitRefs(n, id));
  for (const [key, name] of renamed) schemas[name] = shared[key]!;

  return {
    schemas,
    ref(schema) {
      const name = names.get(schema);
      if (name === undefined) throw new Error('ssekit: schema was not registered as a component');
      return { $ref: `${COMPONENTS}${name}` };
    },
  };
}
