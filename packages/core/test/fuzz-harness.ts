/**
 * Differential fuzzing of `createParser` against two oracles:
 *
 * - `eventsource-parser` v3, an independent, widely used implementation;
 * - `referenceParse` below, the WHATWG "interpreting an event stream" algorithm transcribed line by
 *   line over the whole decoded text (no streaming, so no chunk-boundary logic to get wrong).
 *
 * Both are needed, because eventsource-parser's output is not the browser's `MessageEvent` and
 * some of it cannot be mapped back. The mapping from its callbacks to `{ type, data, lastEventId }`:
 *
 * - `type` = `event ?? 'message'`. It reports an empty `event:` field as `undefined`, which is
 *   exactly the spec's "empty type buffer → message".
 * - `data` = `data`. It joins data lines with LF and never adds the final LF, which equals the
 *   spec's "append value + LF, then strip one trailing LF".
 * - `lastEventId`: it reports `id` per event (the block's own last valid `id:` field, else
 *   `undefined`) and resets it at every blank line; the spec keeps one buffer that persists across
 *   events and is committed at every blank line, data or not. So where the oracle's `id` is a string,
 *   the browser's `lastEventId` is that string, exactly; where it is `undefined`, the browser carries
 *   the previous value forward, unless a block without data set an id in between: such a block
 *   never reaches `onEvent`, so the oracle cannot tell. `lastEventId` is therefore compared with
 *   the oracle only where the oracle reports an id, and everywhere with the reference.
 * - `onRetry` and `onComment` have the same meaning in both and are compared in stream order.
 *
 * Two quirks of eventsource-parser are worked around so that they do not show up as mismatches:
 *
 * - BOM: it takes strings, and its first-chunk check looks for the characters U+00EF U+00BB U+00BF
 *   (a UTF-8 BOM misread as Latin-1), never U+FEFF. The bytes are decoded for it by a TextDecoder
 *   that strips one leading BOM, as the spec's UTF-8 decode does, and an empty string is fed first
 *   so that its check is spent on nothing and cannot eat three real characters.
 * - CR line ends at the end of the stream: it holds a chunk's trailing CR back, waiting for a
 *   possible LF, and then holds every following chunk that has no CR or LF without looking at it.
 *   So `data: x\r` `\r` `abc` (three chunks, then the end) never dispatches `x`: the blank line sits
 *   in its buffer with the unterminated `abc`, and `reset()` throws both away (the spec dispatches
 *   `x`). The fuzz found this. The oracle is therefore fed the text only up to its last line end
 *   ([spec] what follows is an unterminated line, dropped at the end of the stream, so the stream
 *   means the same without it), plus one LF when that text ends with CR ([spec] a LF right after a
 *   CR belongs to the same line end, so it changes nothing either).
 *
 * At the end, eventsource-parser's `reset()` is called without `consume`, dropping nothing more.
 */
import { createParser as createOracle } from 'eventsource-parser';
import { createParser } from '../src/index.js';
import { randomInt, splitAt } from './utils.js';

/** What a parser reported, in stream order. */
export type FuzzRecord =
  | { kind: 'event'; type: string; data: string }
  | { kind: 'retry'; value: number }
  | { kind: 'comment'; text: string };

export interface FuzzCase {
  bytes: Uint8Array;
  /** Chunk boundaries in `bytes`. */
  cuts: number[];
  /** Chunk boundaries in the decoded text, for the string-fed run. */
  textCuts: number[];
}

export interface Run {
  records: FuzzRecord[];
  /** One entry per event: ssekit's `lastEventId`, or the oracle's raw `id`. */
  ids: (string | undefined)[];
  /** The last event id a reconnect would send. */
  finalId?: string;
}

const utf8 = new TextEncoder();
const ascii = (text: string): number[] => [...utf8.encode(text)];

