import type { MonteCarloProgress, MonteCarloResult } from "../../sim/montecarlo.ts";
import type { RunProgress, RunSummary, StepMetrics } from "../../sim/run/types.ts";

/**
 * The messages between the node and a simulation worker thread. Values travel by structured clone, so bigints stay
 * bigints; the HTTP layer turns them into decimal strings.
 */

export type SimTask =
  | { kind: "run"; text: string; file: string; seed?: number }
  | { kind: "montecarlo"; text: string; file: string; paths: number; workers: number; seed?: number };

export type WorkerMessage =
  | { type: "step"; metrics: StepMetrics; progress: RunProgress }
  | { type: "runDone"; summary: RunSummary }
  | { type: "mcProgress"; progress: MonteCarloProgress }
  | { type: "mcDone"; result: MonteCarloResult }
  | { type: "failed"; code: string; message: string };
