/**
 * The web-platform-tests `eventsource/format-*` cases (and `event-data`), as data: the exact bytes
 * each test's server sends and the events a browser dispatches for them. The wire tests of core run
 * them through `createParser`; a conformance suite for a whole `EventSource` (such as
 * `FetchEventSource`) can serve the same bytes over HTTP with `contentType` and check `opens` too.
 *
 * How the WPT servers build their bodies (so the bytes below can be checked by hand):
 * - `resources/message.py`: `message + ("" if newline=none else "\n\n") + "\n"`, with the
 *   `Content-Type` from `mime` (default `text/event-stream`) and `message` (percent-decoded;
 *   default `data: data`).
 * - `resources/last-event-id.py`: with no `Last-Event-ID` header,
 *   `"id: " + idvalue + "\nretry: 200\ndata: hello\n\n"` (idvalue defaults to U+2026 `…`);
 *   with the header, `"data: " + header + "\n\n"`.
 * - `resources/last-event-id2.py`: a fixed body per `type`, quoted with each case.
 * - `resources/message2.py`: an endless loop over one block; one iteration is used here.
 *
 * The server closes after each body, so a browser reconnects and is served again. Each case lists
 * the connections a test relies on, in order; `lastEventIdHeader` is what the browser sends on that
 * connect (absent: no header, since an empty last event id sends none). A browser keeps the last
 * event id across reconnects, so the events of a later connection carry it until an `id` changes it.
 *
 * @see https://github.com/web-platform-tests/wpt/tree/master/eventsource
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One event as a browser's `MessageEvent` carries it. */
export interface WptEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** One HTTP response of a case's server, and what a browser makes of it. */
export interface WptConnection {
  /** The `Last-Event-ID` header the browser sends on this connect; absent when it sends none. */
  readonly lastEventIdHeader?: string;
  /** The response body, byte for byte. */
  readonly body: Uint8Array;
  /** The events dispatched, in order. */
  readonly events: readonly WptEvent[];
  /** The valid `retry:` values in the body, in order (the reconnection times a browser adopts). */
  readonly retries: readonly number[];
}

export interface WptFormatCase {
  /** The WPT test's file name without extension, plus a variant suffix where one file has several. */
  readonly name: string;
  /** The WPT files the case comes from: the test, then its server script. */
  readonly source: readonly string[];
  /** What the test checks, in a few words. */
  readonly description: string;
  /** The response's `Content-Type`. */
  readonly contentType: string;
  /**
   * Whether a browser accepts the response. `false`: [spec] the Content-Type is not
   * `text/event-stream`, so the connection fails (an `error` event, `readyState` CLOSED) and no
   * event is dispatched, whatever the body holds.
   */
  readonly opens: boolean;
  readonly connections: readonly WptConnection[];
}

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
/** The body `resources/message.py` sends for a `message` (already percent-decoded). */
const message = (text: string, newline: 'default' | 'none' = 'default'): Uint8Array =>
  bytes(`${text}${newline === 'none' ? '' : '\n\n'}\n`);
const msg = (data: string, lastEventId = '', type = 'message'): WptEvent => ({
  type,
  data,
  lastEventId,
});

const EVENT_STREAM = 'text/event-stream';
const BOM = '\uFEFF';
// format-comments.any.js: `(new Array(2*1024+1)).join("x")`.
const LONG = 'x'.repeat(2048);

/** The body of `last-event-id.py` on a connect without `Last-Event-ID`. */
const lastEventIdFirst = (idValue: string): Uint8Array =>
  bytes(`id: ${idValue}\nretry: 200\ndata: hello\n\n`);

