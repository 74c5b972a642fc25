// The dashboard's React variant: the same market through @ssekit/react's hooks, one component per
// part of the page. Every hook shares the client's one connection (and, here, the tabs' one).
import { useConnectionStatus, useEvent, useEvents } from '@ssekit/react';
import { createElement as h, useEffect, useMemo, useRef } from 'react';
import type { Snapshot, SymbolSnapshot } from '../../api.js';
import { formatChange, formatPrice, formatTime } from '../dom.js';
import type { MarketClient } from '../market-client.js';
import { createSparkline, type Sparkline } from '../sparkline.js';
import { statusLabels } from '../status-badge.js';

/** Prices kept per symbol for the sparkline: a minute at four ticks a second. */
const HISTORY = 240;

function StatusBadge({ client }: { client: MarketClient }) {
  const status = useConnectionStatus(client);
  return h(
    'p',
    {
      id: 'status',
      className: 'badge',
      'data-status': status,
      role: 'status',
      'aria-live': 'polite',
    },
    h('span', { className: 'dot', 'aria-hidden': true }),
    h('span', { className: 'text' }, statusLabels[status]),
  );
}

function Spark({ prices, open }: { prices: readonly number[]; open: number }) {
  const host = useRef<HTMLSpanElement>(null);
  const spark = useRef<Sparkline | null>(null);
  useEffect(() => {
    spark.current ??= createSparkline();
    host.current?.replaceChildren(spark.current.element);
  }, []);
  useEffect(() => spark.current?.draw(prices, open), [prices, open]);
  return h('span', { ref: host });
}

/** One symbol: the snapshot until its first tick, then the ticks of its topic as they come. */
function PriceRow({ client, start }: { client: MarketClient; start: SymbolSnapshot }) {
  const ticks = useEvents(client, 'price', { topic: start.symbol, limit: HISTORY });
  // The snapshot was taken at the client's resume id: the replay repeats no tick it holds.
  const fresh = useMemo(() => ticks.filter((t) => t.seq > start.seq), [ticks, start.seq]);
  const last = fresh.at(-1);
  const price = last?.price ?? start.price;
  const previous = fresh.at(-2)?.price ?? start.history.at(-2) ?? price;
  const change = last?.change ?? start.change;
  const history = useMemo(
    () => [...start.history, ...fresh.map((t) => t.price)].slice(-HISTORY),
    [start.history, fresh],
  );
  const direction = price > previous ? 'up' : price < previous ? 'down' : 'flat';
  return h(
    'tr',
    {
      'data-symbol': start.symbol,
      'data-seq': last?.seq ?? start.seq,
      'data-updates': fresh.length,
      // `at` arrives as a Date (isoDate() in the contract): the row shows when it was set.
      'data-at': last ? last.at.toISOString() : start.at,
    },
    h(
      'th',
      { scope: 'row', className: 'symbol' },
      h('span', { className: 'ticker' }, start.symbol),
    ),
    h('td', { className: 'name-col' }, start.name),
    h('td', { className: 'num last', 'data-tick': direction }, formatPrice(price)),
    h('td', { className: `num change ${change >= 0 ? 'up' : 'down'}` }, formatChange(change)),
    h('td', { className: 'chart-col' }, h(Spark, { prices: history, open: start.open })),
  );
}

function Trades({ client, snapshot }: { client: MarketClient; snapshot: Snapshot }) {
  const live = useEvents(client, 'trade', { limit: 40 });
  // Newest first; a trade in both the snapshot and the replay after it is shown once.
  const trades = useMemo(() => {
    const byId = new Map(snapshot.trades.map((t) => [t.id, { ...t, at: new Date(t.at) }]));
    for (const t of live) byId.set(t.id, t);
    return [...byId.values()].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 40);
  }, [live, snapshot.trades]);
  return h(
    'ol',
    { id: 'trades', className: 'trades', role: 'log', 'aria-label': 'Trades' },
    trades.map((t) =>
      h(
        'li',
        { key: t.id, className: 'trade', 'data-trade-id': t.id },
        h('time', { dateTime: t.at.toISOString() }, formatTime(t.at)),
        h('span', { className: `side ${t.side}` }, t.side === 'buy' ? 'Buy' : 'Sell'),
        h('span', { className: 'qty' }, t.qty.toLocaleString('en-US')),
        h('span', { className: 'sym' }, t.symbol),
        h('span', { className: 'px' }, `@ ${formatPrice(t.price)}`),
      ),
    ),
  );
}

function Alerts({ client }: { client: MarketClient }) {
  const alerts = useEvents(client, 'alert', { limit: 8 });
  const latest = useEvent(client, 'alert');
  return h(
    'ol',
    { id: 'alerts', className: 'alert-list', role: 'log', 'aria-label': 'Alerts' },
    latest === undefined
      ? h('li', { className: 'empty' }, 'No alert yet.')
      : [...alerts].reverse().map((a) =>
          h(
            'li',
            {
              key: a.id,
              className: `alert ${a.move >= 0 ? 'up' : 'down'}`,
              'data-symbol': a.symbol,
            },
            h('time', { dateTime: a.at.toISOString() }, formatTime(a.at)),
            h('span', { className: 'sym' }, a.symbol),
            h('span', { className: 'move' }, formatChange(a.move)),
            h('span', { className: 'path' }, `${formatPrice(a.from)} → ${formatPrice(a.to)}`),
          ),
        ),
  );
}

/** The whole page, from a snapshot; remounted (lists emptied) when the server could not resume. */
export function App({ client, snapshot }: { client: MarketClient; snapshot: Snapshot }) {
  return h(
    'div',
    { className: 'react-variant' },
    h(
      'header',
      { className: 'top' },
      h('h1', null, 'ssekit ', h('span', null, 'market')),
      h(
        'p',
        { className: 'tagline' },
        'The same dashboard in React: @ssekit/react hooks, one connection for every tab.',
      ),
      h(StatusBadge, { client }),
    ),
    h(
      'main',
      { className: 'layout' },
      h(
        'section',
        { className: 'card prices', 'aria-labelledby': 'prices-heading' },
        h('div', { className: 'card-head' }, h('h2', { id: 'prices-heading' }, 'Prices')),
        h(
          'table',
          { className: 'price-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Symbol'),
              h('th', { scope: 'col', className: 'name-col' }, 'Name'),
              h('th', { scope: 'col', className: 'num' }, 'Last'),
              h('th', { scope: 'col', className: 'num' }, 'Change'),
              h('th', { scope: 'col', className: 'chart-col' }, 'Last minute'),
            ),
          ),
          h(
            'tbody',
            { id: 'price-rows' },
            snapshot.symbols.map((s) => h(PriceRow, { key: s.symbol, client, start: s })),
          ),
        ),
      ),
      h(
        'div',
        { className: 'sidebar' },
        h(
          'section',
          { className: 'card feed', 'aria-labelledby': 'trades-heading' },
          h('h2', { id: 'trades-heading' }, 'Trades'),
          h(Trades, { client, snapshot }),
        ),
        h(
          'section',
          { className: 'card alerts', 'aria-labelledby': 'alerts-heading' },
          h(
            'h2',
            { id: 'alerts-heading' },
            'Alerts ',
            h('span', { className: 'muted' }, '(moves over 2%)'),
          ),
          h(Alerts, { client }),
        ),
      ),
    ),
    h(
      'footer',
      { className: 'foot' },
      h('span', { id: 'broker' }, `${snapshot.broker} broker`),
      h('a', { href: '/' }, 'The plain page (no framework)'),
      h('a', { href: '/sse/openapi.json' }, 'OpenAPI document'),
    ),
  );
}
