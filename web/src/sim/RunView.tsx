import { useId, useMemo, useState } from "react";
import { ApiError } from "../api/client.ts";
import { ChartBox, PALETTE } from "../charts/ChartBox.tsx";
import { Empty, ErrorState, Loading } from "../components/ui.tsx";
import { formatInt } from "../lib/format.ts";
import { timeOption } from "./charts.ts";
import { useSimRun } from "./hooks.ts";
import { SummaryPanel } from "./Summary.tsx";
import { depegLines, liquidationLines, lossLines, lrtIds, queueLines, rateVsPrice } from "./series.ts";
import type { StepRow } from "./types.ts";

/**
 * One run as it computes: status and a progress bar, the charts filling in as steps arrive (depeg, rate against
 * price, losses by layer, liquidations and bad debt, the withdrawal queue), then the summary.
 */

export function Progress({ value, max, label, text }: { value: number; max: number; label: string; text: string }) {
  const id = useId();
  return (
    <div className="sim-progress">
      <label htmlFor={id}>{label}</label>
      <progress id={id} max={Math.max(1, max)} value={value} aria-label={label} aria-valuetext={text} />
      <span className="muted" data-testid="progress-text">
        {text}
      </span>
    </div>
  );
}

export function RunView({ id, pollMs }: { id: string; pollMs?: number }) {
  const q = useSimRun(id, pollMs);
  if (q.data === undefined) {
    if (q.error) return <RunError error={q.error} retry={() => void q.refetch()} />;
    return <Loading what="the run" />;
  }
  const { answer, series } = q.data;
  const forgotten = q.error instanceof ApiError && q.error.status === 404;
  const { step, steps } = answer.progress;
  const pct = steps > 0 ? Math.floor((step / steps) * 100) : 0;
  return (
    <div className="sim-run" data-run={id} data-status={answer.status}>
      <p className="sim-run-head">
        <strong>{answer.scenario}</strong> · seed {answer.seed} · <StatusBadge status={answer.status} />
      </p>
      {answer.status === "queued" ? (
        <p className="state state-loading" role="status">
          Queued{answer.queuePosition !== null ? ` (${answer.queuePosition + 1} in line)` : ""}: it starts when a
          running simulation ends.
        </p>
      ) : null}
      {answer.status === "running" || answer.status === "queued" ? (
        <Progress
          value={step}
          max={steps}
          label="Run progress"
          text={`step ${formatInt(step)} of ${formatInt(steps)} (${pct}%)${answer.progress.block !== null ? ` · block ${formatInt(answer.progress.block)}` : ""}`}
        />
      ) : null}
      {answer.status === "failed" && answer.error ? (
        <div className="state state-error" role="alert">
          <p>
            <strong>The run failed.</strong> {answer.error.message} ({answer.error.code})
          </p>
        </div>
      ) : null}
      {forgotten ? <RunError error={q.error!} retry={() => void q.refetch()} /> : null}
      {q.error && !forgotten && answer.status !== "done" ? (
        <p className="notice" role="status">
          Polling failed ({q.error.message}); retrying.
        </p>
      ) : null}
      {series.length === 0 ? (
        answer.status === "done" ? (
          <Empty>The run recorded no steps.</Empty>
        ) : answer.status !== "failed" ? (
          <Empty>The charts fill in as the first steps arrive.</Empty>
        ) : null
      ) : (
        <RunCharts series={series} />
      )}
      {answer.summary ? <SummaryPanel summary={answer.summary} /> : null}
    </div>
  );
}

function RunError({ error, retry }: { error: Error; retry: () => void }) {
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="state state-error" role="alert">
        <p>
          <strong>The node no longer keeps this run.</strong> It forgets the least recently read finished runs, or it
          restarted. Run the scenario again with the same seed to get the same result.
        </p>
      </div>
    );
  }
  return <ErrorState error={error} what="the run" retry={retry} />;
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "done" ? "ok" : status === "failed" ? "bad" : status === "running" ? "info" : "warn";
  return (
    <span className={`badge badge-${tone}`} data-testid="run-status">
      {status}
    </span>
  );
}

export function RunCharts({ series }: { series: StepRow[] }) {
  const ids = useMemo(() => lrtIds(series), [series]);
  const [lrt, setLrt] = useState<string | null>(null);
  const selectId = useId();
  const shown = lrt !== null && ids.includes(lrt) ? lrt : (ids[0] ?? null);
  const last = series[series.length - 1]!;

  const depeg = useMemo(() => timeOption(depegLines(series), { left: "depeg %" }, { percent: true }), [series]);
  const rate = useMemo(
    () => (shown === null ? null : timeOption(rateVsPrice(series, shown), { left: "ETH per token" }, { fine: true })),
    [series, shown],
  );
  const losses = useMemo(() => timeOption(lossLines(series), { left: "ETH" }), [series]);
  const liq = useMemo(() => {
    const l = liquidationLines(series);
    return timeOption(
      [
        { ...l.liquidations, bars: true, color: PALETTE[0]! },
        { ...l.badDebt, right: true, color: PALETTE[3]! },
      ],
      { left: "liquidations", right: "ETH" },
    );
  }, [series]);
  const queue = useMemo(() => timeOption(queueLines(series), { left: "requests" }), [series]);

  return (
    <div className="grid-2 sim-charts" data-testid="run-charts" data-steps={series.length}>
      <section aria-label="Depeg by LRT">
        <h3>Depeg by LRT</h3>
        {ids.length === 0 ? (
          <Empty>No LRT in this network.</Empty>
        ) : (
          <ChartBox
            option={depeg}
            label={`Depeg depth (1 − DEX price / rate) per LRT over ${series.length} steps; at block ${last.block}: ${ids
              .map((id) => `${id} ${((last.lrts[id]?.depeg ?? 0) * 100).toFixed(2)}%`)
              .join(", ")}`}
          />
        )}
      </section>
      <section aria-label="Rate against DEX price">
        <div className="sim-chart-head">
          <h3>Rate against DEX price</h3>
          {ids.length > 1 ? (
            <span>
              <label htmlFor={selectId}>LRT </label>
              <select id={selectId} value={shown ?? ""} onChange={(e) => setLrt(e.target.value)}>
                {ids.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </span>
          ) : null}
        </div>
        {rate === null ? (
          <Empty>No LRT in this network.</Empty>
        ) : (
          <ChartBox option={rate} label={`${shown}: exchange rate and DEX price in ETH per token, by block`} />
        )}
      </section>
      <section aria-label="Losses by layer">
        <h3>Losses by layer</h3>
        <ChartBox
          option={losses}
          label={`Cumulative losses in ETH: stakers, LRT holders, lenders (bad debt); at block ${last.block}`}
        />
      </section>
      <section aria-label="Liquidations and bad debt">
        <h3>Liquidations and bad debt</h3>
        <ChartBox option={liq} label="Liquidations per step (bars) and cumulative bad debt in ETH (line)" />
      </section>
      <section aria-label="Withdrawal queue">
        <h3>Withdrawal queue</h3>
        {ids.length === 0 ? (
          <Empty>No LRT in this network.</Empty>
        ) : (
          <ChartBox option={queue} label="Pending withdrawal requests per LRT, by block" />
        )}
      </section>
    </div>
  );
}
