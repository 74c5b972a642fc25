/**
 * The web-platform-tests `eventsource/` cases that apply outside a browser, over real loopback
 * HTTP, against FetchEventSource and, as a cross-check of the harness itself, the `eventsource` npm
 * package (v4). A case that the npm package is known to get wrong runs as `test.fails` with the
 * reason, so the harness is seen to catch it.
 *
 * The format cases are core's `wptFormatCases` (the WPT bodies as bytes, with the events a browser
 * dispatches); each is served whole and cut into small writes. The rest are transcribed from the
 * WPT files named on each test.
 *
 * @see https://github.com/web-platform-tests/wpt/tree/master/eventsource
 */
import type http from 'node:http';
import { quietPeriod } from '@ssekit/test-kit';
import { EventSource as NpmEventSource } from 'eventsource';
import { describe, expect, test } from 'vitest';
import { type WptFormatCase, wptFormatCases } from '../../core/test/fixtures/wpt-format-cases.js';
import { FetchEventSource } from '../src/transport/fetch-event-source.js';
import type { EventLike, EventSourceLike, MessageEventLike } from '../src/transport/types.js';
import { nextEvent, startTestServer, waitFor, writeChunk } from './utils.js';

interface Implementation {
  readonly name: string;
  create(url: string): EventSourceLike;
  /** Cases this implementation is known to fail, with the reason. */
  readonly knownFailures: Readonly<Record<string, string>>;
}

const NON_ASCII_ID =
  'sends a non-ASCII Last-Event-ID as UTF-16 code units: fetch refuses a header code point above ' +
  'U+00FF, so the reconnect never happens (FetchEventSource sends the UTF-8 bytes)';

const EVENT_OWN_ID =
  'gives each MessageEvent its own `id` field as lastEventId (empty when the event has none) ' +
  'instead of the last event ID string that persists across events';

const implementations: readonly Implementation[] = [
  { name: 'FetchEventSource', create: (url) => new FetchEventSource(url), knownFailures: {} },
  {
    name: 'eventsource (npm)',
    create: (url) => new NpmEventSource(url),
    knownFailures: {
      'format-field-id': NON_ASCII_ID,
      'format-field-id-2': NON_ASCII_ID,
      'format-mime-uppercase': 'compares the Content-Type with startsWith, case-sensitively',
      'format-field-id-3-persists': EVENT_OWN_ID,
      'last-event-id-persists': EVENT_OWN_ID,
    },
  },
];

/** Extra MIME cases from the issue: parameters and case do not matter, another type fails. */
const encoder = new TextEncoder();
const mimeCase = (name: string, contentType: string, opens: boolean): WptFormatCase => ({
  name,
  source: ['eventsource/format-mime-*.any.js (variant)'],
  description: `Content-Type ${contentType}`,
  contentType,
  opens,
  connections: [
    {
      body: encoder.encode('data: data\n\n\n'),
      events: opens ? [{ type: 'message', data: 'data', lastEventId: '' }] : [],
      retries: [],
    },
  ],
});
const extraMimeCases: readonly WptFormatCase[] = [
  mimeCase('format-mime-charset-utf-8', 'text/event-stream; charset=utf-8', true),
  mimeCase('format-mime-charset-UTF-8-no-space', 'text/event-stream;charset=UTF-8', true),
  mimeCase('format-mime-uppercase', 'Text/Event-Stream', true),
  mimeCase('format-mime-text-plain', 'text/plain', false),
];

/** Cut a body into writes of 1, 2, 3, 5 and 8 bytes in turn, so every boundary gets hit somewhere. */
function smallPieces(body: Uint8Array): Uint8Array[] {
  const sizes = [1, 2, 3, 5, 8];
  const pieces: Uint8Array[] = [];
  for (let start = 0, i = 0; start < body.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    pieces.push(body.subarray(start, start + size));
    start += size;
  }
  return pieces;
}

