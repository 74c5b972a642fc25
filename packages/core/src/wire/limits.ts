// The wire's size bounds, shared by the server, the tRPC procedures, the Redis publisher and clients:
// one number per rule, so that a check on one path cannot disagree with the same check on another.

/** The longest topic, in characters. Longer topics are refused on publish and in a subscription's query. */
export const MAX_TOPIC_LENGTH = 256;

/** The longest `Last-Event-ID` (header or query) or RPC stream id a server accepts, in characters. */
export const MAX_RESUME_ID_LENGTH = 256;

/** How many event names or topics one subscription may list. */
export const MAX_FILTER_ENTRIES = 256;

/**
 * The default bound on one event: its encoded data plus its name and topic, in UTF-8 bytes. Well
 * under the default per-connection buffer bound (1 MiB), so that any accepted event can always be
 * delivered to a connection that reads.
 */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

/**
 * A string's length in Unicode code points: a surrogate pair counts one, a lone surrogate one. How zod
 * 4.6 measures a string for `min`, `max` and `length` (earlier zod 4 counted UTF-16 units), so what
 * ssekit checks itself, the compiled encoder and the plain validators, measures the same way.
 */
export function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * The UTF-8 length of a string, without allocating (`TextEncoder` would copy it, and `Buffer` is not
 * in browsers). Lone surrogates count 3 bytes, as `TextEncoder` writes U+FFFD for them.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A pair: 2 UTF-16 units, 4 bytes.
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
