// The order form: place an order over tRPC, then follow its fills over the `orderFills` RPC stream.
import type { OrderInput } from '../api.js';
import { MAX_ORDER_QTY } from '../limits.js';
import { actions } from './actions.js';
import { byId, el, formatPrice } from './dom.js';
import type { MarketClient } from './market-client.js';

/**
 * The order form: place an order, then follow its fills over the `orderFills` RPC stream, drawn
 * as a `<progress>` bar with its text in an `<output>` (announced politely).
 */
export function setupOrderForm(client: MarketClient, symbols: readonly string[]): void {
  const form = byId<HTMLFormElement>('order-form');
  const select = byId<HTMLSelectElement>('order-symbol');
  const qtyInput = byId<HTMLInputElement>('order-qty');
  const submit = byId<HTMLButtonElement>('order-submit');
  const progress = byId<HTMLProgressElement>('order-progress');
  const status = byId<HTMLOutputElement>('order-status');
  select.replaceChildren(...symbols.map((s) => el('option', { value: s }, s)));

  let current: { close(): void } | undefined;
  const say = (text: string, state: 'idle' | 'working' | 'done' | 'error') => {
    status.textContent = text;
    status.dataset.state = state;
    progress.dataset.state = state;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const qty = Number(qtyInput.value);
    if (!Number.isInteger(qty) || qty < 1 || qty > MAX_ORDER_QTY) {
      say(`Enter a whole quantity from 1 to ${MAX_ORDER_QTY.toLocaleString('en-US')}.`, 'error');
      qtyInput.setAttribute('aria-invalid', 'true');
      qtyInput.focus();
      return;
    }
    qtyInput.removeAttribute('aria-invalid');
    const side = (new FormData(form).get('side') === 'sell' ? 'sell' : 'buy') as OrderInput['side'];
    const input: OrderInput = { symbol: select.value, side, qty };

    current?.close();
    submit.disabled = true;
    progress.max = qty;
    progress.value = 0;
    progress.textContent = '0%';
    say(`Placing ${side} ${qty} ${input.symbol}…`, 'working');
    try {
      const { orderId } = await actions.placeOrder.mutate(input);
      progress.dataset.orderId = orderId;
      const fills = client.stream('orderFills', { orderId });
      current = fills;
      fills.on('fill', (f) => {
        progress.max = f.totalQty;
        progress.value = f.filledQty;
        progress.textContent = `${Math.round((100 * f.filledQty) / f.totalQty)}%`;
        say(
          `Filled ${f.filledQty} of ${f.totalQty} (last ${f.qty} @ ${formatPrice(f.price)})`,
          'working',
        );
      });
      fills.on('done', (d) => {
        progress.value = progress.max;
        progress.textContent = '100%';
        say(
          `Done: ${d.filledQty} ${input.symbol} at an average ${formatPrice(d.avgPrice)}`,
          'done',
        );
      });
      await fills.done;
    } catch (error) {
      say(`The order failed: ${error instanceof Error ? error.message : String(error)}`, 'error');
    } finally {
      submit.disabled = false;
    }
  });
}