async function serveBody(
  res: http.ServerResponse,
  body: Uint8Array,
  delivery: 'whole' | 'pieces',
): Promise<void> {
  if (delivery === 'whole') {
    res.end(body);
    return;
  }
  for (const piece of smallPieces(body)) {
    if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

function record(source: EventSourceLike, types: Iterable<string>) {
  const events: { type: string; data: string; lastEventId: string }[] = [];
  const errors: { readyState: number; event: EventLike }[] = [];
  for (const type of new Set(['message', ...types])) {
    source.addEventListener(type, (event: MessageEventLike) => {
      events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
    });
  }
  source.addEventListener('error', (event) =>
    errors.push({ readyState: source.readyState, event }),
  );
  return { events, errors };
}

async function runFormatCase(
  impl: Implementation,
  wpt: WptFormatCase,
  delivery: 'whole' | 'pieces',
): Promise<void> {
  await using server = await startTestServer(async (_req, res, seen) => {
    const connection = wpt.connections[Math.min(seen.index, wpt.connections.length - 1)]!;
    res.writeHead(200, { 'content-type': wpt.contentType });
    await serveBody(res, connection.body, delivery);
  });
  const expected = wpt.connections.flatMap((c) => c.events);
  const source = impl.create(server.url);
  try {
    const seen = record(
      source,
      expected.map((e) => e.type),
    );
    if (wpt.opens) {
      // Each body ends with the connection, which fires `error`: once every expected connection
      // ended, every event it carried has been dispatched.
      await waitFor(() => seen.errors.length >= wpt.connections.length, {
        message: `${wpt.connections.length} connections to end`,
        timeoutMs: 10_000,
      });
      source.close();
      expect(seen.events).toEqual(expected);
      for (const [i, connection] of wpt.connections.entries()) {
        expect(server.requests[i]?.lastEventId, `Last-Event-ID of connect ${i}`).toBe(
          connection.lastEventIdHeader,
        );
      }
      expect(seen.errors.every((e) => e.readyState === source.CONNECTING)).toBe(true);
    } else {
      // format-mime-valid-bogus: "fails the connection" with a simple event, not a MessageEvent.
      await waitFor(() => seen.errors.length > 0, 'the error event');
      const [first] = seen.errors;
      expect(first?.readyState).toBe(source.CLOSED);
      const event = first?.event as Event;
      expect(Object.hasOwn(event, 'data')).toBe(false);
      expect(event.bubbles).toBe(false);
      expect(event.cancelable).toBe(false);
      await quietPeriod(150);
      expect(seen.events).toEqual([]);
      expect(seen.errors).toHaveLength(1);
      expect(server.requests).toHaveLength(1);
    }
  } finally {
    source.close();
  }
}

describe.each(implementations)('WPT eventsource conformance: $name', (impl) => {
  const caseTest = (name: string) => (impl.knownFailures[name] ? test.fails : test);

  describe.each(['whole', 'pieces'] as const)('format cases, body sent %s', (delivery) => {
    for (const wpt of [...wptFormatCases, ...extraMimeCases]) {
      caseTest(wpt.name)(`${wpt.name}: ${wpt.description}`, async () => {
        await runFormatCase(impl, wpt, delivery);
      });
    }
  });

  // request-status-error.window.js + resources/status-error.py
  test.each([204, 205, 210, 299, 404, 410, 500, 503])(
    'request-status-error (%i): error, CLOSED, no message, no retry',
    async (status) => {
      await using server = await startTestServer((_req, res) => {
        res.writeHead(status, 'HAHAHAHA', { 'content-type': 'text/event-stream' });
        res.end(status === 204 || status === 205 ? '' : 'data: data\n\n');
      });
      const source = impl.create(server.url);
      try {
        const seen = record(source, []);
        await nextEvent(source, 'error');
        expect(source.readyState).toBe(source.CLOSED);
        await quietPeriod(150);
        expect(seen.events).toEqual([]);
        expect(seen.errors).toHaveLength(1);
        expect(server.requests).toHaveLength(1);
      } finally {
        source.close();
      }
    },
  );

  // eventsource-reconnect.window.js + resources/status-reconnect.py?status=200&ok_first
  test('eventsource-reconnect: the end of the body reconnects, with error and CONNECTING', async () => {
    await using server = await startTestServer((_req, res, seen) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(seen.index === 0 ? 'retry: 2\ndata: ok\n\n' : 'data: data\n\n');
    });
    const source = impl.create(server.url);
    try {
      const log: string[] = [];
      source.onmessage = (event) => log.push(`message ${event.data}`);
      source.onerror = () => log.push(`error ${source.readyState}`);
      await waitFor(() => log.includes('message data'), 'the message after the reconnect');
      expect(log.slice(0, 3)).toEqual(['message ok', `error ${source.CONNECTING}`, 'message data']);
    } finally {
      source.close();
    }
  });

  // eventsource-close.window.js, test 2 + resources/reconnect-fail.py
  test('eventsource-close: open, reconnect, then 204 closes for good', async () => {
    await using server = await startTestServer((_req, res, seen) => {
      if (seen.index === 0) {
        res.writeHead(200, 'OPEN', { 'content-type': 'text/event-stream' });
        res.end('retry: 2\ndata: opened\n\n');
      } else if (seen.index === 1) {
        res.writeHead(200, 'RECONNECT', { 'content-type': 'text/event-stream' });
        res.end('data: reconnected\n\n');
      } else {
        res.writeHead(204, 'NO CONTENT (CLOSE)', { 'content-type': 'text/event-stream' });
        res.end();
      }
    });
    const source = impl.create(server.url);
    try {
      const log: string[] = [];
      source.onmessage = (event) => log.push(`message ${event.data}`);
      source.onerror = () => log.push(`error ${source.readyState}`);
      await waitFor(() => log.includes(`error ${source.CLOSED}`), 'the closing error');
      await quietPeriod(100);
      expect(log).toEqual([
        'message opened',
        `error ${source.CONNECTING}`,
        'message reconnected',
        `error ${source.CONNECTING}`,
        `error ${source.CLOSED}`,
      ]);
      expect(server.requests).toHaveLength(3);
    } finally {
      source.close();
    }
  });

  // eventsource-close.window.js, test 1 and eventsource-onopen.any.js
  test('eventsource-close / onopen: CONNECTING, then OPEN with a plain open event, then CLOSED', async () => {
    await using server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: data\n\n');
    });
    const source = impl.create(server.url);
    try {
      expect(source.readyState).toBe(source.CONNECTING);
      const open = (await nextEvent(source, 'open')) as Event;
      expect(source.readyState).toBe(source.OPEN);
      expect(Object.hasOwn(open, 'data')).toBe(false);
      expect(open.bubbles).toBe(false);
      expect(open.cancelable).toBe(false);
      source.close();
      expect(source.readyState).toBe(source.CLOSED);
    } finally {
      source.close();
    }
  });

  // request-accept.any.js and request-cache-control.any.js: the server echoes the request header.
  test.each([
    ['accept', 'text/event-stream'],
    ['cache-control', 'no-cache'],
  ])('request-%s: the request carries %s', async (header, value) => {
    await using server = await startTestServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${req.headers[header] ?? ''}\n\n`);
    });
    const source = impl.create(server.url);
    try {
      const event = await nextEvent<MessageEventLike>(source, 'message');
      expect(event.data).toBe(value);
    } finally {
      source.close();
    }
  });

  test('UTF-8 decoding: multibyte characters cut across chunks', async () => {
    const text = 'é€𝄞 and 日本';
    const bytes = encoder.encode(`data: ${text}\n\n`);
    await using server = await startTestServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Cut inside the 2-, 3- and 4-byte sequences: after 7 bytes ("data: " and é's lead byte),
      // then one byte into €, then two bytes into 𝄞.
      for (const [start, end] of [
        [0, 7],
        [7, 9],
        [9, 13],
        [13, bytes.length],
      ] as const) {
        await writeChunk(res, bytes.subarray(start, end));
      }
      res.end();
    });
    const source = impl.create(server.url);
    try {
      const event = await nextEvent<MessageEventLike>(source, 'message');
      expect(event.data).toBe(text);
    } finally {
      source.close();
    }
  });

  // format-field-id-2 with ssekit's own ids: the newest id goes back on every reconnect.
  caseTest('last-event-id-persists')(
    'Last-Event-ID persists across reconnects and follows the newest id',
    async () => {
      await using server = await startTestServer((_req, res, seen) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const body = [
          'retry: 20\nid: k3f9a2-1\ndata: a\n\nid: k3f9a2-2\ndata: b\n\n',
          'data: c\n\n',
          'id: k3f9a2-3\ndata: d\n\n',
          'data: e\n\n',
        ][seen.index];
        res.end(body ?? '');
      });
      const source = impl.create(server.url);
      try {
        const seen = record(source, []);
        await waitFor(() => seen.events.length >= 5, 'five events');
        source.close();
        expect(server.requests.slice(0, 4).map((r) => r.lastEventId)).toEqual([
          undefined,
          'k3f9a2-2',
          'k3f9a2-2',
          'k3f9a2-3',
        ]);
        expect(seen.events.map((e) => `${e.data}@${e.lastEventId}`)).toEqual([
          'a@k3f9a2-1',
          'b@k3f9a2-2',
          'c@k3f9a2-2',
          'd@k3f9a2-3',
          'e@k3f9a2-3',
        ]);
      } finally {
        source.close();
      }
    },
  );
});

// format-field-retry.any.js and format-field-retry-bogus.any.js time the reconnect: the delay
// between two opens is the retry value, give or take 10%. They run side by side to save time.
describe.concurrent('WPT retry timing', () => {
  const timed = wptFormatCases.filter(
    (c) => c.name.startsWith('format-field-retry') && c.connections[0]?.retries.length,
  );
  for (const impl of implementations) {
    for (const wpt of timed) {
      test(`${impl.name}: ${wpt.name}`, async ({ expect }) => {
        const connection = wpt.connections[0]!;
        const retryMs = connection.retries.at(-1)!;
        await using server = await startTestServer((_req, res) => {
          res.writeHead(200, { 'content-type': wpt.contentType });
          res.end(connection.body);
        });
        const source = impl.create(server.url);
        try {
          const opens: number[] = [];
          source.onopen = () => opens.push(performance.now());
          await waitFor(() => opens.length >= 2, {
            message: 'the second open',
            timeoutMs: retryMs * 2,
          });
          const [first = 0, second = 0] = opens;
          expect(Math.abs(1 - (second - first) / retryMs)).toBeLessThan(0.1);
        } finally {
          source.close();
        }
      });
    }
  }
});
