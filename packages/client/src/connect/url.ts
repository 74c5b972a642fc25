// The URL of a connection: the base URL joined with a route and its query.

/** Join the base URL and a path, keeping the base's own query string out of the way. */
export function joinUrl(base: string, path: string, params: [string, string][]): string {
  const q = base.indexOf('?');
  const root = (q === -1 ? base : base.slice(0, q)).replace(/\/+$/, '');
  const search = new URLSearchParams(q === -1 ? '' : base.slice(q + 1));
  for (const [key, value] of params) search.append(key, value);
  const text = search.toString();
  return `${root}${path}${text ? `?${text}` : ''}`;
}
