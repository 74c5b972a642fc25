/**
 * The script of the test page, bundled by esbuild for the browser: it builds clients from the
 * client's source and records what they report on `window.ssekit` for the test to read.
 */
import { createClient, type SseClient, SseConnectionError } from '../../src/index.js';
import { contract, newerContract } from './contract.js';
import type {
  ClientRecord,
  PageApi,
  PageClientOptions,
  PageState,
  PageWindow,
} from './page-api.js';

const state: PageState = { clients: {}, eventSources: [], fetches: [], pageErrors: [] };
const clients = new Map<string, SseClient<typeof contract>>();
let token = 'none';

window.addEventListener('error', (event) => state.pageErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  state.pageErrors.push(`unhandled rejection: ${String(event.reason)}`),
);

// Record which transport the client picked. The subclass is still the platform's own
// EventSource: only its construction is noted.
const PlatformEventSource = window.EventSource;
window.EventSource = class RecordedEventSource extends PlatformEventSource {
  constructor(url: string | URL, init?: EventSourceInit) {
    super(url, init);
    state.eventSources.push(String(url));
  }
};
const platformFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  if (new URL(url, location.href).pathname.startsWith('/sse')) {
    const headers = new Headers(init?.headers);
    state.fetches.push({
      url,
      authorization: headers.get('authorization'),
      lastEventId: headers.get('last-event-id'),
    });
  }
  return platformFetch(input, init);
};

const isoOf = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : null;

function open(key: string, options: PageClientOptions): void {
  if (clients.has(key)) throw new Error(`client ${key} is open already`);
  const record: ClientRecord = {
    ticks: [],
    news: [],
    prices: [],
    statuses: [],
    errors: [],
    resets: [],
    status: 'idle',
  };
  state.clients[key] = record;
  const client = createClient(options.newer ? newerContract : contract, {
    url: options.url ?? '/sse',
    ...(options.transport === 'fetch'
      ? {
          // Called at every connect: a token set with setToken() goes out on the next one.
          headers: async (): Promise<Record<string, string>> =>
            options.anonymous ? {} : { authorization: `Bearer ${token}` },
        }
      : {}),
    onStatus: (status) => {
      record.statuses.push(status);
      record.status = status;
    },
    onError: (error) =>
      record.errors.push({
        code: error.code,
        status: error.status ?? null,
        message: error.message,
        event: error.event ?? null,
        attempt: error instanceof SseConnectionError ? error.attempt : null,
      }),
    onReset: (info) => record.resets.push(info.reason),
  });
  clients.set(key, client as unknown as SseClient<typeof contract>);
  if (options.newer) {
    (client as unknown as SseClient<typeof newerContract>).subscribe('news', (n) =>
      record.news.push(n.title),
    );
  }
  client.subscribe('tick', (tick) =>
    record.ticks.push({
      seq: tick.seq,
      note: tick.note,
      atIsDate: tick.at instanceof Date,
      atIso: isoOf(tick.at),
    }),
  );
  if (options.priceTopic !== undefined) {
    client.subscribe(
      'price',
      (price) =>
        record.prices.push({
          symbol: price.symbol,
          price: price.price,
          atIsDate: price.at instanceof Date,
          atIso: isoOf(price.at),
        }),
      { topic: options.priceTopic },
    );
  }
}

const api: PageApi = {
  open,
  close(key) {
    clients.get(key)?.close();
    clients.delete(key);
  },
  setToken(next) {
    token = next;
  },
  state,
};

(window as unknown as PageWindow).ssekit = api;
