// The analyze stage's reading of `.describe()` and `.meta()`, and of ssekit's codec marker
// (`isoDate()`, `bigintString()`), from zod's global registry.
import { CODEC_META_KEY } from '@ssekit/core';
import { z } from 'zod';
import type { NodeMeta } from './ir.js';
import { printValue } from './values.js';

type Schema = z.core.$ZodType;

const registryEntry = (schema: Schema) =>
  z.globalRegistry.get(schema) as Record<string, unknown> | undefined;

/**
 * `.describe()` and `.meta()` of a schema (zod's global registry, parents included), with ssekit's
 * codec marker and `id` left out: an id registered twice would clash in JSON Schema output.
 */
export function readMeta(schema: Schema): NodeMeta | undefined {
  const meta = registryEntry(schema);
  if (!meta) return undefined;
  const description = typeof meta.description === 'string' ? meta.description : undefined;
  const extra: (readonly [string, string])[] = [];
  for (const [key, value] of Object.entries(meta)) {
    if (key === 'id' || key === 'description' || key === CODEC_META_KEY) continue;
    const printed = printValue(value);
    if (printed !== undefined) extra.push([key, printed]);
  }
  return description === undefined && extra.length === 0 ? undefined : { description, extra };
}

/** The registry id of a schema, to name a recursive schema after it. */
export function metaId(schema: Schema): string | undefined {
  const id = registryEntry(schema)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Meta of an outer schema laid over an inner one's: the outer wins key by key. */
export function mergeMeta(
  inner: NodeMeta | undefined,
  outer: NodeMeta | undefined,
): NodeMeta | undefined {
  if (!outer) return inner;
  if (!inner) return outer;
  const extra = new Map([...inner.extra, ...outer.extra]);
  return { description: outer.description ?? inner.description, extra: [...extra] };
}
