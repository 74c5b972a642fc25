// The rule that keeps a tab on the live holder: answers to its current ask only, events of the holder
// that answered it only; a late message of a holder gone changes nothing.
import { describe, expect, test } from 'vitest';
import { type ShareMessage, ticketOf } from './messages.js';
import { SharedSource } from './shared-source.js';

/** A source with a link that records its asks; `receive` plays the channel. */
function sourceWithLink() {
  const asks: { seq: number; lastEventId: string | undefined }[] = [];
  const source = new SharedSource({
    id: 'tab1:1',
    url: '/sse?events=price',
    filter: [{ name: 'price', topics: null }],
    lastEventId: undefined,
    link: {
      request: (s) => asks.push({ seq: s.seq, lastEventId: s.lastEventId }),
      release: () => {},
    },
  });
  const seen: string[] = [];
  source.addEventListener('price', (event) => seen.push(`${event.data}#${event.lastEventId}`));
  return { source, asks, seen };
}

const open = (holder: string, conn: number, tickets: string[]): ShareMessage => ({
  type: 'open',
  holder,
  conn,
  tickets,
});
const event = (holder: string, conn: number, data: string, id: string): ShareMessage => ({
  type: 'event',
  holder,
  conn,
  frame: { type: 'price', data, lastEventId: id },
});

describe('SharedSource: a tab takes answers to its current ask only', () => {
  test("a holder gone, heard after the next holder's hello, cannot take the source back", () => {
    const { source, asks, seen } = sourceWithLink();
    expect(asks).toEqual([{ seq: 1, lastEventId: undefined }]);
    source.receive(open('H1', 1, ['tab1:1@1']));
    source.receive(event('H1', 1, 'a', 'e-1'));
    // H1 closes; H2 takes the lock and says hello: the source asks again, from where it is.
    source.receive({ type: 'hello', holder: 'H2' });
    expect(asks.at(-1)).toEqual({ seq: 2, lastEventId: 'e-1' });
    // H1's last words arrive late (two senders' messages are not ordered): all ignored.
    source.receive(event('H1', 1, 'b', 'e-2'));
    source.receive(open('H1', 2, [ticketOf({ id: 'tab1:1', seq: 1 })]));
    source.receive(event('H1', 2, 'c', 'e-3'));
    expect(source.readyState).toBe(source.CONNECTING);
    // H2 answers the current ask: its events arrive, and a late H1 frame still does not.
    source.receive(open('H2', 1, ['tab1:1@2']));
    source.receive(event('H2', 1, 'b', 'e-2'));
    source.receive(event('H1', 2, 'x', 'e-9'));
    source.receive(event('H2', 1, 'c', 'e-3'));
    expect(seen).toEqual(['a#e-1', 'b#e-2', 'c#e-3']);
    expect(source.readyState).toBe(source.OPEN);
  });

  test('a late hello of a holder gone makes one more ask, which the live holder answers', () => {
    const { source, asks, seen } = sourceWithLink();
    source.receive({ type: 'hello', holder: 'H2' });
    source.receive(open('H2', 1, ['tab1:1@2']));
    source.receive(event('H2', 1, 'a', 'e-1'));
    source.receive({ type: 'hello', holder: 'H1' }); // stale: H1 held the lock before H2
    expect(asks.at(-1)).toEqual({ seq: 3, lastEventId: 'e-1' });
    source.receive(event('H2', 1, 'b', 'e-2')); // between the ask and its answer: not taken
    source.receive(open('H2', 1, ['tab1:1@3']));
    source.receive(event('H2', 1, 'c', 'e-3'));
    expect(seen).toEqual(['a#e-1', 'c#e-3']);
  });

  test('a refusal of an older ask does not close the source; one of the current ask does', () => {
    const { source } = sourceWithLink();
    const refusal = (tickets: string[]): ShareMessage => ({
      type: 'error',
      holder: 'H1',
      tickets,
      readyState: source.CLOSED,
      error: { code: 'BAD_REQUEST', message: 'no' },
      status: 400,
    });
    source.receive({ type: 'hello', holder: 'H1' });
    source.receive(refusal(['tab1:1@1']));
    expect(source.readyState).toBe(source.CONNECTING);
    source.receive(refusal(['tab1:1@2']));
    expect(source.readyState).toBe(source.CLOSED);
  });
});
