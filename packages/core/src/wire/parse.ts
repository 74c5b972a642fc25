// The streaming `text/event-stream` parser's entry point: bytes → text here, then lines
// (parse-lines.ts), then fields and events (parse-fields.ts). Used by the client and by tests.
import type { SseError } from '../errors.js';
import { createEventBuilder } from './parse-fields.js';
import { createLineSplitter } from './parse-lines.js';

/** An event as a browser's `MessageEvent` would carry it. */
export interface ParsedEvent {
  /** The `event:` field, or `message` when there was none. */
  type: string;
  data: string;
  /** The last event id seen on this stream so far: it persists across events. */
  lastEventId: string;
  /**
   * [ssekit] The event's `topic:` field, when it had one. The spec ignores unknown fields, and so does
   * everything above: this is only an extra reading of a field a browser would skip.
   */
  topic?: string;
}

export interface ParserOptions {
  onEvent: (event: ParsedEvent) => void;
  /** A valid `retry:` field, in milliseconds. */
  onRetry?: (retryMs: number) => void;
  /** A comment line, without its `:` and one leading space. Heartbeats arrive here. */
  onComment?: (text: string) => void;
  /** An event or line passed `maxEventLength`: it was dropped and parsing goes on. */
  onError?: (error: SseError) => void;
  /**
   * Longest line, and longest event data, in characters. Past it the event is dropped (with
   * `onError`), so that a hostile or broken server cannot grow the buffers without end.
   * @default 16_777_216 (16 Mi characters)
   */
  maxEventLength?: number;
  /** The last event id to start from (a reconnecting client keeps its own). @default '' */
  lastEventId?: string;
}

export interface Parser {
  /** Feed bytes (decoded as UTF-8, streaming) or already decoded text. */
  feed(chunk: string | Uint8Array): void;
  /** End of stream: [spec] an event that was not terminated by a blank line is dropped. */
  end(): void;
  /** The last event id of a dispatched event (or of an id-only event block): what a reconnect sends. */
  readonly lastEventId: string;
}

/**
 * A streaming parser for `text/event-stream` that follows the WHATWG HTML rules exactly.
 *
 * @example
 * ```ts
 * const parser = createParser({ onEvent: (e) => console.log(e.type, e.data) });
 * parser.feed('event: price\ndata: {"p":1}\n\n');
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function createParser(options: ParserOptions): Parser {
  const maxLength = options.maxEventLength ?? 16 * 1024 * 1024;
  // bytes → text (here) → lines (parse-lines.ts) → fields and events (parse-fields.ts)
  const events = createEventBuilder(options, maxLength);
  const lines = createLineSplitter(maxLength, events);

  // [spec] the stream is UTF-8; one leading BOM is stripped, and invalid bytes become U+FFFD.
  let decoder: TextDecoder | undefined;
  let atStart = true;

  function feedText(text: string): void {
    let start = 0;
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    lines.feed(text, start);
  }

  return {
    feed(chunk) {
      if (typeof chunk === 'string') {
        feedText(chunk);
        return;
      }
      // ignoreBOM: the decoder keeps the BOM so that feedText strips exactly one, as the spec says.
      decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
      feedText(decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (decoder) {
        const tail = decoder.decode();
        if (tail) feedText(tail);
        decoder = undefined;
      }
      // [spec] once the end of the stream is reached, pending data is discarded.
      lines.reset();
      events.reset();
      atStart = true;
    },
    get lastEventId() {
      return events.lastEventId;
    },
  };
}
