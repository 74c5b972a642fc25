// Which of ssekit's codecs a schema is, if any: the one reading of the codec marker, for codegen
// (which prints the codec into a generated client) and for the compiled encoder of `encodeData`.
import { type $ZodType, globalRegistry } from 'zod/v4/core';
import { CODEC_META_KEY } from './iso-date.js';

/** ssekit's codecs: `isoDate()` and `bigintString()`. */
export type SsekitCodec = 'isoDate' | 'bigintString';

/**
 * The ssekit codec `schema` is, read from its meta marker (`CODEC_META_KEY`). The pipe's shape is
 * checked too (a `string` in, a `date` or `bigint` out, with a transform), so that a stray marker on
 * some other pipe is not trusted.
 */
export function codecOf(schema: $ZodType): SsekitCodec | undefined {
  const def = schema._zod.def as unknown as Record<string, unknown>;
  if (def.type !== 'pipe' || typeof def.transform !== 'function') return undefined;
  const marker = (globalRegistry.get(schema) as Record<string, unknown> | undefined)?.[
    CODEC_META_KEY
  ];
  const from = (def.in as $ZodType)._zod.def.type;
  const to = (def.out as $ZodType)._zod.def.type;
  if (marker === 'isoDate' && from === 'string' && to === 'date') return 'isoDate';
  if (marker === 'bigintString' && from === 'string' && to === 'bigint') return 'bigintString';
  return undefined;
}
