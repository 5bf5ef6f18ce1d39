/**
 * Inline SVG charts for the HTML report: line charts, bar charts (histograms) and stacked bars, drawn here so the
 * report is one file with no scripts and no network. Each chart is an `<svg role="img">` with a `<title>` and a
 * `<desc>`; the report puts the same numbers in a table next to it for screen readers and for copying.
 */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Colours distinguishable by people with the common colour-vision deficiencies (Okabe–Ito order). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];

const W = 720;
const H = 300;
const M = { top: 28, right: 16, bottom: 44, left: 72 };

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick label with as many decimals as the tick spacing needs (1.0004, not 1). */
export function tickLabel(v: number, step: number): string {
  if (!(step > 0) || step >= 1 || Math.abs(v) >= 1e4) return fmt(v);
  const decimals = Math.min(10, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(decimals);
}

/** A short label: 12,345 · 1.2M · 0.034 · 3.4e-7. */
export function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return Math.round(v).toLocaleString("en-US");
  if (a >= 1) return Number(v.toPrecision(4)).toString();
  if (a >= 1e-4) return Number(v.toPrecision(3)).toString();
  return v.toExponential(1);
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  body: string[];
}

function frame(
  id: string,
  title: string,
  desc: string,
  xs: [number, number],
  ys: [number, number],
  labels: { x: string; y: string; xTicks?: boolean },
): Frame & { open: string; close: string } {
  const [x0, x1] = xs[0] === xs[1] ? [xs[0], xs[0] + 1] : xs;
  // a range too narrow to read (a rate of 1.000000006 against a price of 1) is widened around its middle
  const mid = (ys[0] + ys[1]) / 2;
  const minSpan = Math.max(Math.abs(mid) * 1e-3, 1e-12);
  const [y0, y1] = ys[1] - ys[0] < minSpan ? [mid - minSpan / 2, mid + minSpan / 2] : ys;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (v: number): number => M.left + ((v - x0) / (x1 - x0)) * pw;
  const y = (v: number): number => M.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const body: string[] = [];
  const yt = ticks(y0, y1);
  const yStep = yt.length > 1 ? yt[1]! - yt[0]! : 0;
  for (const t of yt) {
    body.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${esc(tickLabel(t, yStep))}</text>`,
    );
  }
  const xt = labels.xTicks === false ? [] : ticks(x0, x1, 6);
  const xStep = xt.length > 1 ? xt[1]! - xt[0]! : 0;
  for (const t of xt) {
    body.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="#333"/>`,
      `<text x="${x(t).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${esc(tickLabel(t, xStep))}</text>`,
    );
  }
  body.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="#333"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 6}" text-anchor="middle">${esc(labels.x)}</text>`,
    `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(labels.y)}</text>`,
  );
  const open =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" ` +
    `aria-labelledby="${id}-t ${id}-d" font-family="system-ui, sans-serif" font-size="11">` +
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>`;
  return { x, y, body, open, close: "</svg>" };
}

function legend(names: readonly string[]): string {
  const step = Math.min(120, (W - M.left - 16) / Math.max(1, names.length));
  return names
    .map((n, i) => {
      const x = M.left + 8 + i * step;
      const c = PALETTE[i % PALETTE.length];
      return `<rect x="${x}" y="8" width="10" height="10" fill="${c}"/><text x="${x + 14}" y="17">${esc(n)}</text>`;
    })
    .join("");
}

function extent(values: Iterable<number>, includeZero = true): [number, number] {
  let lo = includeZero ? 0 : Number.POSITIVE_INFINITY;
  let hi = includeZero ? 0 : Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return [lo, hi];
}

export interface LineSeries {
  name: string;
  points: [number, number][];
}

export function lineChart(opts: {
  id: string;
  title: string;
  desc: string;
  x: string;
  y: string;
  series: LineSeries[];
  /** the y axis starts at zero (default) or at the data's minimum */
  zero?: boolean;
}): string {
  const all = opts.series.flatMap((s) => s.points);
  const f = frame(
    opts.id,
    opts.title,
    opts.desc,
    extent(
      all.map((p) => p[0]),
      false,
    ),
    extent(
      all.map((p) => p[1]),
      opts.zero ?? true,
    ),
    { x: opts.x, y: opts.y },
  );
  const lines = opts.series.map((s, i) => {
    const d = s.points.map((p, k) => `${k === 0 ? "M" : "L"}${f.x(p[0]).toFixed(1)} ${f.y(p[1]).toFixed(1)}`).join("");
    return `<path d="${d}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.6"/>`;
  });
  return [f.open, ...f.body, ...lines, legend(opts.series.map((s) => s.name)), f.close].join("");
}

export interface Bar {
  label: string;
  value: number;
}

/** Bars over categories (histogram bins, HF buckets), labelled below. */
export function barChart(opts: { id: string; title: string; desc: string; x: string; y: string; bars: Bar[] }): string {
  const n = Math.max(1, opts.bars.length);
  const f = frame(opts.id, opts.title, opts.desc, [0, n], extent(opts.bars.map((b) => b.value)), {
    x: opts.x,
    y: opts.y,
    xTicks: false,
  });
  const every = Math.ceil(n / 12);
  const bars = opts.bars.map((b, i) => {
    const x0 = f.x(i) + 1;
    const w = Math.max(1, f.x(i + 1) - f.x(i) - 2);
    const y0 = f.y(Math.max(0, b.value));
    const h = Math.max(0, f.y(0) - y0);
    const label =
      i % every === 0
        ? `<text x="${(x0 + w / 2).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(b.label)}</text>`
        : "";
    return (
      `<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" ` +
      `fill="${PALETTE[0]}"><title>${esc(`${b.label}: ${fmt(b.value)}`)}</title></rect>${label}`
    );
  });
  return [f.open, ...f.body, ...bars, f.close].join("");
}

/** Stacked bars: one bar per x, one segment per layer (the HF distribution over time). */
export function stackedBars(opts: {
  id: string;
  title: string;
  desc: string;
  x: string;
  y: string;
  layers: string[];
  columns: { x: number; values: number[] }[];
}): string {
  const totals = opts.columns.map((c) => c.values.reduce((a, b) => a + b, 0));
  const xs = opts.columns.map((c) => c.x);
  const f = frame(opts.id, opts.title, opts.desc, extent(xs, false), extent(totals), { x: opts.x, y: opts.y });
  const n = Math.max(1, opts.columns.length);
  const span = f.x(extent(xs, false)[1]) - f.x(extent(xs, false)[0]);
  const w = Math.max(1, span / n - 1);
  const rects: string[] = [];
  for (const c of opts.columns) {
    let acc = 0;
    c.values.forEach((v, i) => {
      if (v <= 0) return;
      const top = f.y(acc + v);
      const h = f.y(acc) - top;
      acc += v;
      rects.push(
        `<rect x="${(f.x(c.x) - w / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"/>`,
      );
    });
  }
  return [f.open, ...f.body, ...rects, legend(opts.layers), f.close].join("");
}
