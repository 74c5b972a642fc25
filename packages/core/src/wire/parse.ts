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

  /** One line, `text[start, end)`: indexes instead of a slice, so that only the value is copied. */
  function processLine(text: string, start: number, end: number): void {
    if (start === end) {
      dispatch();
      return;
    }
    if (skippingEvent) return;
    const first = text.charCodeAt(start);
    if (first === 0x3a /* : */) {
      if (onComment) onComment(valueAt(text, start + 1, end));
      return;
    }
    // The common fields are recognised by their first letter and their name at the right place,
    // so that the hot path copies only the value, never the field name or the line.
    if (
      first === 0x64 /* d */ &&
      text.charCodeAt(start + 4) === 0x3a &&
      text.charCodeAt(start + 1) === 0x61 &&
      text.charCodeAt(start + 2) === 0x74 &&
      text.charCodeAt(start + 3) === 0x61
    ) {
      appendData(valueAt(text, start + 5, end));
      return;
    }
    if (
      first === 0x69 /* i */ &&
      text.charCodeAt(start + 2) === 0x3a &&
      text.charCodeAt(start + 1) === 0x64
    ) {
      setId(valueAt(text, start + 3, end));
      return;
    }
    if (
      first === 0x65 /* e */ &&
      text.charCodeAt(start + 5) === 0x3a &&
      text.charCodeAt(start + 1) === 0x76 &&
      text.charCodeAt(start + 2) === 0x65 &&
      text.charCodeAt(start + 3) === 0x6e &&
      text.charCodeAt(start + 4) === 0x74
    ) {
      eventType = valueAt(text, start + 6, end);
      return;
    }
    let colon = text.indexOf(':', start);
    if (colon >= end) colon = -1;
    const field = text.slice(start, colon === -1 ? end : colon);
    const value = colon === -1 ? '' : valueAt(text, colon + 1, end);
    switch (field) {
      case 'data':
        appendData(value);
        break;
      case 'event':
        eventType = value;
        break;
      case 'id':
        setId(value);
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

  /** [spec] the value starts after the colon, with one leading U+0020 SPACE removed, and only one. */
  function valueAt(text: string, start: number, end: number): string {
    return text.charCodeAt(start) === 0x20 ? text.slice(start + 1, end) : text.slice(start, end);
  }

  function appendData(value: string): void {
    // [spec] append the value then a LF; the final LF is removed at dispatch. Joining with a
    // separator instead gives the same string without a slice on every event.
    if (hasData) data += `\n${value}`;
    else data = value;
    hasData = true;
    if (data.length > maxLength) tooLarge();
  }

  function setId(value: string): void {
    // [spec] an id holding NUL is ignored; an empty id resets the last event id.
    if (value.indexOf('\0') === -1) idBuffer = value;
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
    // Most streams end lines with LF alone: then one indexOf per line finds every line end.
    if (text.indexOf('\r', start) === -1) {
      let lf = text.indexOf('\n', start);
      while (lf !== -1) {
        takeLine(text, start, lf);
        start = lf + 1;
        lf = text.indexOf('\n', start);
      }
      keepPartial(text, start);
      return;
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
        keepPartial(text, start);
        return;
      }
      takeLine(text, start, end);
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

  /** A complete line `text[start, end)`, joined with the parts earlier chunks left. */
  function takeLine(text: string, start: number, end: number): void {
    if (skippingLine) {
      // The rest of an over-long line: drop it; the event it belonged to is already dropped.
      skippingLine = false;
    } else if (partial.length > 0) {
      partial.push(text.slice(start, end));
      const line = partial.join('');
      partial = [];
      partialLength = 0;
      if (line.length > maxLength) tooLarge();
      else processLine(line, 0, line.length);
    } else if (end - start > maxLength) {
      // A line past the bound is dropped whether it came in one chunk or in many: the outcome
      // must not depend on where the chunks were cut.
      tooLarge();
    } else {
      processLine(text, start, end);
    }
  }

  /** The unterminated end of a chunk: kept for the next one, within the bound. */
  function keepPartial(text: string, start: number): void {
    if (skippingLine || start >= text.length) return;
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
