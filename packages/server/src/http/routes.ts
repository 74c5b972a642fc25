// The URL layout of every adapter: which route a method and a path (below the mount point) name, and
// the answer to one request. express and the Fetch handler both call `answerRequest`, nothing else.
import { SseError, SseErrorCode } from '@ssekit/core';
import { createOpenApiDocument, type OpenApiVersion } from '@ssekit/openapi';
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

/** `?version=` of the OpenAPI route: 3.2 unless asked for 3.1. */
function openApiVersionOf(params: URLSearchParams): OpenApiVersion {
  const asked = params.getAll('version');
  if (asked.length === 0) return '3.2.0';
  if (asked.length === 1 && (asked[0] === '3.1' || asked[0] === '3.1.0')) return '3.1.0';
  if (asked.length === 1 && (asked[0] === '3.2' || asked[0] === '3.2.0')) return '3.2.0';
  throw new SseError(SseErrorCode.BAD_REQUEST, 'version must be 3.2 or 3.1');
}

/**
 * `GET {base}/openapi.json` (`?version=3.1` for the 3.1 form): behind `authorize` unless `openapi`
 * is `'public'`; built once per path and version.
 */
async function answerOpenApi(ctx: RouteContext, incoming: IncomingRequest): Promise<Answer> {
  const openapi = ctx.options.openapi ?? 'authorized';
  let openApiVersion: OpenApiVersion;
  try {
    if (openapi === false) {
      throw new SseError(SseErrorCode.BAD_REQUEST, 'No OpenAPI document is served here', {
        status: 404,
      });
    }
    if (openapi === 'authorized') {
      await authorizeRequest(ctx.options, incoming.native, { type: 'openapi' });
    }
    openApiVersion = openApiVersionOf(incoming.params);
  } catch (error) {
    return refuse(ctx, error);
  }
  const basePath = incoming.basePath;
  const key = `${openApiVersion} ${basePath}`;
  let json = ctx.documents.get(key);
  if (json === undefined) {
    json = JSON.stringify(createOpenApiDocument(ctx.contract, { basePath, openApiVersion }));
    if (ctx.documents.size < 16) ctx.documents.set(key, json);
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
