// The query rules of the broadcast routes: what a URL may ask for (bounds, shape), and then, once
// `authorize` allowed the request, which of the names it holds the contract knows.
import {
  type AnyContract,
  MAX_FILTER_ENTRIES,
  MAX_RESUME_ID_LENGTH,
  MAX_TOPIC_LENGTH,
  SseError,
  SseErrorCode,
} from '@ssekit/core';
import { badRequest } from './respond.js';

/** Bounds on what a query may hold: a URL is not a place to exhaust a server's memory. */
export const QUERY_LIMITS = {
  maxEvents: MAX_FILTER_ENTRIES,
  maxTopics: MAX_FILTER_ENTRIES,
  maxTopicLength: MAX_TOPIC_LENGTH,
  maxLastEventIdLength: MAX_RESUME_ID_LENGTH,
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
 * Check every name of a query against the contract. Runs after `authorize`, so that the answer
 * `UNKNOWN_EVENT` never tells an anonymous caller which names exist.
 * @throws SseError `UNKNOWN_EVENT`
 */
export function checkEventNames(contract: AnyContract, query: EventsQuery): void {
  for (const name of query.events ?? []) checkKnownEvent(contract, name);
  for (const [name] of query.topics) checkKnownEvent(contract, name);
}

/**
 * Read a broadcast request: `?events=price,trade&topic=price:AAPL` on the multiplexed route, or
 * `?topic=AAPL` on `/events/:name` (then `fixedEvent` is the name). Only its shape and bounds are
 * checked here; `checkEventNames` checks the names.
 *
 * @throws SseError `BAD_REQUEST`, before any stream byte.
 */
export function readEventsQuery(
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
      }
      events = [...new Set(names)];
    }
    for (const raw of rawTopics) {
      const colon = raw.indexOf(':');
      if (colon <= 0) throw badRequest('A topic must be written "event:topic" on this route');
      const event = raw.slice(0, colon);
      const topic = raw.slice(colon + 1);
      if (events && !events.includes(event)) {
        throw badRequest(`Topic for "${event}", which is not among the selected events`);
      }
      checkTopic(topic);
      topics.push([event, topic]);
    }
  }
  return { events, topics, lastEventId: readLastEventId(lastEventIdHeader, params) };
}

/** `readEventsQuery` then `checkEventNames`, for callers with nothing to run in between. */
export function parseEventsQuery(
  contract: AnyContract,
  params: URLSearchParams,
  lastEventIdHeader: string | string[] | undefined,
  fixedEvent?: string,
): EventsQuery {
  const query = readEventsQuery(params, lastEventIdHeader, fixedEvent);
  checkEventNames(contract, query);
  return query;
}
