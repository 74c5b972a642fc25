// The trade feed and the alert list: newest first and bounded; a trade that arrives twice
// (snapshot, then replay) is shown once.
import type { TradeSnapshot } from '../api.js';
import { el, formatChange, formatPrice, formatTime } from './dom.js';

/** A trade as the feed shows it: the `trade` event's data, or one from the snapshot. */
export type FeedTrade = Omit<TradeSnapshot, 'at'> & { at: Date };

/** An alert as the list shows it (the `alert` event's data). */
export interface FeedAlert {
  id: string;
  symbol: string;
  move: number;
  from: number;
  to: number;
  at: Date;
}

const MAX_TRADES = 40;
const MAX_ALERTS = 8;

/**
 * The trade feed, newest first. Trades are keyed by id: a trade that arrives twice (in the snapshot
 * and again in the replay after it) is shown once.
 */
export class TradeFeed {
  readonly #list: HTMLOListElement;
  readonly #shown = new Map<string, HTMLLIElement>();

  constructor(list: HTMLOListElement) {
    this.#list = list;
  }

  /** Show the snapshot's trades (newest first) below any already shown. */
  load(trades: readonly FeedTrade[]): void {
    for (const trade of [...trades].reverse()) this.add(trade);
  }

  add(trade: FeedTrade): void {
    if (this.#shown.has(trade.id)) return;
    const mine = trade.orderId !== undefined;
    const item = el(
      'li',
      {
        class: mine ? 'trade mine' : 'trade',
        'data-trade-id': trade.id,
        'data-order-id': trade.orderId,
      },
      el('time', { datetime: trade.at.toISOString() }, formatTime(trade.at)),
      el('span', { class: `side ${trade.side}` }, trade.side === 'buy' ? 'Buy' : 'Sell'),
      el('span', { class: 'qty' }, trade.qty.toLocaleString('en-US')),
      el('span', { class: 'sym' }, trade.symbol),
      el('span', { class: 'px' }, `@ ${formatPrice(trade.price)}`),
      el('span', { class: 'tag' }, mine ? 'yours' : ''),
    );
    this.#shown.set(trade.id, item);
    this.#list.prepend(item);
    while (this.#list.children.length > MAX_TRADES) {
      const last = this.#list.lastElementChild as HTMLLIElement;
      this.#shown.delete(last.dataset.tradeId ?? '');
      last.remove();
    }
  }
}

/** The alert list, newest first. */
export class AlertList {
  readonly #list: HTMLOListElement;
  readonly #shown = new Set<string>();

  constructor(list: HTMLOListElement) {
    this.#list = list;
  }

  add(alert: FeedAlert): void {
    if (this.#shown.has(alert.id)) return;
    this.#shown.add(alert.id);
    this.#list.querySelector('.empty')?.remove();
    const direction = alert.move >= 0 ? 'up' : 'down';
    this.#list.prepend(
      el(
        'li',
        { class: `alert ${direction}`, 'data-symbol': alert.symbol },
        el('time', { datetime: alert.at.toISOString() }, formatTime(alert.at)),
        el('span', { class: 'sym' }, alert.symbol),
        el('span', { class: 'move' }, formatChange(alert.move)),
        el('span', { class: 'path' }, `${formatPrice(alert.from)} → ${formatPrice(alert.to)}`),
      ),
    );
    while (this.#list.children.length > MAX_ALERTS) this.#list.lastElementChild?.remove();
  }
}