const FIELD_NAMES = [
  'data',
  'data',
  'data',
  'data',
  'event',
  'event',
  'id',
  'id',
  'retry',
  'retry',
  'Data',
  'dat',
  'datax',
  'foo',
  '',
  ' data',
  'id\0',
];
const VALUE_PIECES: number[][] = [
  ...['a', 'b', 'xyz', 'message', 'hello world', '1', '42', '007', '-1', '1e3'].map(ascii),
  ...[' ', '  ', ':', ': ', '\0', '\t', 'é', '€', '😀', '\u2028', '\uFEFF'].map(ascii),
  [0x80], // a lone continuation byte
  [0xff], // never valid in UTF-8
  [0xe2, 0x82], // a truncated three-byte sequence
  [0xc0, 0xaf], // an overlong encoding of '/'
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xc3], // a lead byte, so that the next piece is its (wrong) continuation
  [0xef, 0xbb], // two thirds of a BOM
  ascii('\r'), // stray line ends inside a value split it into two lines
  ascii('\n'),
];
const LINE_ENDS = [ascii('\n'), ascii('\n'), ascii('\r\n'), ascii('\r')];
const BOM = [0xef, 0xbb, 0xbf];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}

function generateLine(rng: () => number, out: number[]): void {
  const roll = rng();
  if (roll < 0.18) return; // a blank line: dispatch
  if (roll < 0.28) {
    out.push(0x3a);
  } else if (roll < 0.92) {
    out.push(...ascii(pick(rng, FIELD_NAMES)));
    const colon = rng();
    if (colon < 0.9) out.push(0x3a);
    if (colon < 0.6) out.push(0x20);
  } else {
    const count = 1 + randomInt(rng, 8);
    for (let i = 0; i < count; i++) out.push(randomInt(rng, 256));
    return;
  }
  const pieces = randomInt(rng, 5);
  for (let i = 0; i < pieces; i++) out.push(...pick(rng, VALUE_PIECES));
}

function randomCuts(rng: () => number, length: number): number[] {
  const roll = rng();
  if (roll < 0.2 || length === 0) return [];
  if (roll < 0.35) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: 1 + randomInt(rng, 10) }, () => randomInt(rng, length + 1));
}

/** A random byte stream biased toward SSE: field lines, comments, all line ends, BOMs, bad UTF-8. */
export function generateCase(rng: () => number): FuzzCase {
  const out: number[] = [];
  const start = rng();
  if (start < 0.1) out.push(...BOM);
  else if (start < 0.13) out.push(...BOM, ...BOM);
  const lines = randomInt(rng, 14);
  for (let i = 0; i < lines; i++) {
    generateLine(rng, out);
    // The last line is left unterminated now and then: it must be dropped.
    if (i < lines - 1 || rng() < 0.6) out.push(...pick(rng, LINE_ENDS));
  }
  const bytes = Uint8Array.from(out);
  const textLength = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).length;
  return { bytes, cuts: randomCuts(rng, bytes.length), textCuts: randomCuts(rng, textLength) };
}

/** ssekit's parser over the chunks, bytes or text. */
export function runSsekit(chunks: readonly (Uint8Array | string)[]): Run {
  const run: Run = { records: [], ids: [] };
  const parser = createParser({
    onEvent: (event) => {
      run.records.push({ kind: 'event', type: event.type, data: event.data });
      run.ids.push(event.lastEventId);
    },
    onRetry: (value) => run.records.push({ kind: 'retry', value }),
    onComment: (text) => run.records.push({ kind: 'comment', text }),
  });
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  run.finalId = parser.lastEventId;
  return run;
}

/** eventsource-parser over the same byte chunks, decoded as the module comment explains. */
export function runOracle(chunks: readonly Uint8Array[]): Run {
  const run: Run = { records: [], ids: [] };
  const oracle = createOracle({
    onEvent: (event) => {
      run.records.push({ kind: 'event', type: event.event ?? 'message', data: event.data });
      run.ids.push(event.id);
    },
    onRetry: (value) => run.records.push({ kind: 'retry', value }),
    onComment: (text) => run.records.push({ kind: 'comment', text }),
  });
  // The decoded chunks, as a browser's decoder would hand them over.
  const decoder = new TextDecoder('utf-8');
  const texts = chunks.map((chunk) => decoder.decode(chunk, { stream: true }));
  texts.push(decoder.decode());
  const whole = texts.join('');
  const keep = Math.max(whole.lastIndexOf('\r'), whole.lastIndexOf('\n')) + 1;
  oracle.feed('');
  let fed = 0;
  for (const text of texts) {
    const part = text.slice(0, Math.max(0, keep - fed));
    if (part !== '') oracle.feed(part);
    fed += text.length;
  }
  if (whole[keep - 1] === '\r') oracle.feed('\n');
  oracle.reset();
  return run;
}

