import { SseError, SseErrorCode } from '../errors.js';

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

const ONLY_DIGITS = /^[0-9]+$/;

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
  const { onEvent, onRetry, onComment, onError } = options;
  const maxLength = options.maxEventLength ?? 16 * 1024 * 1024;

  // [spec] the stream is UTF-8; one leading BOM is stripped, and invalid bytes become U+FFFD.
  let decoder: TextDecoder | undefined;
  let atStart = true;

  // A line cut by a chunk boundary is kept as parts and joined once: appending to one string and
  // rescanning it on every chunk would make a long line quadratic.
  let partial: string[] = [];
  let partialLength = 0;
  // A CR that ended the previous chunk: a LF at the start of the next one belongs to it (CRLF).
  let afterCR = false;
  // Set when a line or event passed the bound: lines are skipped until the event ends.
  let skippingLine = false;
  let skippingEvent = false;

  let data = '';
  let hasData = false;
  let eventType = '';
  let topic: string | undefined;
  // [spec] the id field fills the "last event ID buffer"; the event source's "last event ID string"
  // takes its value only at dispatch (even a dispatch with no data), so an id in an event that never
  // ends is not remembered. The buffer persists across events and, as in browsers, across reconnects.
  let idBuffer = options.lastEventId ?? '';
  let lastEventId = idBuffer;

  function tooLarge(): void {
    data = '';
    hasData = false;
    eventType = '';
    topic = undefined;
    skippingEvent = true;
    onError?.(
      new SseError(
        SseErrorCode.EVENT_TOO_LARGE,
        `SSE event or line longer than ${maxLength} characters was dropped`,
      ),
    );
  }

  function dispatch(): void {
    if (skippingEvent) {
      skippingEvent = false;
      return;
    }
    lastEventId = idBuffer;
    // [spec] an event with an empty data buffer is not dispatched, and both buffers reset.
    if (!hasData) {
      eventType = '';
      topic = undefined;
      return;
    }
    const event: ParsedEvent = {
      type: eventType === '' ? 'message' : eventType,
      data,
      lastEventId,
    };
    // [ssekit] the topic travels with its event only; the next event starts without one.
    if (topic !== undefined) event.topic = topic;
    data = '';
    hasData = false;
    eventType = '';
    topic = undefined;
    onEvent(event);
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch();
      return;
    }
    if (skippingEvent) return;
    const colon = line.indexOf(':');
    if (colon === 0) {
      onComment?.(line.charCodeAt(1) === 0x20 ? line.slice(2) : line.slice(1));
      return;
    }
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      // [spec] one leading U+0020 SPACE is removed from the value, and only one.
      value = line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        // [spec] append the value then a LF; the final LF is removed at dispatch. Joining with a
        // separator instead gives the same string without a slice on every event.
        if (hasData) data += `\n${value}`;
        else data = value;
        hasData = true;
        if (data.length > maxLength) tooLarge();
        break;
      case 'event':
        eventType = value;
        break;
      case 'id':
        // [spec] an id holding NUL is ignored; an empty id resets the last event id.
        if (value.indexOf('\0') === -1) idBuffer = value;
        break;
      case 'topic':
        topic = value;
        break;
      case 'retry':
        // [spec] only when the value is ASCII digits, and nothing else.
        if (ONLY_DIGITS.test(value)) onRetry?.(Number.parseInt(value, 10));
        break;
      default:
        // [spec] any other field is ignored.
        break;
    }
  }

  function feedText(text: string): void {
    let start = 0;
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (afterCR && start < text.length) {
      afterCR = false;
      if (text.charCodeAt(start) === 0x0a) start += 1;
    }
    // The next CR and LF positions are cached and only searched again once passed, so each chunk is
    // scanned once however it mixes line ends.
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (start < text.length) {
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        if (!skippingLine) {
          const rest = text.slice(start);
          partial.push(rest);
          partialLength += rest.length;
          if (partialLength > maxLength) {
            partial = [];
            partialLength = 0;
            skippingLine = true;
            tooLarge();
          }
        }
        return;
      }
      let line = text.slice(start, end);
      if (partial.length > 0) {
        partial.push(line);
        line = partial.join('');
        partial = [];
        partialLength = 0;
      }
      if (skippingLine) {
        // The rest of an over-long line: drop it; the event it belonged to is already dropped.
        skippingLine = false;
      } else if (line.length > maxLength) {
        // Fix: a line past the bound that arrived whole in one chunk used to be processed (a long
        // comment or `event:` line went through), while the same line cut across chunks was
        // dropped above: the outcome depended on where the chunks were cut. Drop it either way.
        tooLarge();
      } else {
        processLine(line);
      }
      if (end === cr) {
        if (end + 1 < text.length) {
          start = text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
        } else {
          // [spec] a CR at the end of a chunk ends the line now; a LF that follows it is skipped.
          afterCR = true;
          start = end + 1;
        }
      } else {
        start = end + 1;
      }
    }
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
      partial = [];
      partialLength = 0;
      afterCR = false;
      skippingLine = false;
      skippingEvent = false;
      data = '';
      hasData = false;
      eventType = '';
      topic = undefined;
      idBuffer = lastEventId;
      atStart = true;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
