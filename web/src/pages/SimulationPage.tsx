import { useId, useState } from "react";
import { Empty, PageHeader, Section, TableWrap } from "../components/ui.tsx";
import { formatInt } from "../lib/format.ts";
import { Compare, runLabel } from "../sim/Compare.tsx";
import { type SessionJob, useSession, useSimMonteCarlo, useSimRun, useStartJob } from "../sim/hooks.ts";
import { MonteCarloView } from "../sim/MonteCarloView.tsx";
import { RunView, StatusBadge } from "../sim/RunView.tsx";
import { type ScenarioChoice, ScenarioForm } from "../sim/ScenarioForm.tsx";
import { Tabs } from "../sim/Tabs.tsx";
import "../sim/sim.css";

/**
 * The simulation lab: run a shipped or uploaded scenario on the node and watch its charts fill in; keep this
 * session's runs and compare two; run Monte Carlo batches and read their distributions. Everything computes on the
 * node (worker threads); this page starts jobs and polls them.
 */

const MAX_PATHS = 2000;
const MAX_WORKERS = 4;

type Tab = "runs" | "montecarlo";

export function SimulationPage({ pollMs }: { pollMs?: number }) {
  const [tab, setTab] = useState<Tab>("runs");
  const [shownRun, setShownRun] = useState<string | null>(null);
  const [shownMc, setShownMc] = useState<string | null>(null);
  const [compare, setCompare] = useState<string[]>([]);
  const { jobs } = useSession();
  const runs = jobs.filter((j) => j.kind === "run");
  const batches = jobs.filter((j) => j.kind === "montecarlo");
  const start = useStartJob();
  const current = shownRun ?? runs[runs.length - 1]?.id ?? null;
  const currentMc = shownMc ?? batches[batches.length - 1]?.id ?? null;

  const startRun = (c: ScenarioChoice) =>
    start.mutate(
      { kind: "run", source: c.source, ...(c.seed === undefined ? {} : { seed: c.seed }) },
      { onSuccess: (j) => setShownRun(j.id) },
    );

  const rerun = (mc: SessionJob) => (seed: number) => {
    start.mutate(
      { kind: "run", source: mc.source, seed },
      {
        onSuccess: (j) => {
          setShownRun(j.id);
          setTab("runs");
        },
      },
    );
  };

  const shownBatch = batches.find((b) => b.id === currentMc);
  const pair = compare.map((id) => runs.findIndex((r) => r.id === id)).filter((i) => i >= 0);

  return (
    <>
      <PageHeader title="Simulation lab" kicker="Stress tests on the real engine">
        <p className="muted">
          Run a scenario — a network, a timeline of shocks and agents acting every step — on the node's engine, LRT and
          market code, and watch depeg, losses, liquidations and queues unfold. The same seed always gives the same
          hash.
        </p>
      </PageHeader>
      <Tabs
        label="Simulation"
        tabs={[
          { key: "runs", label: "Runs" },
          { key: "montecarlo", label: "Monte Carlo" },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {tab === "runs" ? (
          <>
            <Section title="New run" id="new-run">
              <ScenarioForm
                idPrefix="run"
                submitLabel="Run"
                pending={start.isPending}
                error={start.variables?.kind === "run" ? start.error : null}
                onSubmit={startRun}
              />
            </Section>
            <Section title="Runs this session" id="session-runs">
              {runs.length === 0 ? (
                <Empty>No runs yet: pick a scenario above and press Run.</Empty>
              ) : (
                <RunList runs={runs} shown={current} onShow={setShownRun} compare={compare} onCompare={setCompare} />
              )}
            </Section>
            {current !== null ? (
              <Section title="Run" id="run">
                <RunView key={current} id={current} pollMs={pollMs} />
              </Section>
            ) : null}
            {pair.length === 2 ? (
              <Section title="Comparison" id="compare">
                <Compare
                  a={{ job: runs[pair[0]!]!, label: runLabel(runs[pair[0]!]!, pair[0]!) }}
                  b={{ job: runs[pair[1]!]!, label: runLabel(runs[pair[1]!]!, pair[1]!) }}
                />
              </Section>
            ) : null}
          </>
        ) : (
          <>
            <Section
              title="New Monte Carlo batch"
              id="new-mc"
              description="Many seeded paths of one scenario on worker threads: the distribution of outcomes, not one story."
            >
              <McForm
                pending={start.isPending}
                error={start.variables?.kind === "montecarlo" ? start.error : null}
                onStart={(c, paths, workers) =>
                  start.mutate(
                    {
                      kind: "montecarlo",
                      source: c.source,
                      paths,
                      ...(workers === undefined ? {} : { workers }),
                      ...(c.seed === undefined ? {} : { seed: c.seed }),
                    },
                    { onSuccess: (j) => setShownMc(j.id) },
                  )
                }
              />
            </Section>
            <Section title="Batches this session" id="session-mc">
              {batches.length === 0 ? (
                <Empty>No Monte Carlo batches yet.</Empty>
              ) : (
                <McList batches={batches} shown={currentMc} onShow={setShownMc} />
              )}
            </Section>
            {shownBatch ? (
              <Section title="Distributions" id="mc">
                <MonteCarloView key={shownBatch.id} id={shownBatch.id} pollMs={pollMs} onRerun={rerun(shownBatch)} />
              </Section>
            ) : null}
          </>
        )}
      </Tabs>
    </>
  );
}

function McForm({
  pending,
  error,
  onStart,
}: {
  pending: boolean;
  error: Error | null;
  onStart: (c: ScenarioChoice, paths: number, workers: number | undefined) => void;
}) {
  const [paths, setPaths] = useState("200");
  const [workers, setWorkers] = useState("");
  const pathsId = useId();
  const workersId = useId();
  const okPaths = /^\d{1,4}$/.test(paths.trim()) && Number(paths) >= 1 && Number(paths) <= MAX_PATHS;
  const okWorkers =
    workers.trim() === "" || (/^\d$/.test(workers.trim()) && Number(workers) >= 1 && Number(workers) <= MAX_WORKERS);
  return (
    <ScenarioForm
      idPrefix="mc"
      submitLabel="Run paths"
      pending={pending}
      error={error}
      validateExtra={() =>
        !okPaths
          ? `Paths: a whole number from 1 to ${formatInt(MAX_PATHS)}.`
          : !okWorkers
            ? `Workers: 1 to ${MAX_WORKERS}, or empty for the node's default.`
            : null
      }
      onSubmit={(c) => onStart(c, Number(paths), workers.trim() === "" ? undefined : Number(workers))}
      extra={
        <>
          <div className="sim-field">
            <label htmlFor={pathsId}>Paths</label>
            <input
              id={pathsId}
              type="text"
              inputMode="numeric"
              value={paths}
              aria-invalid={!okPaths}
              onChange={(e) => setPaths(e.target.value)}
            />
            <span className="muted sim-hint">1 to {formatInt(MAX_PATHS)}</span>
          </div>
          <div className="sim-field">
            <label htmlFor={workersId}>Workers</label>
            <input
              id={workersId}
              type="text"
              inputMode="numeric"
              value={workers}
              aria-invalid={!okWorkers}
              placeholder="node's"
              onChange={(e) => setWorkers(e.target.value)}
            />
            <span className="muted sim-hint">threads, 1 to {MAX_WORKERS}</span>
          </div>
        </>
      }
    />
  );
}

function RunList({
  runs,
  shown,
  onShow,
  compare,
  onCompare,
}: {
  runs: SessionJob[];
  shown: string | null;
  onShow: (id: string) => void;
  compare: string[];
  onCompare: (ids: string[]) => void;
}) {
  const toggle = (id: string) =>
    onCompare(compare.includes(id) ? compare.filter((x) => x !== id) : [...compare, id].slice(-2));
  return (
    <>
      <p className="muted">Tick two runs to compare their totals and curves.</p>
      <TableWrap label="Session runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Hash</th>
            <th scope="col">Show</th>
            <th scope="col">Compare</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <RunRow
              key={r.id}
              run={r}
              label={runLabel(r, i)}
              shown={r.id === shown}
              onShow={() => onShow(r.id)}
              compared={compare.includes(r.id)}
              onCompare={() => toggle(r.id)}
            />
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}

function RunRow({
  run,
  label,
  shown,
  onShow,
  compared,
  onCompare,
}: {
  run: SessionJob;
  label: string;
  shown: boolean;
  onShow: () => void;
  compared: boolean;
  onCompare: () => void;
}) {
  const q = useSimRun(run.id);
  const a = q.data?.answer;
  const status = a?.status ?? (q.error ? "unknown" : "…");
  return (
    <tr data-run={run.id} aria-current={shown ? "true" : undefined}>
      <th scope="row">{label}</th>
      <td>
        <StatusBadge status={status} />
        {a && a.status === "running" ? ` ${Math.floor((a.progress.step / Math.max(1, a.progress.steps)) * 100)}%` : ""}
      </td>
      <td>
        <code title={a?.summary?.hash}>{a?.summary ? `${a.summary.hash.slice(0, 10)}…` : "–"}</code>
      </td>
      <td>
        <button
          type="button"
          className="button button-small"
          onClick={onShow}
          aria-pressed={shown}
          aria-label={`Show ${label}`}
        >
          {shown ? "Shown" : "Show"}
        </button>
      </td>
      <td>
        <input type="checkbox" checked={compared} onChange={onCompare} aria-label={`Compare ${label}`} />
      </td>
    </tr>
  );
}

function McList({
  batches,
  shown,
  onShow,
}: {
  batches: SessionJob[];
  shown: string | null;
  onShow: (id: string) => void;
}) {
  return (
    <TableWrap label="Session batches">
      <thead>
        <tr>
          <th scope="col">Batch</th>
          <th scope="col">Status</th>
          <th scope="col">Show</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((b, i) => (
          <McRow
            key={b.id}
            batch={b}
            label={`#${i + 1} ${b.scenario}, ${formatInt(b.paths ?? 0)} paths (seed ${b.seed})`}
            shown={b.id === shown}
            onShow={() => onShow(b.id)}
          />
        ))}
      </tbody>
    </TableWrap>
  );
}

function McRow({
  batch,
  label,
  shown,
  onShow,
}: {
  batch: SessionJob;
  label: string;
  shown: boolean;
  onShow: () => void;
}) {
  const q = useSimMonteCarlo(batch.id);
  const a = q.data;
  return (
    <tr data-mc={batch.id} aria-current={shown ? "true" : undefined}>
      <th scope="row">{label}</th>
      <td>
        <StatusBadge status={a?.status ?? (q.error ? "unknown" : "…")} />
        {a && a.status === "running" ? ` ${formatInt(a.progress.done)} / ${formatInt(a.progress.total)}` : ""}
      </td>
      <td>
        <button
          type="button"
          className="button button-small"
          onClick={onShow}
          aria-pressed={shown}
          aria-label={`Show ${label}`}
        >
          {shown ? "Shown" : "Show"}
        </button>
      </td>
    </tr>
  );
}