/**
 * The spec's algorithm, step by step, over the whole stream at once.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function referenceParse(bytes: Uint8Array): Run {
  const run: Run = { records: [], ids: [] };
  // [spec] UTF-8 decode: one leading BOM stripped, invalid sequences become U+FFFD.
  const text = new TextDecoder('utf-8').decode(bytes);
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' || c === '\n') {
      lines.push(text.slice(start, i));
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  // [spec] text after the last line end is not a line; at the end of the stream it is dropped.
  let data = '';
  let type = '';
  let idBuffer = '';
  let lastEventId = '';
  for (const line of lines) {
    if (line === '') {
      lastEventId = idBuffer;
      if (data === '') {
        type = '';
        continue;
      }
      if (data.endsWith('\n')) data = data.slice(0, -1);
      run.records.push({ kind: 'event', type: type === '' ? 'message' : type, data });
      run.ids.push(lastEventId);
      data = '';
      type = '';
      continue;
    }
    if (line.startsWith(':')) {
      // Comments are ignored by the spec; both parsers report them without one leading space.
      run.records.push({ kind: 'comment', text: line.slice(line.startsWith(': ') ? 2 : 1) });
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data += `${value}\n`;
    else if (field === 'id') {
      if (!value.includes('\0')) idBuffer = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) {
      run.records.push({ kind: 'retry', value: Number.parseInt(value, 10) });
    }
  }
  run.finalId = lastEventId;
  return run;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A mismatch between ssekit and an oracle, with what is needed to replay it. */
export interface FuzzMismatch {
  reason: string;
  bytes: number[];
  cuts: number[];
  textCuts: number[];
  expected: unknown;
  actual: unknown;
}

/**
 * Run one case through every parser; `undefined` when they all agree. `parse` is the parser under
 * test (ssekit's by default; the harness's self-test passes broken ones).
 */
export function checkCase(
  fuzzCase: FuzzCase,
  parse: (chunks: readonly (Uint8Array | string)[]) => Run = runSsekit,
): FuzzMismatch | undefined {
  const { bytes, cuts, textCuts } = fuzzCase;
  const fail = (reason: string, expected: unknown, actual: unknown): FuzzMismatch => ({
    reason,
    bytes: [...bytes],
    cuts,
    textCuts,
    expected,
    actual,
  });
  const reference = referenceParse(bytes);
  const byteChunks = splitAt(bytes, cuts);
  const ours = parse(byteChunks);
  if (!same(ours.records, reference.records)) {
    return fail('records differ from the reference', reference.records, ours.records);
  }
  if (!same(ours.ids, reference.ids) || ours.finalId !== reference.finalId) {
    return fail(
      'last event ids differ from the reference',
      [reference.ids, reference.finalId],
      [ours.ids, ours.finalId],
    );
  }
  const oracle = runOracle(byteChunks);
  if (!same(ours.records, oracle.records)) {
    return fail('records differ from eventsource-parser', oracle.records, ours.records);
  }
  for (let i = 0; i < oracle.ids.length; i++) {
    const id = oracle.ids[i];
    if (id !== undefined && id !== ours.ids[i]) {
      return fail(`event ${i}: lastEventId differs from eventsource-parser's id`, id, ours.ids[i]);
    }
  }
  // The same stream as text, cut anywhere (a surrogate pair included), must give the same again.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const fromText = parse(splitAt(text, textCuts));
  if (!same(fromText.records, reference.records) || !same(fromText.ids, reference.ids)) {
    return fail('text-fed run differs from the reference', reference, fromText);
  }
  return undefined;
}
