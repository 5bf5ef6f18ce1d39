import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { ApiError } from "../api/client.ts";
import { useApiSettings } from "../api/hooks.ts";
import type { ScenarioSource, SimAccepted, SimMonteCarloAnswer, SimRunAnswer, SimScenarios, StepRow } from "./types.ts";

/**
 * The simulation lab's data: the shipped scenarios, jobs started from this page, and polling of a job until it
 * ends. Queries live under ["sim", …], outside the ["api"] views the live head invalidates (a simulation does not
 * change when a transaction lands), and are never garbage-collected: the runs of this session stay comparable
 * after leaving the page and coming back.
 */

export const SIM_POLL_MS = 500;

export const useScenarios = () => {
  const { client } = useApiSettings();
  return useQuery<SimScenarios, Error>({
    queryKey: ["sim", "scenarios"],
    queryFn: ({ signal }) => client.get<SimScenarios>("/sim/scenarios", signal),
  });
};

/** A job started in this session, with what it ran (so a Monte Carlo path can be rerun by its seed). */
export interface SessionJob {
  id: string;
  kind: "run" | "montecarlo";
  scenario: string;
  seed: number;
  source: ScenarioSource;
  paths?: number;
  startedAt: number;
}

const SESSION_KEY = ["sim", "session"] as const;

export function useSession(): { jobs: SessionJob[]; add: (job: SessionJob) => void } {
  const qc = useQueryClient();
  const { data } = useQuery<SessionJob[]>({
    queryKey: SESSION_KEY,
    queryFn: () => qc.getQueryData<SessionJob[]>(SESSION_KEY) ?? [],
    initialData: [],
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  const add = useCallback(
    (job: SessionJob) => qc.setQueryData<SessionJob[]>(SESSION_KEY, (old = []) => [...old, job]),
    [qc],
  );
  return { jobs: data, add };
}

export interface StartRun {
  source: ScenarioSource;
  seed?: number;
}

export interface StartMonteCarlo extends StartRun {
  paths: number;
  workers?: number;
}

function body(source: ScenarioSource, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...("scenario" in source ? { scenario: source.scenario } : { yaml: source.yaml }), ...extra };
}

/** Starts a run or a Monte Carlo batch and adds it to the session. */
export function useStartJob() {
  const { client } = useApiSettings();
  const { add } = useSession();
  return useMutation<SessionJob, Error, (StartRun & { kind: "run" }) | (StartMonteCarlo & { kind: "montecarlo" })>({
    mutationFn: async (req) => {
      if (client.post === undefined) throw new ApiError(0, "ReadOnlyClient", "this dashboard cannot start simulations");
      const extra: Record<string, unknown> = {};
      if (req.seed !== undefined) extra.seed = req.seed;
      if (req.kind === "montecarlo") {
        extra.paths = req.paths;
        if (req.workers !== undefined) extra.workers = req.workers;
      }
      const path = req.kind === "run" ? "/sim/runs" : "/sim/montecarlo";
      const a = await client.post<SimAccepted>(path, body(req.source, extra));
      return {
        id: a.id,
        kind: req.kind,
        scenario: a.scenario,
        seed: a.seed,
        source: req.source,
        ...(req.kind === "montecarlo" ? { paths: req.paths } : {}),
        startedAt: Date.now(),
      };
    },
    onSuccess: add,
  });
}

const finished = (status: string | undefined) => status === "done" || status === "failed";
/** polling stops when the job ends or the node says it does not know it (a network error keeps polling) */
const stop = (status: string | undefined, error: Error | null) =>
  finished(status) || (error instanceof ApiError && error.isClientError);

/** A run as polled: the latest answer, and every series row received so far (only new rows are fetched). */
export interface RunState {
  answer: SimRunAnswer;
  series: StepRow[];
}

export function useSimRun(id: string | null, pollMs = SIM_POLL_MS) {
  const { client } = useApiSettings();
  const qc = useQueryClient();
  return useQuery<RunState, Error>({
    queryKey: ["sim", "run", id],
    enabled: id !== null,
    gcTime: Number.POSITIVE_INFINITY,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async ({ signal }) => {
      const prev = qc.getQueryData<RunState>(["sim", "run", id]);
      const have = prev?.series.length ?? 0;
      const answer = await client.get<SimRunAnswer>(`/sim/runs/${encodeURIComponent(id!)}?since=${have}`, signal);
      const series = (prev?.series ?? []).slice(0, answer.since).concat(answer.series);
      return { answer: { ...answer, series: [] }, series };
    },
    refetchInterval: (q) => (stop(q.state.data?.answer.status, q.state.error) ? false : pollMs),
  });
}

export function useSimMonteCarlo(id: string | null, pollMs = SIM_POLL_MS) {
  const { client } = useApiSettings();
  return useQuery<SimMonteCarloAnswer, Error>({
    queryKey: ["sim", "montecarlo", id],
    enabled: id !== null,
    gcTime: Number.POSITIVE_INFINITY,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: ({ signal }) => client.get<SimMonteCarloAnswer>(`/sim/montecarlo/${encodeURIComponent(id!)}`, signal),
    refetchInterval: (q) => (stop(q.state.data?.status, q.state.error) ? false : pollMs),
  });
}
