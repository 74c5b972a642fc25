// A switch of connections that the new one cannot resume (no id seen yet): the old one stays open
// until a while after the new one opened, so that events in flight on its socket still arrive. Used
// by a tab's broadcast connection and by the holder of a connection shared across tabs.
import type { EventSourceLike } from '../transport/types.js';

/** How long the old connection stays open after the new one opened. */
const OVERLAP_MS = 300;

/** The old connection of a switch, while it still speaks, and the ids it and the new one brought. */
export class Overlap<Connection extends { readonly source: EventSourceLike }> {
  #previous:
    | {
        connection: Connection;
        seen: Set<string>;
        timer: ReturnType<typeof setTimeout> | undefined;
      }
    | undefined;

  /** The old connection, while the overlap lasts. */
  get previous(): Connection | undefined {
    return this.#previous?.connection;
  }

  /**
   * A new connection replaces `previous`. One that resumes from an id replays what the old one had
   * in flight, so the old one closes now; one that cannot keeps the old one until it is open (and
   * what arrives twice is dropped by id).
   */
  replace(previous: Connection | undefined, resumes: boolean): void {
    if (!previous) return;
    if (resumes) previous.source.close();
    else this.#begin(previous);
  }

  /** Keep `connection` open while its successor opens (an earlier overlap ends now). */
  #begin(connection: Connection): void {
    this.end();
    this.#previous = { connection, seen: new Set(), timer: undefined };
  }

  /** The new connection opened: the old one closes `OVERLAP_MS` later. */
  successorOpened(): void {
    const previous = this.#previous;
    if (previous && previous.timer === undefined)
      previous.timer = setTimeout(() => this.end(), OVERLAP_MS);
  }

  /** False for an id that either connection already brought during the overlap. */
  firstSighting(id: string): boolean {
    const seen = this.#previous?.seen;
    if (!seen) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  }

  end(): void {
    const previous = this.#previous;
    if (!previous) return;
    this.#previous = undefined;
    clearTimeout(previous.timer);
    previous.connection.source.close();
  }
}
