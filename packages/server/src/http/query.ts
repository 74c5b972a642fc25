import { type AnyContract, SseError, SseErrorCode } from '@ssekit/core';
import { badRequest } from './respond.js';

/** Bounds on what a query may hold: a URL is not a place to exhaust a server's memory. */
export const QUERY_LIMITS = {
  maxEvents: 256,
  maxTopics: 256,
  maxTopicLength: 256,
  maxLastEventIdLength: 256,
  maxInputLength: 64 * 1024,
} as const;

/** What the broadcast endpoints read from the URL and headers. */
export interface EventsQuery {
  /** Selected events, or `undefined` for all. */
  readonly events: string[] | undefined;
  /** `[event, topic]` pairs that narrow events to topics. */
  readonly topics: [string, string][];
  readonly lastEventId: string | undefined;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw badRequest(`Query parameter "${name}" may appear only once`);
  return all[0];
}

function checkKnownEvent(contract: AnyContract, name: string): void {
  if (!Object.hasOwn(contract.events, name)) {
    // `event` names it, so that a client can drop that one subscription and keep the others.
    throw new SseError(
      SseErrorCode.UNKNOWN_EVENT,
      `Unknown event ${JSON.stringify(name.slice(0, 100))}`,
      { event: name.slice(0, 100) },
    );
  }
}

function checkTopic(topic: string): void {
  if (topic.length === 0) throw badRequest('A topic must not be empty');
  if (topic.length > QUERY_LIMITS.maxTopicLength) {
    throw badRequest(`A topic must be at most ${QUERY_LIMITS.maxTopicLength} characters`);
  }
}

/**
 * Resume position: [DESIGN] the `Last-Event-ID` header wins over the `lastEventId` parameter, since
 * a browser's own reconnect sends the newest id in the header while the URL still holds an older one.
 * An oversized id is treated as malformed: the broker answers it with a reset.
 */
export function readLastEventId(
  header: string | string[] | undefined,
  params: URLSearchParams,
): string | undefined {
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const value =
    fromHeader !== undefined && fromHeader !== '' ? fromHeader : single(params, 'lastEventId');
  if (value === undefined || value === '') return undefined;
  return value.length > QUERY_LIMITS.maxLastEventIdLength ? '~' : value;
}

/**
 * Parse a broadcast request: `?events=price,trade&topic=price:AAPL` on the multiplexed route, or
 * `?topic=AAPL` on `/events/:name` (then `fixedEvent` is the name).
 *
 * @throws SseError `BAD_REQUEST` or `UNKNOWN_EVENT`, before any stream byte.
 */
export function parseEventsQuery(
  contract: AnyContract,
  params: URLSearchParams,
  lastEventIdHeader: string | string[] | undefined,
  fixedEvent?: string,
): EventsQuery {
  let events: string[] | undefined;
  const topics: [string, string][] = [];
  const rawTopics = params.getAll('topic');
  if (rawTopics.length > QUERY_LIMITS.maxTopics)
    throw badRequest(`At most ${QUERY_LIMITS.maxTopics} topics`);

  if (fixedEvent !== undefined) {
    checkKnownEvent(contract, fixedEvent);
    if (params.has('events')) throw badRequest('"events" is not allowed on a per-event route');
    events = [fixedEvent];
    for (const topic of rawTopics) {
      checkTopic(topic);
      topics.push([fixedEvent, topic]);
    }
  } else {
    const list = single(params, 'events');
    if (list !== undefined) {
      const names = list.split(',');
      if (names.length > QUERY_LIMITS.maxEvents)
        throw badRequest(`At most ${QUERY_LIMITS.maxEvents} events`);
      for (const name of names) {
        if (name === '') throw badRequest('"events" holds an empty name');
        checkKnownEvent(contract, name);
      }
      events = [...new Set(names)];
    }
    for (const raw of rawTopics) {
      const colon = raw.indexOf(':');
      if (colon <= 0) throw badRequest('A topic must be written "event:topic" on this route');
      const event = raw.slice(0, colon);
      const topic = raw.slice(colon + 1);
      checkKnownEvent(contract, event);
      if (events && !events.includes(event)) {
        throw badRequest(`Topic for "${event}", which is not among the selected events`);
      }
      checkTopic(topic);
      topics.push([event, topic]);
    }
  }
  return { events, topics, lastEventId: readLastEventId(lastEventIdHeader, params) };
}
