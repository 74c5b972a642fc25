// Positions in the event log as the client tracks them: which id is newer, which is the oldest of
// several. Used by the broadcast connection and by the holder of a connection shared across tabs.
import { compareWireIds } from '@ssekit/core';

/** True when `id` is after `than` (ids of two epochs do not compare: the newer connection wins). */
export function isNewer(id: string, than: string | undefined): boolean {
  return than === undefined || (compareWireIds(id, than) ?? 1) > 0;
}

/**
 * The oldest of `ids`, skipping `undefined` (a position of "from now"): where a connection that
 * serves all of them resumes. Ids of two epochs do not compare: the first one stays.
 */
export function oldestOf(ids: Iterable<string | undefined>): string | undefined {
  let oldest: string | undefined;
  for (const id of ids) {
    if (id === undefined) continue;
    if (oldest === undefined || (compareWireIds(id, oldest) ?? 0) < 0) oldest = id;
  }
  return oldest;
}
