// The parser's second step: one line → a field of the event being built (data, event, id, retry,
// topic, comment), and a blank line → dispatch. Holds the event buffers and the last event id.
import { SseError, SseErrorCode } from '../errors.js';
import type { ParsedEvent, ParserOptions } from './parse.js';

const ONLY_DIGITS = /^[0-9]+$/;

export interface EventBuilder {
  /** One complete line, `text[start, end)`; a blank one dispatches the event. */
  line(text: string, start: number, end: number): void;
  /** The line or event passed the bound: drop the event, report it, skip its remaining lines. */
  tooLong(): void;
  /** End of stream: [spec] the unterminated event is dropped, and its id is not remembered. */
  reset(): void;
  /** The last event id of a dispatched event (or of an id-only event block). */
  readonly lastEventId: string;
}

/** The event buffers and the field rules of the WHATWG event stream interpretation. */
export function createEventBuilder(options: ParserOptions, maxLength: number): EventBuilder {
  const { onEvent, onRetry, onComment, onError } = options;
  let data = '';
  let hasData = false;
  let eventType = '';
  let topic: string | undefined;
  // Set when the event passed the bound: its lines are skipped until it ends.
  let skippingEvent = false;
  // [spec] the id field fills the "last event ID buffer"; the event source's "last event ID string"
  // takes its value only at dispatch (even a dispatch with no data), so an id in an event that never
  // ends is not remembered. The buffer persists across events and, as in browsers, across reconnects.
  let idBuffer = options.lastEventId ?? '';
  let lastEventId = idBuffer;

  /** The one reset of the event being built: after a dispatch, a drop, and at end of stream. */
  function resetEvent(): void {
    data = '';
    hasData = false;
    eventType = '';
    topic = undefined;
  }

  function tooLong(): void {
    resetEvent();
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
      resetEvent();
      return;
    }
    const event: ParsedEvent = {
      type: eventType === '' ? 'message' : eventType,
      data,
      lastEventId,
    };
    // [ssekit] the topic travels with its event only; the next event starts without one.
    if (topic !== undefined) event.topic = topic;
    resetEvent();
    onEvent(event);
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
    if (data.length > maxLength) tooLong();
  }

  function setId(value: string): void {
    // [spec] an id holding NUL is ignored; an empty id resets the last event id.
    if (value.indexOf('\0') === -1) idBuffer = value;
  }

  /** A field whose name the fast path did not recognise: split at the first colon, then by name. */
  function otherField(text: string, start: number, end: number): void {
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

  function line(text: string, start: number, end: number): void {
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
    otherField(text, start, end);
  }

  return {
    line,
    tooLong,
    reset() {
      resetEvent();
      skippingEvent = false;
      idBuffer = lastEventId;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
