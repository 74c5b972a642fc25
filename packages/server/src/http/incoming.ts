// The transport-neutral view of one request: what every route reads (method, path below the mount
// point, query, `Last-Event-ID`, client address, body) and nothing of how it arrived. Each adapter
// builds one from its own request; the routes never see express or the Fetch API.

/** A POST body as the adapter found it. A union tagged by `type`. */
export type IncomingBody =
  /** No body, or one that is not JSON by its `Content-Type`. */
  | { readonly type: 'none' }
  /** A body parser of the app (express.json) already read it: its value, taken as is. */
  | { readonly type: 'parsed'; readonly value: unknown }
  /** The raw bytes, at most the limit the route asked for. */
  | { readonly type: 'bytes'; readonly bytes: Uint8Array }
  /** More than the limit: not read further. */
  | { readonly type: 'too-large' }
  /** A charset or a content encoding the routes do not read. */
  | { readonly type: 'unsupported' };

/** One request, as every route reads it. `TRequest` is the adapter's own request. */
export interface IncomingRequest<TRequest = unknown> {
  /** Upper-case: `GET`, `HEAD`, `POST`… */
  readonly method: string;
  /** The path below the mount point, still percent-encoded: `/`, `/events/price`, `/streams/x`. */
  readonly path: string;
  /** The mount point as the client sees it, for the OpenAPI document: `/sse`. */
  readonly basePath: string;
  readonly params: URLSearchParams;
  /** The `Last-Event-ID` header, if any. */
  readonly lastEventId: string | undefined;
  /** Who is asking, for `maxConnectionsPerIp`: an IP address, or `'unknown'`. */
  readonly clientAddress: string;
  /** Handed to `authorize` and to RPC stream handlers as `req`. */
  readonly native: TRequest;
  /** Read a POST body, up to `maxBytes`. */
  readBody(maxBytes: number): Promise<IncomingBody>;
  /** True once the client went away (while `authorize` awaited, say). */
  gone(): boolean;
}

/**
 * Whether a `Content-Type` names JSON with a charset the routes read (UTF-8, or none): `undefined`
 * when the body is not JSON at all, `false` for JSON in another charset.
 */
export function jsonContentType(contentType: string | null | undefined): boolean | undefined {
  if (!contentType) return undefined;
  const [type, ...parameters] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'application/json') return undefined;
  for (const parameter of parameters) {
    const [key, value] = parameter.split('=');
    if (key?.trim().toLowerCase() !== 'charset') continue;
    const charset = value?.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}
