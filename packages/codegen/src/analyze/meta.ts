// The analyze stage's reading of `.describe()` and `.meta()`, and of ssekit's codec marker
// (`isoDate()`, `bigintString()`), from zod's global registry.
import { CODEC_META_KEY } from '@ssekit/core';
import { z } from 'zod';
import type { NodeMeta, SsekitCodec } from './ir.js';
import { printValue } from './values.js';

type Schema = z.core.$ZodType;
type Def = Record<string, unknown>;

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

/**
 * ssekit's codecs carry a meta marker (`CODEC_META_KEY`); the pipe's shape is checked too, so that a
 * stray marker on some other pipe is not trusted.
 */
export function codecOf(schema: Schema): SsekitCodec | undefined {
  const def = schema._zod.def as unknown as Def;
  if (def.type !== 'pipe' || typeof def.transform !== 'function') return undefined;
  const marker = registryEntry(schema)?.[CODEC_META_KEY];
  const from = (def.in as Schema)._zod.def.type;
  const to = (def.out as Schema)._zod.def.type;
  if (marker === 'isoDate' && from === 'string' && to === 'date') return 'isoDate';
  if (marker === 'bigintString' && from === 'string' && to === 'bigint') return 'bigintString';
  return undefined;
}
