// Encoder and parser together, on random frames cut at random places: the same events come back,
// a comment never becomes an event, and the encoder refuses exactly the ids and names with CR, LF
// or NUL.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChunks, splitAt, toBytes } from '../../test/utils.js';
import { SseError } from '../errors.js';
import { encodeComment, encodeEvent, type SseFrame } from './encode.js';
import type { ParsedEvent } from './parse.js';

const NUM_RUNS = 1000;
const LINE_BREAK = /\r\n|\r|\n/;

// Pieces that stress the wire format: line ends of every kind, spaces where one is stripped, text
// that looks like a field, NUL, a BOM, multi-byte UTF-8 of 2, 3 and 4 bytes, and U+2028 (not a line
// end for SSE).
const TRICKY = ['\r', '\n', '\r\n', ' ', '  ', ':', 'data: ', 'id: 1', '\0', '\uFEFF'];
const UNICODE = ['é', '€', '😀', '\u2028', '\u0085'];

const anyChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY, ...UNICODE) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
  // Any code point, surrogate pairs included; never a lone surrogate, which UTF-8 cannot carry.
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const dataString = fc.string({ unit: anyChar, maxLength: 30 });
const fieldString = fc.string({
  unit: anyChar.filter((s) => !/[\r\n\0]/.test(s)),
  maxLength: 12,
});

const frame: fc.Arbitrary<SseFrame> = fc.record(
  {
    id: fieldString,
    event: fieldString,
    topic: fieldString,
    data: dataString,
    retry: fc.nat({ max: 100_000 }),
  },
  { requiredKeys: ['data'] },
);

const stream = fc.array(fc.record({ comment: fc.option(dataString), frame }), {
  minLength: 1,
  maxLength: 6,
});
/** Cut positions, applied to whatever length the stream has. */
const cuts = fc.array(fc.nat({ max: 2_000 }), { maxLength: 40 });

interface Expected {
  events: ParsedEvent[];
  retries: number[];
  comments: string[];
}

/** What a spec parser must give back for encoded frames: the model the encoder promises. */
function expectedFor(items: { comment: string | null; frame: SseFrame }[]): Expected {
  const expected: Expected = { events: [], retries: [], comments: [] };
  let lastEventId = '';
  for (const { comment, frame } of items) {
    if (comment !== null) expected.comments.push(...comment.split(LINE_BREAK));
    if (frame.retry !== undefined) expected.retries.push(frame.retry);
    if (frame.id !== undefined) lastEventId = frame.id;
    const event: ParsedEvent = {
      type: frame.event === undefined || frame.event === '' ? 'message' : frame.event,
      // The encoder splits on any line end and the parser joins with LF.
      data: frame.data.split(LINE_BREAK).join('\n'),
      lastEventId,
    };
    if (frame.topic !== undefined) event.topic = frame.topic;
    expected.events.push(event);
  }
  return expected;
}

function encodeAll(items: { comment: string | null; frame: SseFrame }[]): string {
  return items
    .map(
      ({ comment, frame }) => (comment === null ? '' : encodeComment(comment)) + encodeEvent(frame),
    )
    .join('');
}

function scale(positions: number[], length: number): number[] {
  return positions.map((p) => p % (length + 1));
}

describe('encodeEvent → createParser', () => {
  it('gives back the same events for any chunking of the UTF-8 bytes', () => {
    fc.assert(
      fc.property(stream, cuts, (items, positions) => {
        const bytes = toBytes(encodeAll(items));
        const result = parseChunks(splitAt(bytes, scale(positions, bytes.length)));
        const expected = expectedFor(items);
        expect(result.events).toStrictEqual(expected.events);
        expect(result.retries).toEqual(expected.retries);
        expect(result.comments).toEqual(expected.comments);
        expect(result.errors).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives back the same events for any chunking of the text, surrogate pairs cut included', () => {
    fc.assert(
      fc.property(stream, cuts, (items, positions) => {
        const text = encodeAll(items);
        const result = parseChunks(splitAt(text, scale(positions, text.length)));
        expect(result.events).toStrictEqual(expectedFor(items).events);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('gives back one event cut at every byte, inside each multi-byte character', () => {
    const bytes = toBytes(encodeEvent({ id: '€', event: 'é', data: '😀\r\n€' }));
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(parseChunks(splitAt(bytes, [cut])).events).toEqual([
        { type: 'é', data: '😀\n€', lastEventId: '€' },
      ]);
    }
  });
});

describe('encodeComment', () => {
  it('never produces an event, whatever the text and the chunking', () => {
    fc.assert(
      fc.property(fc.array(dataString, { maxLength: 5 }), cuts, (texts, positions) => {
        const bytes = toBytes(texts.map(encodeComment).join(''));
        const result = parseChunks(splitAt(bytes, scale(positions, bytes.length)));
        expect(result.events).toEqual([]);
        expect(result.retries).toEqual([]);
        expect(result.comments).toEqual(texts.flatMap((text) => text.split(LINE_BREAK)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never produces an event for any string at all, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.constantFrom('\ud800', '\r', '\n', 'a') }),
        (a, b) => {
          expect(parseChunks([toBytes(encodeComment(a + b))]).events).toEqual([]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('encodeEvent field checks', () => {
  const withBreak = fc
    .tuple(fieldString, fc.constantFrom('\r', '\n', '\0', '\r\n'), fieldString)
    .map(([before, bad, after]) => before + bad + after);

  it.each(['id', 'event'] as const)('throws INVALID_FIELD for CR, LF or NUL in %s', (field) => {
    fc.assert(
      fc.property(withBreak, dataString, (value, data) => {
        let caught: unknown;
        try {
          encodeEvent({ [field]: value, data });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(SseError);
        expect((caught as SseError).code).toBe('INVALID_FIELD');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('accepts every id and event without CR, LF or NUL', () => {
    fc.assert(
      fc.property(fieldString, fieldString, (id, event) => {
        expect(() => encodeEvent({ id, event, data: '' })).not.toThrow();
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
