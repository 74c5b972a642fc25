// URLs and ids of a connection: the base URL joined with a route and its query, and the order of
// two event ids, by which the broadcast connection keeps the newest it has seen.

/** Join the base URL and a path, keeping the base's own query string out of the way. */
export function joinUrl(base: string, path: string, params: [string, string][]): string {
  const q = base.indexOf('?');
  const root = (q === -1 ? base : base.slice(0, q)).replace(/\/+$/, '');
  const search = new URLSearchParams(q === -1 ? '' : base.slice(q + 1));
  for (const [key, value] of params) search.append(key, value);
  const text = search.toString();
  return `${root}${path}${text ? `?${text}` : ''}`;
}

/** Order two event ids when their shapes allow (`<prefix>-<n>` with equal or numeric prefixes). */
export function compareIds(a: string, b: string): number | undefined {
  const i = a.lastIndexOf('-');
  const j = b.lastIndexOf('-');
  if (i <= 0 || j <= 0) return undefined;
  const pa = a.slice(0, i);
  const pb = b.slice(0, j);
  const sa = Number(a.slice(i + 1));
  const sb = Number(b.slice(j + 1));
  if (!Number.isFinite(sa) || !Number.isFinite(sb)) return undefined;
  if (pa === pb) return sa - sb;
  // Redis stream ids: `<ms>-<seq>`.
  const na = Number(pa);
  const nb = Number(pb);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb || sa - sb;
  return undefined;
}
