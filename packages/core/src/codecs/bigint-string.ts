// `bigintString()`: a `bigint` in code, a decimal string on the wire (integers past 2^53). Marked
// with `CODEC_META_KEY` like `isoDate()`, so that codegen can print it into a generated client.
import { z } from 'zod';
import { CODEC_META_KEY } from './iso-date.js';

/**
 * A `bigint` in code, a decimal string on the wire (JSON has no integers past 2^53).
 *
 * @example
 * ```ts
 * const trade = z.object({ volume: bigintString() });
 * z.decode(trade, { volume: '9007199254740993' }); // { volume: 9007199254740993n }
 * ```
 */
export function bigintString() {
  return z
    .codec(
      z.string().regex(/^-?(0|[1-9][0-9]*)$/, 'Expected a decimal integer string'),
      z.bigint(),
      {
        decode: (text) => BigInt(text),
        encode: (value) => value.toString(),
      },
    )
    .meta({ [CODEC_META_KEY]: 'bigintString' });
}
