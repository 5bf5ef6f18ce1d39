import { toNumber } from "../lib/format.ts";
import type { Histogram, StepRow } from "./types.ts";

/**
 * A run's series reshaped for charts: [block, value] points per line. Pure (no React, no ECharts), so node tests
 * check it. Amounts become ETH floats here and only here — figures shown as text stay exact.
 */

export type Point = [number, number];

export interface Line {
  name: string;
  points: Point[];
}

/** wei (decimal string) → ETH as a float, for plotting. */
export const eth = (wei: string): number => toNumber(BigInt(wei), 18);

/** Every LRT that appears in the series, in first-seen order. */
export function lrtIds(series: readonly StepRow[]): string[] {
  const ids: string[] = [];
  for (const row of series) for (const id of Object.keys(row.lrts)) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** Depeg depth per LRT, in percent (1 − price / rate). */
export function depegLines(series: readonly StepRow[], prefix = ""): Line[] {
  return lrtIds(series).map((id) => ({
    name: `${prefix}${id}`,
    points: series.flatMap((r): Point[] => {
      const l = r.lrts[id];
      return l === undefined ? [] : [[r.block, round(l.depeg * 100)]];
    }),
  }));
}

/** One LRT's exchange rate and DEX price, ETH per token (no price line when it has no pool). */
export function rateVsPrice(series: readonly StepRow[], lrt: string): Line[] {
  const rate: Point[] = [];
  const price: Point[] = [];
  for (const r of series) {
    const l = r.lrts[lrt];
    if (l === undefined) continue;
    rate.push([r.block, eth(l.rate)]);
    if (l.price !== undefined) price.push([r.block, eth(l.price)]);
  }
  return price.length > 0
    ? [
        { name: "Rate", points: rate },
        { name: "DEX price", points: price },
      ]
    : [{ name: "Rate", points: rate }];
}

export const LAYERS = [
  ["stakers", "Stakers"],
  ["lrtHolders", "LRT holders"],
  ["lenders", "Lenders (bad debt)"],
] as const;

/** Cumulative losses by layer, ETH. */
export function lossLines(series: readonly StepRow[], prefix = ""): Line[] {
  return LAYERS.map(([key, label]) => ({
    name: `${prefix}${label}`,
    points: series.map((r): Point => [r.block, eth(r.losses[key])]),
  }));
}

/** Liquidations per step (count) and cumulative bad debt (ETH). */
export function liquidationLines(series: readonly StepRow[]): { liquidations: Line; badDebt: Line } {
  return {
    liquidations: { name: "Liquidations", points: series.map((r): Point => [r.block, r.liquidations]) },
    badDebt: { name: "Bad debt (ETH)", points: series.map((r): Point => [r.block, eth(r.badDebt)]) },
  };
}

/** Withdrawal requests pending per LRT (count). */
export function queueLines(series: readonly StepRow[]): Line[] {
  return lrtIds(series).map((id) => ({
    name: id,
    points: series.flatMap((r): Point[] => {
      const l = r.lrts[id];
      return l === undefined ? [] : [[r.block, l.queueCount]];
    }),
  }));
}

/** Bins of a histogram labelled by their range, in the histogram's unit (ETH, or percent for depeg). */
export function histogramBins(h: Histogram): { label: string; count: number }[] {
  const scale = h.unit === "fraction" ? 100 : 1;
  const fmt = (v: number) => `${short(v * scale)}${h.unit === "fraction" ? "%" : ""}`;
  return h.counts.map((count, i) => ({ label: `${fmt(h.edges[i] ?? 0)}–${fmt(h.edges[i + 1] ?? 0)}`, count }));
}

function short(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return `${Number(v.toPrecision(3))}`;
}

/** Decimals that tell apart about five ticks across the lines' values (at least 2, at most 8). */
export function decimalsFor(lines: Line[]): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const l of lines) {
    for (const [, v] of l.points) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const span = hi - lo;
  if (!(span > 0)) return 2;
  return Math.min(8, Math.max(2, Math.ceil(-Math.log10(span / 5))));
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
