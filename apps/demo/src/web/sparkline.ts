/**
 * A sparkline as inline SVG: a polyline over the last prices, an area under it, and a dashed line at
 * the open. No chart library: one path string per redraw.
 */

const SVG = 'http://www.w3.org/2000/svg';

export interface Sparkline {
  readonly element: SVGSVGElement;
  /** Redraw with these prices (oldest first) against the open. */
  draw(prices: readonly number[], open: number): void;
}

export function createSparkline(width = 168, height = 36): Sparkline {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'spark');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const baseline = document.createElementNS(SVG, 'line');
  baseline.setAttribute('class', 'spark-open');
  baseline.setAttribute('x1', '0');
  baseline.setAttribute('x2', String(width));
  const area = document.createElementNS(SVG, 'path');
  area.setAttribute('class', 'spark-area');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('class', 'spark-line');
  const dot = document.createElementNS(SVG, 'circle');
  dot.setAttribute('class', 'spark-dot');
  dot.setAttribute('r', '2.5');
  svg.append(baseline, area, line, dot);

  const pad = 3;
  return {
    element: svg,
    draw(prices, open) {
      if (prices.length === 0) return;
      let min = open;
      let max = open;
      for (const p of prices) {
        if (p < min) min = p;
        if (p > max) max = p;
      }
      // A flat line still gets some room: at least 0.2% of the price from top to bottom.
      const span = Math.max(max - min, open * 0.002);
      const mid = (max + min) / 2;
      const y = (p: number) => pad + (height - 2 * pad) * (0.5 - (p - mid) / span);
      const step = prices.length > 1 ? (width - 2 * pad) / (prices.length - 1) : 0;
      let points = '';
      for (let i = 0; i < prices.length; i++) {
        points += `${(pad + i * step).toFixed(1)},${y(prices[i]!).toFixed(1)} `;
      }
      line.setAttribute('points', points);
      const lastX = pad + (prices.length - 1) * step;
      area.setAttribute(
        'd',
        `M${pad},${height} L${points.trim().replaceAll(' ', ' L')} L${lastX.toFixed(1)},${height} Z`,
      );
      const yOpen = y(open).toFixed(1);
      baseline.setAttribute('y1', yOpen);
      baseline.setAttribute('y2', yOpen);
      dot.setAttribute('cx', lastX.toFixed(1));
      dot.setAttribute('cy', y(prices[prices.length - 1]!).toFixed(1));
      svg.dataset.trend = prices[prices.length - 1]! >= open ? 'up' : 'down';
    },
  };
}
