import type { ChartOption } from "../charts/Chart.tsx";
import { PALETTE } from "../charts/ChartBox.tsx";
import { compact } from "../charts/options.ts";
import { decimalsFor, type Line } from "./series.ts";

/** ECharts options for the simulation charts (types only from ECharts: the chart module stays lazily loaded). */

const axisLabel = { color: "#374151" };
const splitLine = { lineStyle: { color: "#e5e7eb" } };
const fmt = (v: unknown, digits = 4) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : String(v);

export interface LineStyle {
  /** dashed lines mark the second run of a comparison */
  dashed?: boolean;
  color?: string;
  /** draw as bars (counts per step) */
  bars?: boolean;
  /** plot on the right-hand axis */
  right?: boolean;
}

/**
 * Lines over blocks (value x axis, so runs of different lengths overlay), one or two y axes. Axis units are written
 * along the axes, so a legend that wraps on a phone never covers them. `fine` gives the left axis as many decimals
 * as the data's spread needs (a rate moving in its fifth decimal would otherwise read "1, 1, 1").
 */
export function timeOption(
  lines: (Line & LineStyle)[],
  units: { left: string; right?: string },
  opts: { percent?: boolean; fine?: boolean } = {},
): ChartOption {
  const digits = opts.fine ? decimalsFor(lines.filter((l) => !l.right)) : null;
  const label = (v: number, right: boolean) => {
    if (right) return compact(v);
    const text = digits === null ? compact(v) : v.toFixed(digits);
    return opts.percent ? `${text}%` : text;
  };
  const yAxis = (unit: string, right: boolean) => ({
    type: "value" as const,
    name: unit,
    nameLocation: "middle" as const,
    nameGap: right ? 32 : digits !== null ? 20 + 8 * (digits + 2) : 40,
    nameTextStyle: axisLabel,
    position: right ? ("right" as const) : ("left" as const),
    scale: !opts.percent,
    axisLabel: { ...axisLabel, formatter: (v: number) => label(v, right) },
    splitLine: right ? { show: false } : splitLine,
  });
  return {
    color: PALETTE,
    grid: { left: 8, right: units.right ? 8 : 20, top: lines.length > 2 ? 52 : 36, bottom: 8 },
    legend: { top: 0, left: 0, type: "plain", textStyle: axisLabel },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
    xAxis: {
      type: "value",
      name: "block",
      nameLocation: "middle",
      nameGap: 24,
      nameTextStyle: axisLabel,
      min: "dataMin",
      max: "dataMax",
      axisLabel: { ...axisLabel, formatter: (v: number) => compact(v), hideOverlap: true },
      splitLine,
    },
    yAxis: units.right ? [yAxis(units.left, false), yAxis(units.right, true)] : yAxis(units.left, false),
    series: lines.map((l) =>
      l.bars
        ? {
            type: "bar" as const,
            name: l.name,
            data: l.points,
            yAxisIndex: l.right ? 1 : 0,
            barMaxWidth: 8,
            ...(l.color ? { itemStyle: { color: l.color } } : {}),
          }
        : {
            type: "line" as const,
            name: l.name,
            data: l.points,
            yAxisIndex: l.right ? 1 : 0,
            showSymbol: l.points.length < 40,
            symbolSize: 4,
            lineStyle: {
              width: 2,
              type: l.dashed ? ("dashed" as const) : ("solid" as const),
              ...(l.color ? { color: l.color } : {}),
            },
            ...(l.color ? { itemStyle: { color: l.color } } : {}),
            emphasis: { focus: "series" as const },
          },
    ),
  };
}

/** A histogram: vertical bars over labelled bins. */
export function histogramOption(bins: { label: string; count: number }[], color = PALETTE[0]!): ChartOption {
  return {
    color: [color],
    grid: { left: 8, right: 12, top: 16, bottom: 8 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${fmt(v, 0)} paths` },
    xAxis: {
      type: "category",
      data: bins.map((b) => b.label),
      // each bin's lower edge on the axis (ECharts drops labels that would overlap); the full range in the tooltip
      axisLabel: { ...axisLabel, fontSize: 11, formatter: (v: string) => v.split("–")[0] ?? v },
      axisTick: { show: false },
    },
    yAxis: { type: "value", minInterval: 1, axisLabel, splitLine },
    series: [{ type: "bar", name: "Paths", data: bins.map((b) => b.count), barMaxWidth: 36 }],
  };
}
