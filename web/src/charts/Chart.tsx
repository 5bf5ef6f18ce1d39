import {
  BarChart,
  type BarSeriesOption,
  LineChart,
  type LineSeriesOption,
  PieChart,
  type PieSeriesOption,
} from "echarts/charts";
import {
  GridComponent,
  type GridComponentOption,
  type LegendComponentOption,
  LegendPlainComponent,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from "echarts/components";
import { type ComposeOption, type EChartsType, init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

/**
 * The one place ECharts is imported: only the charts and components the dashboard draws are registered, from
 * `echarts/core`, so the bundle carries nothing else. This module is loaded lazily (see ChartBox), so pages render
 * their tables before the chart code arrives. SVG rendering keeps text crisp and the output small.
 */
use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendPlainComponent,
  MarkLineComponent,
  TooltipComponent,
  SVGRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
>;

export interface ChartProps {
  option: ChartOption;
  height: number;
  /** a text summary of what the chart shows (the chart itself is an image to assistive technology) */
  label: string;
}

export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const reducedMotion = () => window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;

export default function Chart({ option, height, label }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const node = el.current!;
    const instance = init(node, undefined, { renderer: "svg" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(node);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: !reducedMotion(),
        // a real font list: ECharts measures label widths with it (a CSS keyword such as "inherit" would mis-measure)
        textStyle: { fontFamily: CHART_FONT, fontSize: 12, color: "#1f2937" },
        ...option,
      },
      { notMerge: true },
    );
  }, [option]);

  return <div ref={el} className="chart" style={{ height }} role="img" aria-label={label} data-chart="ready" />;
}
