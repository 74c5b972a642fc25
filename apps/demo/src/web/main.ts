// The page's entry point: the snapshot first, then one typed client from the snapshot's event id,
// its events wired to the table, the feed and the alerts; resynchronises on `ssekit.reset`.
import './styles.css';
import type { Snapshot } from '../api.js';
import { createClient } from './client.generated.js';
import { byId } from './dom.js';
import { AlertList, TradeFeed } from './feed.js';
import { setupOrderForm } from './order-form.js';
import { PriceTable, type Tick } from './price-table.js';
import { fetchSnapshot } from './snapshot.js';
import { showStatus } from './status-badge.js';

// The server keeps 240 prices per symbol: a minute at four ticks a second.
const HISTORY = 240;

async function start(): Promise<void> {
  showStatus('connecting');
  const counters = byId('counters');
  let events = 0;
  let gaps = 0;
  let frame = 0;
  // The footer's counters: how many events arrived, and how many ticks were lost (the page checks
  // each symbol's seq). Drawn once per frame.
  const count = (event: 'event' | 'gap', n = 1) => {
    if (event === 'event') events += n;
    else gaps += n;
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      counters.dataset.events = String(events);
      counters.dataset.gaps = String(gaps);
      counters.textContent = `${events.toLocaleString('en-US')} events · ${gaps} sequence gap${gaps === 1 ? '' : 's'}`;
    });
  };

  const snapshot = await fetchSnapshot();
  byId('broker').textContent = `${snapshot.broker} broker`;

  // While a resynchronisation is in flight, ticks wait here and are applied after the snapshot.
  let pending: Tick[] | undefined;
  const table = new PriceTable({
    body: byId<HTMLTableSectionElement>('price-rows'),
    historyLength: HISTORY,
    onWatchChange: (symbols) => watch(symbols),
    onGap: (_symbol, missed) => count('gap', missed),
  });
  const trades = new TradeFeed(byId<HTMLOListElement>('trades'));
  const alerts = new AlertList(byId<HTMLOListElement>('alerts'));
  const applySnapshot = (s: Snapshot) => {
    table.load(s.symbols);
    trades.load(s.trades.map((t) => ({ ...t, at: new Date(t.at) })));
  };
  applySnapshot(snapshot);

  // One connection for everything; it starts right after the snapshot's event id, so the events
  // in between are replayed and none is missed.
  const client = createClient({
    url: '/sse',
    lastEventId: snapshot.lastEventId,
    onStatus: showStatus,
    onError: (error) => console.warn(`ssekit: ${error.code}: ${error.message}`),
    // The server could not resume from our last id (it restarted with an in-memory log): start
    // again from a fresh snapshot, holding the ticks that arrive meanwhile.
    onReset: () => {
      counters.dataset.resets = String(Number(counters.dataset.resets ?? 0) + 1);
      if (pending) return;
      pending = [];
      fetchSnapshot().then((fresh) => {
        const held = pending ?? [];
        pending = undefined;
        applySnapshot(fresh);
        for (const tick of held) table.apply(tick);
      });
    },
  });

  client.subscribe('trade', (trade) => {
    count('event');
    trades.add(trade);
  });

  let unwatch: (() => void)[] = [];
  // Called on every change of the watch list: unsubscribing and subscribing in the same tick is
  // one reconnect with the new topic filter, resuming from the last event id.
  function watch(symbols: string[]): void {
    for (const off of unwatch) off();
    unwatch = [];
    if (symbols.length === 0) return;
    unwatch.push(
      client.subscribe(
        'price',
        (tick) => {
          count('event');
          if (pending) pending.push(tick);
          else table.apply(tick);
        },
        { topic: symbols },
      ),
      client.subscribe(
        'alert',
        (alert) => {
          count('event');
          alerts.add(alert);
        },
        { topic: symbols },
      ),
    );
  }
  watch(table.watched());

  byId('watch-all').addEventListener('click', () => table.watchAll(true));
  byId('watch-none').addEventListener('click', () => table.watchAll(false));
  setupOrderForm(
    client,
    snapshot.symbols.map((s) => s.symbol),
  );
  window.addEventListener('pagehide', () => client.close());
}

start().catch((error) => {
  console.error(error);
  showStatus('closed');
});
