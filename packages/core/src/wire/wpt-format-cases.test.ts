// The web-platform-tests' eventsource/format-* cases (test/fixtures/) run through createParser: the
// parser behaves as the standard's own tests expect of a browser.
import { describe, expect, it } from 'vitest';
import { type WptFormatCase, wptFormatCases } from '../../test/fixtures/wpt-format-cases.js';
import {
  byteChunks,
  createRng,
  type ParseResult,
  parseChunks,
  randomChunks,
} from '../../test/utils.js';

const RANDOM_CHUNKINGS = 25;

/**
 * Run every connection of a case in order, each with a fresh parser that starts from the last event
 * id the previous one ended with, as a reconnecting client does.
 */
function runCase(
  testCase: WptFormatCase,
  chunk: (body: Uint8Array, connection: number) => Iterable<string | Uint8Array>,
): void {
  let lastEventId = '';
  testCase.connections.forEach((connection, index) => {
    // What a browser would send as Last-Event-ID on this connect (none when empty).
    expect(lastEventId, `Last-Event-ID before connection ${index}`).toBe(
      connection.lastEventIdHeader ?? '',
    );
    const result: ParseResult = parseChunks(chunk(connection.body, index), { lastEventId });
    expect(result.events, `events of connection ${index}`).toEqual(connection.events);
    expect(result.retries, `retries of connection ${index}`).toEqual(connection.retries);
    expect(result.errors).toEqual([]);
    lastEventId = result.lastEventId;
  });
}

// The cases whose Content-Type fails the connection test the transport, not the parser: a browser
// never reads their body. `FetchEventSource`'s own suite runs them.
const parserCases = wptFormatCases.filter((testCase) => testCase.opens);

describe('WPT eventsource/format-* through createParser', () => {
  it('covers every format-* test of the WPT eventsource folder', () => {
    const files = new Set(wptFormatCases.flatMap((testCase) => testCase.source));
    for (const name of [
      'format-bom.any.js',
      'format-bom-2.any.js',
      'format-comments.any.js',
      'format-data-before-final-empty-line.any.js',
      'format-field-data.any.js',
      'format-field-event.any.js',
      'format-field-event-empty.any.js',
      'format-field-id.any.js',
      'format-field-id-2.any.js',
      'format-field-id-3.window.js',
      'format-field-id-null.window.js',
      'format-field-parsing.any.js',
      'format-field-retry.any.js',
      'format-field-retry-bogus.any.js',
      'format-field-retry-empty.any.js',
      'format-field-unknown.any.js',
      'format-leading-space.any.js',
      'format-mime-bogus.any.js',
      'format-mime-trailing-semicolon.any.js',
      'format-mime-valid-bogus.any.js',
      'format-newlines.any.js',
      'format-null-character.any.js',
      'format-utf-8.any.js',
    ]) {
      expect(files, name).toContain(`eventsource/${name}`);
    }
    const names = wptFormatCases.map((testCase) => testCase.name);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(parserCases.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    (_name, testCase) => {
      it('fed whole', () => {
        runCase(testCase, (body) => [body]);
      });

      it('fed one byte at a time', () => {
        runCase(testCase, byteChunks);
      });

      it(`fed in ${RANDOM_CHUNKINGS} random chunkings`, () => {
        for (let seed = 1; seed <= RANDOM_CHUNKINGS; seed++) {
          const rng = createRng(seed);
          runCase(testCase, (body) => randomChunks(body, rng));
        }
      });

      it('fed as decoded text, whole and in random pieces', () => {
        // ignoreBOM keeps a leading BOM in the text, where the parser itself must strip it.
        const decode = (body: Uint8Array) =>
          new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
        runCase(testCase, (body) => [decode(body)]);
        for (let seed = 1; seed <= RANDOM_CHUNKINGS; seed++) {
          const rng = createRng(seed);
          runCase(testCase, (body) => randomChunks(decode(body), rng));
        }
      });
    },
  );

  it('a failed connection is marked as such and dispatches nothing', () => {
    const failing = wptFormatCases.filter((testCase) => !testCase.opens);
    expect(failing.map((testCase) => testCase.name).sort()).toEqual([
      'format-mime-bogus',
      'format-mime-valid-bogus',
    ]);
    for (const testCase of failing) {
      expect(testCase.contentType.split(';')[0]?.trim()).not.toBe('text/event-stream');
      expect(testCase.connections.every((c) => c.events.length === 0)).toBe(true);
    }
  });
});