export const wptFormatCases: readonly WptFormatCase[] = [
  {
    name: 'format-bom',
    source: ['eventsource/format-bom.any.js', 'eventsource/resources/message.py'],
    description: 'one leading BOM is stripped; a BOM later in the stream is part of the line',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        // %EF%BB%BFdata%3A1%0A%0A%EF%BB%BFdata%3A2%0A%0Adata%3A3: the second BOM turns its line
        // into the unknown field "\uFEFFdata", so "2" never arrives.
        body: message(`${BOM}data:1\n\n${BOM}data:2\n\ndata:3`),
        events: [msg('1'), msg('3')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-bom-2',
    source: ['eventsource/format-bom-2.any.js', 'eventsource/resources/message.py'],
    description: 'of two leading BOMs only the first is stripped',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message(`${BOM}${BOM}data:1\n\ndata:2\n\ndata:3`),
        events: [msg('2'), msg('3')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-comments',
    source: ['eventsource/format-comments.any.js', 'eventsource/resources/message.py'],
    description: 'comments (empty, with NUL, long, looking like fields) between data lines',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message(
          `data:1\r:\0\n:\r\ndata:2\n:${LONG}\rdata:3\n:data:fail\r:${LONG}\ndata:4\n`,
          'none',
        ),
        events: [msg('1\n2\n3\n4')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-data-before-final-empty-line',
    source: [
      'eventsource/format-data-before-final-empty-line.any.js',
      'eventsource/resources/message.py',
    ],
    description:
      'an event cut off by the end of the stream is dropped, and its id is not remembered',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message('retry:1000\ndata:test1\n\nid:test\ndata:test2', 'none'),
        events: [msg('test1')],
        retries: [1000],
      },
      {
        // The id "test" never reached a dispatch, so the reconnect sends no Last-Event-ID and the
        // test's second event (the same "test1") has an empty lastEventId.
        body: message('retry:1000\ndata:test1\n\nid:test\ndata:test2', 'none'),
        events: [msg('test1')],
        retries: [1000],
      },
    ],
  },
  {
    name: 'format-field-data',
    source: ['eventsource/format-field-data.any.js', 'eventsource/resources/message.py'],
    description: '`data:` with an empty value, and `data` without a colon',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message('data:\n\ndata\ndata\n\ndata:test'),
        events: [msg(''), msg('\n'), msg('test')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-event',
    source: ['eventsource/format-field-event.any.js', 'eventsource/resources/message.py'],
    description: 'an `event:` field names the event; the next event is `message` again',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message('event:test\ndata:x\n\ndata:x'),
        events: [msg('x', '', 'test'), msg('x')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-event-empty',
    source: ['eventsource/format-field-event-empty.any.js', 'eventsource/resources/message.py'],
    description: 'an empty `event:` field gives a `message` event',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [{ body: message('event: \ndata:data'), events: [msg('data')], retries: [] }],
  },
  {
    name: 'format-field-id',
    source: ['eventsource/format-field-id.any.js', 'eventsource/resources/last-event-id.py'],
    description: 'a non-ASCII id is reported, sent back on reconnect, and kept across it',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      { body: lastEventIdFirst('…'), events: [msg('hello', '…')], retries: [200] },
      {
        lastEventIdHeader: '…',
        body: bytes('data: …\n\n'),
        events: [msg('…', '…')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-id-2',
    source: ['eventsource/format-field-id-2.any.js', 'eventsource/resources/last-event-id.py'],
    description: 'the last event id survives more than one reconnect',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      { body: lastEventIdFirst('…'), events: [msg('hello', '…')], retries: [200] },
      {
        lastEventIdHeader: '…',
        body: bytes('data: …\n\n'),
        events: [msg('…', '…')],
        retries: [],
      },
      {
        lastEventIdHeader: '…',
        body: bytes('data: …\n\n'),
        events: [msg('…', '…')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-id-3-persists',
    source: ['eventsource/format-field-id-3.window.js', 'eventsource/resources/last-event-id2.py'],
    description: 'the last event id persists across events until another id field',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: bytes('id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n'),
        events: [msg('1', '1'), msg('2', '1'), msg('3', '2'), msg('4', '2')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-id-3-resets',
    source: ['eventsource/format-field-id-3.window.js', 'eventsource/resources/last-event-id2.py'],
    description: 'an empty `id:` resets the last event id',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: bytes('id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n'),
        events: [msg('1', '1'), msg('2', ''), msg('3', '')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-id-3-resets-without-colon',
    source: ['eventsource/format-field-id-3.window.js', 'eventsource/resources/last-event-id2.py'],
    description: 'an `id` line without a colon also resets the last event id',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: bytes('id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n'),
        events: [msg('1', '1'), msg('2', ''), msg('3', '')],
        retries: [],
      },
    ],
  },
  // format-field-id-null.window.js: one test per id value, each holding NUL, so each id is ignored;
  // the last event id stays empty and the reconnect sends no header and gets the same body again.
  ...['\0\0', 'x\0', '\0x', 'x\0x', ' \0'].map(
    (idValue): WptFormatCase => ({
      name: `format-field-id-null-${encodeURIComponent(idValue)}`,
      source: [
        'eventsource/format-field-id-null.window.js',
        'eventsource/resources/last-event-id.py',
      ],
      description: `an id holding NUL (${JSON.stringify(idValue)}) is ignored`,
      contentType: EVENT_STREAM,
      opens: true,
      connections: [
        { body: lastEventIdFirst(idValue), events: [msg('hello')], retries: [200] },
        { body: lastEventIdFirst(idValue), events: [msg('hello')], retries: [200] },
      ],
    }),
  ),
  {
    name: 'format-field-parsing',
    source: ['eventsource/format-field-parsing.any.js', 'eventsource/resources/message.py'],
    description: 'field names are exact and case-sensitive; NUL in data; a leading space once',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message(
          'data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n',
          'none',
        ),
        events: [msg('\0\n 2\n1\n3\n\n4')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-field-retry',
    source: ['eventsource/format-field-retry.any.js', 'eventsource/resources/message.py'],
    description: '`retry` is decimal even with a leading zero (03000 is 3000, not octal)',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [{ body: message('retry:03000\ndata:x'), events: [msg('x')], retries: [3000] }],
  },
  {
    name: 'format-field-retry-bogus',
    source: ['eventsource/format-field-retry-bogus.any.js', 'eventsource/resources/message.py'],
    description: 'a `retry` value that is not all digits is ignored; the earlier one holds',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      { body: message('retry:3000\nretry:1000x\ndata:x'), events: [msg('x')], retries: [3000] },
    ],
  },
  {
    name: 'format-field-retry-empty',
    source: ['eventsource/format-field-retry-empty.any.js', 'eventsource/resources/message.py'],
    description: 'a `retry` line without a value is ignored',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [{ body: message('retry\ndata:test'), events: [msg('test')], retries: [] }],
  },
  {
    name: 'format-field-unknown',
    source: ['eventsource/format-field-unknown.any.js', 'eventsource/resources/message.py'],
    description: 'unknown fields, a line starting with a space, text without a colon: ignored',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message(
          'data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test',
        ),
        events: [msg('test\n\ntest')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-leading-space',
    source: ['eventsource/format-leading-space.any.js', 'eventsource/resources/message.py'],
    description: 'only a space is stripped after the colon, not a tab; a CR ends a line',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message('data:\ttest\rdata: \ndata:test'),
        events: [msg('\ttest\n\ntest')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-mime-bogus',
    source: ['eventsource/format-mime-bogus.any.js', 'eventsource/resources/message.py'],
    description: 'a Content-Type that is not a MIME type fails the connection',
    contentType: 'x bogus',
    opens: false,
    // The body a parser would read as one `data` event; a browser never reads it.
    connections: [{ body: message('data: data'), events: [], retries: [] }],
  },
  {
    name: 'format-mime-trailing-semicolon',
    source: [
      'eventsource/format-mime-trailing-semicolon.any.js',
      'eventsource/resources/message.py',
    ],
    description: '`text/event-stream;` is `text/event-stream`: the connection opens',
    contentType: 'text/event-stream;',
    opens: true,
    connections: [{ body: message('data: data'), events: [msg('data')], retries: [] }],
  },
  {
    name: 'format-mime-valid-bogus',
    source: ['eventsource/format-mime-valid-bogus.any.js', 'eventsource/resources/message.py'],
    description: 'a valid MIME type other than `text/event-stream` fails the connection',
    contentType: 'text/x-bogus',
    opens: false,
    connections: [{ body: message('data: data'), events: [], retries: [] }],
  },
  {
    name: 'format-newlines',
    source: ['eventsource/format-newlines.any.js', 'eventsource/resources/message.py'],
    description: 'CRLF, LF, and a CR followed by LF in the next write, as line ends',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: message('data:test\r\ndata\ndata:test\r\n\r', 'none'),
        events: [msg('test\n\ntest')],
        retries: [],
      },
    ],
  },
  {
    name: 'format-null-character',
    source: ['eventsource/format-null-character.any.js', 'eventsource/resources/message.py'],
    description: 'a NUL in data is kept',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [{ body: message('data:\0\n\n'), events: [msg('\0')], retries: [] }],
  },
  {
    name: 'format-utf-8',
    source: ['eventsource/format-utf-8.any.js', 'eventsource/resources/message.py'],
    description: 'the stream is UTF-8 whatever charset the Content-Type names',
    contentType: 'text/event-stream;charset=windows-1252',
    opens: true,
    // data%3Aok%E2%80%A6: the three bytes of U+2026, which windows-1252 would read as "â€¦".
    connections: [{ body: message('data:ok…'), events: [msg('ok…')], retries: [] }],
  },
  {
    name: 'event-data',
    source: ['eventsource/event-data.any.js', 'eventsource/resources/message2.py'],
    description: 'lines and data parsing: comments, unknown fields, `Data` is not `data`',
    contentType: EVENT_STREAM,
    opens: true,
    connections: [
      {
        body: bytes(
          'data:msg\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData:data\n\ndata\n\ndata:end\n\n',
        ),
        events: [msg('msg\nmsg'), msg(''), msg('end')],
        retries: [],
      },
    ],
  },
];
