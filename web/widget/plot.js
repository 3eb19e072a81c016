/**
 * @file plot.js  A small line plot in SVG (no canvas, no inline style: CSP-clean)
 */

const SVG = 'http://www.w3.org/2000/svg';
const W = 100;
const H = 24;

/**
 * An empty plot; colours come from the stylesheet (`.plot polyline`).
 * @param {string} label what it shows, for assistive technology
 * @returns {SVGSVGElement}
 */
export function createPlot(label) {
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, 'svg'));
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.classList.add('plot');
  svg.appendChild(document.createElementNS(SVG, 'polyline'));
  return svg;
}

/**
 * Draw the values (oldest first; null gaps are skipped), scaled so that
 * `max` (or the largest value) is the top.
 * @param {SVGSVGElement} svg
 * @param {readonly (number | null)[]} values
 * @param {number} max
 */
export function drawPlot(svg, values, max) {
  const top = Math.max(max, ...values.map((v) => v ?? 0)) || 1;
  const step = values.length > 1 ? W / (values.length - 1) : 0;
  const points = values
    .map((v, i) => (v === null ? null : `${(i * step).toFixed(1)},${(H - (v / top) * (H - 2) - 1).toFixed(1)}`))
    .filter((p) => p !== null);
  /** @type {SVGPolylineElement} */ (svg.firstChild).setAttribute('points', points.join(' '));
}
