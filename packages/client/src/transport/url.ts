// The URL of a FetchEventSource as the spec resolves it, and the origin its message events carry.

/**
 * [spec] Parse the constructor's URL "relative to the relevant settings object": the document's
 * base URL in a browser, the worker's location in a worker, none in Node (so a relative URL fails).
 * @throws `SyntaxError` (a `DOMException` where there is one) when `url` does not parse.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource
 */
export function resolveUrl(url: string | URL): URL {
  try {
    return new URL(String(url), baseUrl());
  } catch {
    const message = `Invalid EventSource URL: ${String(url)}`;
    throw typeof DOMException === 'function'
      ? new DOMException(message, 'SyntaxError')
      : new SyntaxError(message);
  }
}

/** The serialized origin of a URL, for message events; empty when it does not parse. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function baseUrl(): string | undefined {
  const { document, location } = globalThis as {
    document?: { baseURI?: unknown };
    location?: { href?: unknown };
  };
  if (typeof document?.baseURI === 'string') return document.baseURI;
  return typeof location?.href === 'string' ? location.href : undefined;
}
