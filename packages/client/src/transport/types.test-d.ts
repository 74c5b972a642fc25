// Type tests of the structural types: the platform fetch, a browser EventSource, the eventsource
// package and FetchEventSource all fit them, and their handlers get the structural events.
import type { SseError } from '@ssekit/core';
import type { EventSource as NpmEventSource } from 'eventsource';
import { expectTypeOf, test } from 'vitest';
import { FetchEventSource } from './fetch-event-source.js';
import type { EventSourceConstructorLike, EventSourceLike, FetchLike } from './types.js';

test('the platform fetch is a FetchLike, and so is a wrapper around it', () => {
  expectTypeOf(fetch).toExtend<FetchLike>();
  const wrapped: FetchLike = (url, init) => fetch(url, init);
  expectTypeOf(wrapped).toExtend<FetchLike>();
});

test('a browser EventSource and the eventsource package fit EventSourceLike', () => {
  expectTypeOf<EventSource>().toExtend<EventSourceLike>();
  expectTypeOf<typeof EventSource>().toExtend<EventSourceConstructorLike>();
  expectTypeOf<NpmEventSource>().toExtend<EventSourceLike>();
  expectTypeOf<typeof NpmEventSource>().toExtend<EventSourceConstructorLike>();
});

test('FetchEventSource fits EventSourceLike and EventSourceConstructorLike', () => {
  expectTypeOf<FetchEventSource>().toExtend<EventSourceLike>();
  expectTypeOf<typeof FetchEventSource>().toExtend<EventSourceConstructorLike>();
  const source = new FetchEventSource('https://example.com/sse');
  source.onerror = (event) => {
    expectTypeOf(event.error).toEqualTypeOf<SseError>();
    expectTypeOf(event.status).toEqualTypeOf<number | undefined>();
  };
  source.addEventListener('price', (event) => {
    expectTypeOf(event.topic).toEqualTypeOf<string | undefined>();
  });
});

test('handlers set on an EventSourceLike receive the structural events', () => {
  const source = {} as EventSourceLike;
  source.onmessage = (event) => {
    expectTypeOf(event.data).toEqualTypeOf<string>();
    expectTypeOf(event.lastEventId).toEqualTypeOf<string>();
  };
  source.addEventListener('price', (event) => {
    expectTypeOf(event.origin).toEqualTypeOf<string>();
  });
});
