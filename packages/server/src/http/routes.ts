// The URL layout of every adapter: which route a method and a path (below the mount point) name, and
// the answer to one request. express and the Fetch handler both call `answerRequest`, nothing else.
import { SseError, SseErrorCode } from '@ssekit/core';
import { createOpenApiDocument } from '../openapi/document.js';
import { authorizeRequest } from './access.js';
import { type RouteContext, refuse } from './context.js';
import { planEvents } from './events-route.js';
import type { IncomingRequest } from './incoming.js';
import { type Answer, jsonAnswer } from './respond.js';
import { planStream } from './stream-route.js';

/** Which route a request names: a union tagged by `type`; names are still percent-encoded. */
export type Route =
  | { readonly type: 'events'; readonly name: string | undefined }
  | { readonly type: 'stream'; readonly name: string }
  | { readonly type: 'openapi' }
  | { readonly type: 'none' };

const NONE: Route = { type: 'none' };
// As express routes by default: literal segments in any case, one trailing slash optional.
const EVENTS = /^\/events\/([^/]+)$/i;
const STREAMS = /^\/streams\/([^/]+)$/i;
const OPENAPI = /^\/openapi\.json$/i;

/** Match a method and a path below the mount point (`/`, `/events/price`…) to a route. */
export function matchRoute(method: string, path: string): Route {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const read = method === 'GET' || method === 'HEAD';
  if (trimmed === '/' || trimmed === '') return read ? { type: 'events', name: undefined } : NONE;
  const event = EVENTS.exec(trimmed);
  if (event) return read ? { type: 'events', name: event[1]! } : NONE;
  const stream = STREAMS.exec(trimmed);
  if (stream) return read || method === 'POST' ? { type: 'stream', name: stream[1]! } : NONE;
  if (OPENAPI.test(trimmed)) return read ? { type: 'openapi' } : NONE;
  return NONE;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    // `/events/%E0%A4%A`: the request is malformed, not an unknown name.
    throw new SseError(SseErrorCode.BAD_REQUEST, 'The request path is malformed');
  }
}

/** `GET {base}/openapi.json`: behind `authorize` unless `openapi` is `'public'`; built once per path. */
async function answerOpenApi(ctx: RouteContext, incoming: IncomingRequest): Promise<Answer> {
  const openapi = ctx.options.openapi ?? 'authorized';
  try {
    if (openapi === false) {
      throw new SseError(SseErrorCode.BAD_REQUEST, 'No OpenAPI document is served here', {
        status: 404,
      });
    }
    if (openapi === 'authorized') {
      await authorizeRequest(ctx.options, incoming.native, { type: 'openapi' });
    }
  } catch (error) {
    return refuse(ctx, error);
  }
  const basePath = incoming.basePath;
  let json = ctx.documents.get(basePath);
  if (json === undefined) {
    json = JSON.stringify(createOpenApiDocument(ctx.contract, { basePath }));
    if (ctx.documents.size < 16) ctx.documents.set(basePath, json);
  }
  return jsonAnswer(200, json);
}

/** Answer one request. Never rejects: anything unexpected before a stream is a JSON error. */
export async function answerRequest(ctx: RouteContext, incoming: IncomingRequest): Promise<Answer> {
  const route = matchRoute(incoming.method, incoming.path);
  try {
    switch (route.type) {
      case 'none':
        return route;
      case 'openapi':
        return await answerOpenApi(ctx, incoming);
      case 'events':
        return await planEvents(
          ctx,
          incoming,
          route.name === undefined ? undefined : decodeName(route.name),
        );
      case 'stream':
        return await planStream(ctx, incoming, decodeName(route.name));
    }
  } catch (error) {
    return refuse(ctx, error);
  }
}
