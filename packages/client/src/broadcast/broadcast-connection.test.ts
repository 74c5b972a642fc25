// A tab's broadcast connection on a connection shared across tabs (real SharedSources, fed by hand):
// it takes only the events its own request asked for, and an event it did not take is not "seen".
import { defineContract } from '@ssekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ShareMessage, ticketOf } from '../share/messages.js';
import { SharedSource } from '../share/shared-source.js';
import type { TabShareLike } from '../types.js';
import { BroadcastConnection } from './broadcast-connection.js';

const contract = defineContract({ events: { price: z.object({ n: z.int() }) } });

function sharedTab() {
  const sources: SharedSource[] = [];
  const share: TabShareLike = {
    open: (request) => {
      const source = new SharedSource({
        id: `tab:${sources.length + 1}`,
        url: request.url,
        filter: request.filter,
        lastEventId: request.lastEventId,
        link: { request: () => {}, release: () => {} },
      });
      sources.push(source);
      return source;
    },
    close: () => {},
  };
  const connection = new BroadcastConnection(contract, { url: 'http://127.0.0.1/sse' }, share);
  return { connection, sources };
}

const opened = (source: SharedSource): ShareMessage => ({
  type: 'open',
  holder: 'H',
  conn: 1,
  tickets: [ticketOf(source)],
});
const price = (topic: string, n: number): ShareMessage => ({
  type: 'event',
  holder: 'H',
  conn: 1,
  frame: { type: 'price', data: JSON.stringify({ n }), lastEventId: `e-${n}`, topic },
});
const reconcile = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('BroadcastConnection on a shared connection', () => {
  it('a subscription added before any id is known takes only what its own request brings, once', async () => {
    const { connection, sources } = sharedTab();
    const c: number[] = [];
    connection.add('price', () => {}, new Set(['A']));
    await reconcile();
    connection.add('price', (data) => c.push((data as { n: number }).n), new Set(['C']));
    await reconcile();
    // No id yet: the first request (topic A) stays open beside the second (A and C).
    const [first, second] = sources as [SharedSource, SharedSource];
    first.receive(opened(first));
    // The shared connection also carries another tab's topic C: the first request did not ask
    // for it, so nothing of it is delivered (C5 was published before this tab's subscribe) ...
    first.receive(price('C', 5));
    first.receive(price('C', 7));
    // ... nor counted as seen: the second request, which asks for C, still delivers C7.
    second.receive(opened(second));
    second.receive(price('C', 7));
    second.receive(price('C', 9));
    expect(c).toEqual([7, 9]);
  });
});
