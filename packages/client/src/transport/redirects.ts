// Redirects of a FetchEventSource request that carries headers of the caller's: followed here, one
// hop at a time, so that those headers (an API key, a bearer token) never reach another origin.
import { SseError, SseErrorCode } from '@ssekit/core';
import { cancelBody } from './response.js';
import type { FetchLike, FetchLikeInit, FetchLikeResponse } from './types.js';

/** Hops before a request is given up as a redirect loop, as fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that fetch or the spec set, not the caller: they follow any redirect. */
const OWN_HEADERS = new Set(['accept', 'last-event-id', 'content-type']);

/** The response, and the URL it answered (for the events' `origin`). */
export interface Fetched {
  readonly response: FetchLikeResponse;
  readonly url: string;
}

/**
 * Fetch `url`; with caller headers, follow redirects by hand: same-origin hops keep every header, a
 * cross-origin hop drops the caller's (and they stay dropped for the rest of the chain). Where a
 * redirect cannot be read (a browser answers `opaqueredirect`, status 0), the response goes back
 * as it is, and the connection fails with `HTTP_ERROR` rather than guess.
 */
export async function fetchWithOwnRedirects(
  fetch: FetchLike,
  url: string,
  init: Omit<FetchLikeInit, 'redirect'>,
): Promise<Fetched> {
  const custom = Object.keys(init.headers).filter((name) => !OWN_HEADERS.has(name));
  if (custom.length === 0) {
    const response = await fetch(url, { ...init, redirect: 'follow' });
    return { response, url: response.url || url };
  }
  let current = url;
  let request: Omit<FetchLikeInit, 'redirect'> = init;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(current, { ...request, redirect: 'manual' });
    const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return { response, url: current };
    cancelBody(response);
    const next = new URL(location, current);
    if (next.origin !== new URL(current).origin) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (OWN_HEADERS.has(name)) headers[name] = value;
      }
      request = { ...request, headers };
    }
    // [fetch] 303, and 301/302 after a POST, continue as a GET without a body.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && request.method === 'POST')
    ) {
      const { body: _body, ...rest } = request;
      request = { ...rest, method: 'GET' };
    }
    current = next.href;
  }
  throw new SseError(SseErrorCode.NETWORK_ERROR, `More than ${MAX_REDIRECTS} redirects`);
}
