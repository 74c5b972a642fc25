/** Number formats of the report. */

export function rate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)} /s`;
}

export function ratio(value: number | undefined, baseline: number | undefined): string {
  if (value === undefined || baseline === undefined || baseline === 0) return '—';
  const r = value / baseline;
  return `${r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)} ms`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(value) >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value.toFixed(0)} B`;
}

export function percent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(value >= 0.9995 ? 0 : 1)}%`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US').replaceAll(',', ' ');
}

/** A markdown table; cells must not contain `|` or newlines (they are replaced). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (cell: string) => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(clean).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Microseconds, for CPU time per event. */
export function us(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)} µs`;
}

/**
 * The median of per-round ratios `values[i] / base[i]` (rounds alternate between contenders, so
 * round i of each ran at nearly the same moment) and their spread: `1.02× (0.97–1.08)`.
 */
export function pairedRatio(
  values: readonly (number | undefined)[] | undefined,
  base: readonly (number | undefined)[] | undefined,
): string {
  if (values === undefined || base === undefined) return '—';
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(values.length, base.length); i++) {
    const v = values[i];
    const b = base[i];
    if (v !== undefined && b !== undefined && b > 0 && Number.isFinite(v)) ratios.push(v / b);
  }
  if (ratios.length === 0) return '—';
  ratios.sort((a, b) => a - b);
  const mid = Math.floor(ratios.length / 2);
  const med = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  const f = (r: number) => (r >= 0.1 ? r.toFixed(2) : r.toFixed(3));
  if (ratios.length === 1) return `${f(med)}× (1 round)`;
  return `${f(med)}× (${f(ratios[0]!)}–${f(ratios.at(-1)!)}, ${ratios.length} rounds)`;
}

/** `min–max` of a series, formatted; empty for fewer than two values. */
export function range(
  values: readonly (number | undefined)[],
  show: (v: number) => string,
): string {
  const defined = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (defined.length < 2) return '';
  return `${show(Math.min(...defined))} – ${show(Math.max(...defined))}`;
}
