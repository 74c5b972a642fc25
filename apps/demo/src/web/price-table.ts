// The price table: a row per symbol (watch, last price, change since the open, sparkline), drawn
// once per animation frame however many ticks arrive.
import type { SymbolSnapshot } from '../api.js';
import { el, formatChange, formatPrice } from './dom.js';
import { createSparkline, type Sparkline } from './sparkline.js';

/** A price tick as the table takes it (the `price` event's data). */
export interface Tick {
  symbol: string;
  price: number;
  change: number;
  seq: number;
  at: Date;
}

interface Row {
  readonly symbol: string;
  readonly tr: HTMLTableRowElement;
  readonly checkbox: HTMLInputElement;
  readonly last: HTMLTableCellElement;
  readonly change: HTMLTableCellElement;
  readonly spark: Sparkline;
  open: number;
  price: number;
  previous: number;
  changeFraction: number;
  /** The last `seq` seen; 0 when unknown (first load, or watching again after a pause). */
  seq: number;
  /** When the last applied tick was published, in ms: a tick no newer is a duplicate. */
  at: number;
  history: number[];
  updates: number;
  dirty: boolean;
}

export interface PriceTableOptions {
  body: HTMLTableSectionElement;
  /** Prices kept per symbol for the sparkline. */
  historyLength: number;
  /** The set of watched symbols changed (a checkbox, or a watch-all or watch-none button). */
  onWatchChange: (symbols: string[]) => void;
  /** A tick arrived whose `seq` skipped some: `missed` ticks were lost. */
  onGap: (symbol: string, missed: number) => void;
}

/**
 * The price table: one row per symbol with a watch checkbox, the last price, the change since the
 * open, and a sparkline. Ticks are applied at once and drawn on the next animation frame, so a burst
 * of events costs one layout.
 */
export class PriceTable {
  readonly #options: PriceTableOptions;
  readonly #rows = new Map<string, Row>();
  #frame = 0;

  constructor(options: PriceTableOptions) {
    this.#options = options;
  }

  /** The symbols whose box is ticked, in table order. */
  watched(): string[] {
    return [...this.#rows.values()].filter((r) => r.checkbox.checked).map((r) => r.symbol);
  }

  /** Tick every box, or none. */
  watchAll(watch: boolean): void {
    for (const row of this.#rows.values()) {
      if (row.checkbox.checked !== watch) {
        row.checkbox.checked = watch;
        this.#watchToggled(row);
      }
    }
    this.#options.onWatchChange(this.watched());
  }

  /** Build the rows (first load) or reset their state (after the server could not resume us). */
  load(symbols: readonly SymbolSnapshot[]): void {
    for (const s of symbols) {
      let row = this.#rows.get(s.symbol);
      if (!row) {
        row = this.#createRow(s);
        this.#rows.set(s.symbol, row);
        this.#options.body.append(row.tr);
      }
      row.open = s.open;
      row.price = s.price;
      row.previous = s.history.at(-2) ?? s.price;
      row.changeFraction = s.change;
      row.seq = s.seq;
      row.at = Date.parse(s.at);
      row.history = s.history.slice(-this.#options.historyLength);
      this.#markDirty(row);
    }
  }

  /** Apply one tick: duplicates are dropped, gaps reported. */
  apply(tick: Tick): void {
    const row = this.#rows.get(tick.symbol);
    if (!row) return;
    const at = tick.at.getTime();
    // Already applied: a replay that overlaps the snapshot. (A smaller seq with a newer time is a
    // publisher that restarted and counts from 1 again: a Redis log outlives the process.)
    if (tick.seq <= row.seq && at <= row.at) return;
    if (row.seq > 0 && tick.seq > row.seq + 1) {
      this.#options.onGap(tick.symbol, tick.seq - row.seq - 1);
    }
    row.seq = tick.seq;
    row.at = at;
    row.previous = row.price;
    row.price = tick.price;
    row.changeFraction = tick.change;
    row.history.push(tick.price);
    if (row.history.length > this.#options.historyLength) row.history.shift();
    row.updates += 1;
    this.#markDirty(row);
  }

  #createRow(s: SymbolSnapshot): Row {
    const id = `watch-${s.symbol}`;
    const checkbox = el('input', { type: 'checkbox', id, checked: true, 'data-symbol': s.symbol });
    const spark = createSparkline();
    const last = el('td', { class: 'num last' });
    const change = el('td', { class: 'num change' });
    const tr = el(
      'tr',
      { 'data-symbol': s.symbol, 'data-updates': 0, 'data-watched': true },
      el(
        'th',
        { scope: 'row', class: 'symbol' },
        el(
          'label',
          { for: id, class: 'watch' },
          checkbox,
          el('span', { class: 'sr-only' }, 'Watch '),
          el('span', { class: 'ticker' }, s.symbol),
        ),
      ),
      el('td', { class: 'name-col' }, s.name),
      last,
      change,
      el('td', { class: 'chart-col' }, spark.element),
    );
    const row: Row = {
      symbol: s.symbol,
      tr,
      checkbox,
      last,
      change,
      spark,
      open: s.open,
      price: s.price,
      previous: s.price,
      changeFraction: s.change,
      seq: s.seq,
      at: Date.parse(s.at),
      history: [],
      updates: 0,
      dirty: true,
    };
    checkbox.addEventListener('change', () => {
      this.#watchToggled(row);
      this.#options.onWatchChange(this.watched());
    });
    return row;
  }

  #watchToggled(row: Row): void {
    row.tr.dataset.watched = String(row.checkbox.checked);
    // Ticks missed while not watched are not gaps: the next one sets the baseline again.
    if (row.checkbox.checked) row.seq = 0;
  }

  #markDirty(row: Row): void {
    row.dirty = true;
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#draw());
  }

  #draw(): void {
    this.#frame = 0;
    for (const row of this.#rows.values()) {
      if (!row.dirty) continue;
      row.dirty = false;
      row.last.textContent = formatPrice(row.price);
      row.last.dataset.tick =
        row.price > row.previous ? 'up' : row.price < row.previous ? 'down' : 'flat';
      row.change.textContent = formatChange(row.changeFraction);
      row.change.dataset.sign = row.changeFraction >= 0 ? 'up' : 'down';
      row.tr.dataset.updates = String(row.updates);
      row.tr.dataset.price = String(row.price);
      row.spark.draw(row.history, row.open);
    }
  }
}
