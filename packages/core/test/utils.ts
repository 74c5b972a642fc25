import { createRandom } from '@ssekit/test-kit';
import { createParser, type ParsedEvent, type ParserOptions, type SseError } from '../src/index.js';

/** A seeded PRNG (test-kit's): the same seed gives the same chunkings on every run. */
export function createRng(seed: number): () => number {
  return createRandom(seed).next;
}

/** An integer in [0, max). */
export function randomInt(rng: () => number, max: number): number {
  return Math.floor(rng() * max);
}

/** Cut `input` at the given positions (any order, duplicates and out-of-range ones ignored). */
export function splitAt<T extends string | Uint8Array>(input: T, cuts: readonly number[]): T[] {
  const positions = [...new Set(cuts.filter((c) => c > 0 && c < input.length))].sort(
    (a, b) => a - b,
  );
  const chunks: T[] = [];
  let start = 0;
  for (const position of positions) {
    chunks.push(input.slice(start, position) as T);
    start = position;
  }
  chunks.push(input.slice(start) as T);
  return chunks;
}

/** Cut `input` into random pieces, mostly small, sometimes empty, sometimes large. */
export function randomChunks<T extends string | Uint8Array>(input: T, rng: () => number): T[] {
  const chunks: T[] = [];
  let start = 0;
  while (start < input.length) {
    const roll = rng();
    // Empty chunks happen on real sockets (a TextDecoder gives '' for a lone lead byte): keep some.
    const size = roll < 0.05 ? 0 : roll < 0.7 ? 1 + randomInt(rng, 4) : 1 + randomInt(rng, 64);
    chunks.push(input.slice(start, start + size) as T);
    start += size;
  }
  return chunks;
}

/** One byte per chunk. */
export function byteChunks(input: Uint8Array): Uint8Array[] {
  return Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
}

export interface ParseResult {
  events: ParsedEvent[];
  retries: number[];
  comments: string[];
  errors: SseError[];
  /** `parser.lastEventId` after `end()`: what a reconnect would send. */
  lastEventId: string;
}

/** Feed every chunk to a new parser, then `end()`, and collect what came out. */
export function parseChunks(
  chunks: Iterable<string | Uint8Array>,
  options: Omit<ParserOptions, 'onEvent' | 'onRetry' | 'onComment' | 'onError'> = {},
): ParseResult {
  const result: ParseResult = {
    events: [],
    retries: [],
    comments: [],
    errors: [],
    lastEventId: '',
  };
  const parser = createParser({
    ...options,
    onEvent: (event) => result.events.push(event),
    onRetry: (retryMs) => result.retries.push(retryMs),
    onComment: (text) => result.comments.push(text),
    onError: (error) => result.errors.push(error),
  });
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  result.lastEventId = parser.lastEventId;
  return result;
}

const utf8 = new TextEncoder();
/** UTF-8 bytes of a string. */
export const toBytes = (text: string): Uint8Array => utf8.encode(text);
