// `isoDate()`: a `Date` in code, an ISO 8601 string on the wire. Also `CODEC_META_KEY`, the meta
// marker on ssekit's codecs that codegen reads to print them again and the OpenAPI document drops.
import { z } from 'zod';

/** Meta key that marks ssekit's codecs, so that codegen can print them and rebuild them. */
export const CODEC_META_KEY = 'x-ssekit-codec';

/**
 * A `Date` in code, an ISO 8601 string on the wire (`2026-11-24T10:00:00.000Z`).
 *
 * @example
 * ```ts
 * const price = z.object({ at: isoDate() });
 * z.encode(price, { at: new Date(0) }); // { at: '1970-01-01T00:00:00.000Z' }
 * ```
 */
export function isoDate() {
  return z
    .codec(z.iso.datetime({ offset: true }), z.date(), {
      decode: (iso) => new Date(iso),
      encode: (date) => date.toISOString(),
    })
    .meta({ [CODEC_META_KEY]: 'isoDate' });
}
