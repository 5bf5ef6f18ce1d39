import { useMemo } from "react";
import { ChartBox, PALETTE } from "../charts/ChartBox.tsx";
import { Loading } from "../components/ui.tsx";
import { timeOption } from "./charts.ts";
import { type SessionJob, useSimRun } from "./hooks.ts";
import { CompareTable } from "./Summary.tsx";
import { depegLines, type Line, lossLines } from "./series.ts";

/**
 * Two runs of this session side by side: their summaries in one table, and their depeg and loss curves overlaid
 * (the first run solid, the second dashed, the same colour per LRT or layer).
 */

export const runLabel = (j: SessionJob, i: number) => `#${i + 1} ${j.scenario} (seed ${j.seed})`;

function overlay(a: Line[], b: Line[]) {
  return [
    ...a.map((l, i) => ({ ...l, color: PALETTE[i % PALETTE.length]! })),
    ...b.map((l, i) => ({ ...l, color: PALETTE[i % PALETTE.length]!, dashed: true })),
  ];
}

export function Compare({ a, b }: { a: { job: SessionJob; label: string }; b: { job: SessionJob; label: string } }) {
  const qa = useSimRun(a.job.id);
  const qb = useSimRun(b.job.id);
  const sa = qa.data?.series;
  const sb = qb.data?.series;
  const depeg = useMemo(
    () =>
      sa && sb
        ? timeOption(overlay(depegLines(sa, "A "), depegLines(sb, "B ")), { left: "depeg %" }, { percent: true })
        : null,
    [sa, sb],
  );
  const losses = useMemo(
    () => (sa && sb ? timeOption(overlay(lossLines(sa, "A "), lossLines(sb, "B ")), { left: "ETH" }) : null),
    [sa, sb],
  );
  if (qa.data === undefined || qb.data === undefined) return <Loading what="the runs to compare" />;
  return (
    <div className="sim-compare" data-testid="compare">
      <p className="muted">
        A = {a.label}, B = {b.label}. In the charts A is solid and B dashed.
      </p>
      <CompareTable
        a={{ label: `A: ${a.label}`, summary: qa.data.answer.summary }}
        b={{ label: `B: ${b.label}`, summary: qb.data.answer.summary }}
      />
      <div className="grid-2">
        <section aria-label="Depeg, both runs">
          <h3>Depeg by LRT</h3>
          {depeg ? <ChartBox option={depeg} label={`Depeg per LRT: run A (solid) against run B (dashed)`} /> : null}
        </section>
        <section aria-label="Losses, both runs">
          <h3>Losses by layer</h3>
          {losses ? (
            <ChartBox option={losses} label={`Cumulative losses by layer: run A (solid) against run B (dashed)`} />
          ) : null}
        </section>
      </div>
    </div>
  );
}
