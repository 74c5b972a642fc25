/** Small DOM helpers: the page has no framework, and needs none for a table and two lists. */

type Attributes = Record<string, string | number | boolean | undefined>;

/** Create an element with attributes (`class`, `data-*`, `aria-*`…) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** The element with this id, or a clear error when the page's markup lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node as T;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `14:03:07`. */
export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

const priceFormat = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** `1,234.50`. */
export function formatPrice(value: number): string {
  return priceFormat.format(value);
}

/** `+1.25%` or `−0.40%` (a real minus sign, so columns line up). */
export function formatChange(fraction: number): string {
  const percent = (fraction * 100).toFixed(2);
  return fraction >= 0 ? `+${percent}%` : `\u2212${percent.slice(1)}%`;
}
