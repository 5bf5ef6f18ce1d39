import type { ChartOption } from "./Chart.tsx";
import { PALETTE } from "./ChartBox.tsx";

/** Option builders for the dashboard's few chart shapes (types only from ECharts; no runtime import here). */

const num = (v: unknown, digits = 4) =>
  typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : String(v);

const axisLabel = { color: "#374151" };

/** Axis numbers kept short so they never collide on a phone: 1200 → 1.2k, 2500000 → 2.5M. */
export function compact(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${Number((v / 1e9).toFixed(1))}B`;
  if (abs >= 1e6) return `${Number((v / 1e6).toFixed(1))}M`;
  if (abs >= 1e3) return `${Number((v / 1e3).toFixed(1))}k`;
  return `${Number(v.toFixed(2))}`;
}
const splitLine = { lineStyle: { color: "#e5e7eb" } };

/** Horizontal bars, one category per row, optionally stacked series. */
export function barOption(
  categories: string[],
  series: { name: string; values: number[] }[],
  unit: string,
  opts: { stacked?: boolean } = {},
): ChartOption {
  const rows = categories.length;
  return {
    color: PALETTE,
    grid: { left: 8, right: 24, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0, left: 0, textStyle: axisLabel } : undefined,
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v) => `${num(v)} ${unit}`,
    },
    xAxis: {
      type: "value",
      axisLabel: { ...axisLabel, formatter: (v: number) => compact(v) },
      splitLine,
      splitNumber: 4,
    },
    yAxis: { type: "category", data: categories, inverse: true, axisLabel, axisTick: { show: false } },
    series: series.map((s) => ({
      type: "bar",
      name: s.name,
      data: s.values,
      stack: opts.stacked ? "total" : undefined,
      barMaxWidth: rows > 8 ? 14 : 22,
      emphasis: { focus: "series" },
    })),
  };
}

/** Operator shares (bars) with the cumulative share (line) and the 1/3 and 1/2 thresholds. */
export function concentrationOption(labels: string[], sharesPct: number[]): ChartOption {
  let acc = 0;
  const cumulative = sharesPct.map((s) => {
    acc += s;
    return Math.min(100, Number(acc.toFixed(4)));
  });
  return {
    color: [PALETTE[0]!, PALETTE[3]!],
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: axisLabel },
    tooltip: { trigger: "axis", valueFormatter: (v) => `${num(v, 2)}%` },
    xAxis: {
      type: "category",
      data: labels,
      axisLabel: { ...axisLabel, rotate: labels.length > 6 ? 40 : 0, fontSize: 11 },
      axisTick: { show: false },
    },
    yAxis: { type: "value", max: 100, axisLabel: { ...axisLabel, formatter: "{value}%" }, splitLine },
    series: [
      { type: "bar", name: "Share of stake", data: sharesPct.map((s) => Number(s.toFixed(4))), barMaxWidth: 28 },
      {
        type: "line",
        name: "Cumulative",
        data: cumulative,
        symbolSize: 6,
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { type: "dashed", color: "#6b7280" },
          label: { formatter: "{b}", color: "#374151", position: "insideEndTop" },
          data: [
            { name: "1/3", yAxis: 100 / 3 },
            { name: "1/2", yAxis: 50 },
          ],
        },
      },
    ],
  };
}

/** A donut of named parts. */
export function pieOption(parts: { name: string; value: number; color?: string }[], unit: string): ChartOption {
  return {
    color: PALETTE,
    tooltip: { trigger: "item", valueFormatter: (v) => `${num(v)} ${unit}` },
    legend: { bottom: 0, left: "center", textStyle: axisLabel },
    series: [
      {
        type: "pie",
        radius: ["38%", "62%"],
        center: ["50%", "44%"],
        avoidLabelOverlap: true,
        // labels aligned to the chart's edges stay inside it, even on a phone
        label: { show: true, formatter: "{d}%", color: "#1f2937", alignTo: "edge", edgeDistance: 6, minMargin: 4 },
        labelLine: { length: 10, length2: 6 },
        data: parts.map((p) => ({ name: p.name, value: p.value, itemStyle: p.color ? { color: p.color } : undefined })),
      },
    ],
  };
}

/**
 * Step lines of values that hold until they change (a stored rate, a pool price between trades), over chain time
 * (`x: "time"`, milliseconds) or, when no time passes between points, over the log position (`x: "seq"`).
 */
export function stepLinesOption(
  series: { name: string; points: [number, number][]; color?: string; dashed?: boolean }[],
  opts: { x: "time" | "seq"; unit: string; digits?: number },
): ChartOption {
  const digits = opts.digits ?? 4;
  return {
    color: PALETTE,
    grid: { left: 8, right: 16, top: 36, bottom: opts.x === "seq" ? 28 : 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: axisLabel },
    tooltip: { trigger: "axis", valueFormatter: (v) => `${num(v, digits + 2)} ${opts.unit}` },
    xAxis:
      opts.x === "time"
        ? { type: "time", axisLabel: { ...axisLabel, hideOverlap: true }, splitLine: { show: false } }
        : {
            type: "value",
            name: "transaction",
            nameLocation: "middle",
            nameGap: 24,
            nameTextStyle: axisLabel,
            axisLabel: { ...axisLabel, formatter: (v: number) => compact(v) },
            scale: true,
            splitLine: { show: false },
          },
    yAxis: {
      type: "value",
      scale: true,
      axisLabel: { ...axisLabel, formatter: (v: number) => v.toFixed(digits) },
      splitLine,
    },
    series: series.map((s) => ({
      type: "line",
      name: s.name,
      step: "end",
      showSymbol: s.points.length < 40,
      symbolSize: 5,
      data: s.points,
      lineStyle: { width: 2, type: s.dashed ? "dashed" : "solid", ...(s.color ? { color: s.color } : {}) },
      ...(s.color ? { itemStyle: { color: s.color } } : {}),
    })),
  };
}

/** Vertical bars, one per band, each with its own colour (a histogram of health factors). */
export function bandsOption(bands: { label: string; value: number; color: string }[], unit: string): ChartOption {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${num(v, 2)} ${unit}` },
    xAxis: { type: "category", data: bands.map((b) => b.label), axisLabel, axisTick: { show: false } },
    yAxis: { type: "value", axisLabel: { ...axisLabel, formatter: (v: number) => compact(v) }, splitLine },
    series: [
      {
        type: "bar",
        name: unit,
        barMaxWidth: 40,
        data: bands.map((b) => ({ value: b.value, itemStyle: { color: b.color } })),
      },
    ],
  };
}
