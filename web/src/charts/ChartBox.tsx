import { lazy, type ReactNode, Suspense } from "react";
import type { ChartOption } from "./Chart.tsx";

const Chart = lazy(() => import("./Chart.tsx"));

/** Chart colours: distinguishable, and each at least 3:1 against white (WCAG non-text contrast). */
export const PALETTE = ["#1d4ed8", "#b45309", "#047857", "#b91c1c", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f"];

/** A titled figure holding a lazily loaded chart; `label` is the chart's text alternative. */
export function ChartBox({
  option,
  label,
  caption,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  caption?: ReactNode;
  height?: number;
}) {
  return (
    <figure className="chart-box">
      <Suspense
        fallback={
          <div className="chart chart-placeholder" style={{ height }} role="img" aria-label={label} aria-busy="true" />
        }
      >
        <Chart option={option} height={height} label={label} />
      </Suspense>
      {caption ? <figcaption className="muted">{caption}</figcaption> : null}
    </figure>
  );
}

export type { ChartOption };
