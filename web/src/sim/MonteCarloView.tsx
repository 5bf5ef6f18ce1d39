import { useMemo } from "react";
import { ApiError } from "../api/client.ts";
import { ChartBox, PALETTE } from "../charts/ChartBox.tsx";
import { Amount } from "../components/Amount.tsx";
import { ErrorState, Loading, Stat, Stats, TableWrap } from "../components/ui.tsx";
import { formatInt } from "../lib/format.ts";
import { histogramOption } from "./charts.ts";
import { useSimMonteCarlo } from "./hooks.ts";
import { Progress, StatusBadge } from "./RunView.tsx";
import { pct } from "./Summary.tsx";
import { histogramBins } from "./series.ts";
import type { Figures, Histogram } from "./types.ts";

/**
 * A Monte Carlo batch: progress with an ETA while the paths run, then the distributions — VaR and LaR (Gauntlet's
 * sense: a high percentile of bad debt, of liquidated value), histograms, and the worst paths with their seeds,
 * each of which can be rerun as a single path.
 */

function eta(ms: number | null): string {
  if (ms === null) return "estimating time left";
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `about ${s} s left` : `about ${Math.ceil(s / 60)} min left`;
}

export function MonteCarloView({
  id,
  pollMs,
  onRerun,
}: {
  id: string;
  pollMs?: number;
  /** runs one path again by its seed */
  onRerun: (seed: number) => void;
}) {
  const q = useSimMonteCarlo(id, pollMs);
  if (q.data === undefined) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <div className="state state-error" role="alert">
          <p>
            <strong>The node no longer keeps this batch.</strong> Run it again: the same seed gives the same figures.
          </p>
        </div>
      );
    }
    if (q.error) return <ErrorState error={q.error} what="the Monte Carlo batch" retry={() => void q.refetch()} />;
    return <Loading what="the Monte Carlo batch" />;
  }
  const a = q.data;
  const { done, total } = a.progress;
  return (
    <div className="sim-mc" data-mc={id} data-status={a.status}>
      <p className="sim-run-head">
        <strong>{a.scenario}</strong> · {formatInt(total)} paths · base seed {a.seed} · {a.workers} workers ·{" "}
        <StatusBadge status={a.status} />
      </p>
      {a.status === "queued" || a.status === "running" ? (
        <Progress
          value={done}
          max={total}
          label="Paths done"
          text={`${formatInt(done)} of ${formatInt(total)} paths${a.status === "running" ? ` · ${eta(a.progress.etaMs)}` : " · queued"}`}
        />
      ) : null}
      {a.status === "failed" && a.error ? (
        <div className="state state-error" role="alert">
          <p>
            <strong>The batch failed.</strong> {a.error.message} ({a.error.code})
          </p>
        </div>
      ) : null}
      {a.result
        ? a.result.variants.map((v) => (
            <FiguresView
              key={v.label}
              figures={v.figures}
              title={a.result!.variants.length > 1 ? `${a.result!.sweep?.key} = ${v.label}` : null}
              onRerun={onRerun}
            />
          ))
        : null}
      {a.result ? (
        <p className="muted sim-hash">
          Aggregate hash <code data-testid="mc-hash">{a.result.hash}</code> (the same for any number of workers)
        </p>
      ) : null}
    </div>
  );
}

function HistogramBox({ h, title, label, color }: { h: Histogram; title: string; label: string; color: string }) {
  const bins = useMemo(() => histogramBins(h), [h]);
  const option = useMemo(() => histogramOption(bins, color), [bins, color]);
  const total = h.zeros + h.counts.reduce((x, y) => x + y, 0);
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {bins.length === 0 || h.zeros === total ? (
        <p className="state state-empty">Every path: none ({formatInt(h.zeros)} paths).</p>
      ) : (
        <ChartBox
          option={option}
          height={220}
          label={`${label}: ${bins.map((b) => `${b.label} ${b.count}`).join(", ")}`}
          caption={h.zeros > 0 ? `${formatInt(h.zeros)} paths with none are not drawn.` : undefined}
        />
      )}
    </section>
  );
}

function FiguresView({
  figures: f,
  title,
  onRerun,
}: {
  figures: Figures;
  title: string | null;
  onRerun: (seed: number) => void;
}) {
  return (
    <div className="sim-figures">
      {title ? <h3>{title}</h3> : null}
      <Stats label="Monte Carlo figures">
        <Stat label="P(bad debt)">
          <span data-testid="p-bad-debt">{pct(f.pBadDebt, 1)}</span>
        </Stat>
        <Stat label="Mean bad debt">
          <Amount value={f.mean.badDebt} />
        </Stat>
        <Stat label="Mean liquidated">
          <Amount value={f.mean.liquidatedValue} />
        </Stat>
        <Stat label="Max depeg, median" hint={`p99 ${pct(f.maxDepeg.p99)}, worst ${pct(f.maxDepeg.max)}`}>
          {pct(f.maxDepeg.p50)}
        </Stat>
      </Stats>
      <TableWrap label="Value and liquidations at risk">
        <thead>
          <tr>
            <th scope="col">At risk</th>
            <th scope="col" className="num">
              95 %
            </th>
            <th scope="col" className="num">
              99 %
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-row="var">
            <th scope="row">VaR (bad debt)</th>
            <td className="num">
              <Amount value={f.var95} />
            </td>
            <td className="num">
              <Amount value={f.var99} />
            </td>
          </tr>
          <tr data-row="lar">
            <th scope="row">LaR (liquidated value)</th>
            <td className="num">
              <Amount value={f.lar95} />
            </td>
            <td className="num">
              <Amount value={f.lar99} />
            </td>
          </tr>
        </tbody>
      </TableWrap>
      <div className="sim-histograms">
        <HistogramBox h={f.histograms.badDebt} title="Bad debt" label="Paths by bad debt in ETH" color={PALETTE[3]!} />
        <HistogramBox
          h={f.histograms.liquidatedValue}
          title="Liquidated value"
          label="Paths by liquidated value in ETH"
          color={PALETTE[0]!}
        />
        <HistogramBox
          h={f.histograms.maxDepeg}
          title="Deepest depeg"
          label="Paths by their deepest depeg across LRTs"
          color={PALETTE[1]!}
        />
      </div>
      <h3>Worst paths</h3>
      <TableWrap label="Worst paths">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col" className="num">
              Seed
            </th>
            <th scope="col" className="num">
              Bad debt
            </th>
            <th scope="col" className="num">
              Liquidated
            </th>
            <th scope="col" className="num">
              Total loss
            </th>
            <th scope="col" className="num">
              Deepest depeg
            </th>
            <th scope="col">
              <span className="visually-hidden">Rerun</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {f.worst.map((w) => (
            <tr key={w.index} data-seed={w.seed}>
              <th scope="row">{formatInt(w.index)}</th>
              <td className="num">{w.seed}</td>
              <td className="num">
                <Amount value={w.badDebt} />
              </td>
              <td className="num">
                <Amount value={w.liquidatedValue} />
              </td>
              <td className="num">
                <Amount value={w.totalLoss} />
              </td>
              <td className="num">{pct(w.maxDepeg)}</td>
              <td>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onRerun(w.seed)}
                  aria-label={`Rerun path ${w.index} (seed ${w.seed}) as a single run`}
                >
                  Rerun
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </div>
  );
}
