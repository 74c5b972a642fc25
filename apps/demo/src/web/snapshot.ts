// The page's starting point: `GET /api/snapshot`, shared by the plain page and its React variant.
import type { Snapshot } from '../api.js';

/** `GET /api/snapshot`, retried until the server answers (it may be restarting). */
export async function fetchSnapshot(): Promise<Snapshot> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch('/api/snapshot', { cache: 'no-store' });
      if (res.ok) return (await res.json()) as Snapshot;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5_000)));
  }
}
