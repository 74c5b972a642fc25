/**
 * What the bundled page script exposes on `window.ssekit`, and what the test reads back. Only
 * plain JSON values, so that `page.evaluate` can carry them across.
 */

/** `eventsource`: the platform `EventSource` (no headers). `fetch`: a bearer token in `headers`. */
export type PageTransport = 'eventsource' | 'fetch';

export interface PageClientOptions {
  transport: PageTransport;
  /** For `fetch`: send no `authorization` header at all (the server must refuse with 401). */
  anonymous?: boolean;
  /** Subscribe to `price` for this topic as well as to every `tick`. */
  priceTopic?: string;
  /** The base URL. @default '/sse' */
  url?: string;
  /** Build the client from `newerContract` and subscribe to `news` too, which the server does not know. */
  newer?: boolean;
}

/** A decoded tick as the page saw it: `atIsDate` is `at instanceof Date` inside the page. */
export interface ReceivedTick {
  seq: number;
  note: string;
  atIsDate: boolean;
  atIso: string | null;
}

export interface ReceivedPrice {
  symbol: string;
  price: number;
  atIsDate: boolean;
  atIso: string | null;
}

/** An `SseError` that reached `onError`, reduced to what the test checks. */
export interface ReceivedError {
  code: string;
  status: number | null;
  message: string;
  /** The event the error concerns (`UNKNOWN_EVENT`), or null. */
  event: string | null;
  /** The attempt count of an `SseConnectionError`, or null. */
  attempt: number | null;
}

/** Everything one client of the page reported. */
export interface ClientRecord {
  ticks: ReceivedTick[];
  news: string[];
  prices: ReceivedPrice[];
  statuses: string[];
  errors: ReceivedError[];
  resets: string[];
  /** The last status reported. */
  status: string;
}

export interface PageState {
  clients: Record<string, ClientRecord>;
  /** URLs of every platform `EventSource` that the page constructed. */
  eventSources: string[];
  /** Every `fetch` of the SSE endpoint: its URL and `authorization` header (null when none). */
  fetches: { url: string; authorization: string | null; lastEventId: string | null }[];
  /** Uncaught errors and unhandled rejections inside the page. */
  pageErrors: string[];
}

export interface PageApi {
  /** Create a client under `key` and subscribe. */
  open(key: string, options: PageClientOptions): void;
  /** Close the client under `key`. */
  close(key: string): void;
  /** The bearer token that the next connect of every `fetch` client sends. */
  setToken(token: string): void;
  /** Live state, updated by the clients' callbacks. */
  readonly state: PageState;
}

/** `window` as the page script leaves it. */
export interface PageWindow {
  ssekit: PageApi;
}
