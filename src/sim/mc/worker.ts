import { parentPort, workerData } from "node:worker_threads";
import type { Scenario } from "../scenario/types.ts";
import { PathRunner, type Task } from "./runner.ts";
import type { PathOutcome } from "./stats.ts";

/**
 * A Monte Carlo worker thread (started through ./boot.mjs). It receives the scenarios (one per swept value) once,
 * then tasks (a variant and a list of path indices) until told to stop; ./runner.ts does the work.
 */

export interface WorkerInit {
  entry: string;
  scenarios: Scenario[];
  baseSeed: number;
  checkRollback: boolean;
  checkConservation?: boolean;
}

export type ToWorker = { type: "task"; task: Task } | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | { type: "built"; ms: number }
  | { type: "path" }
  | { type: "done"; variant: number; outcomes: PathOutcome[] }
  | { type: "error"; message: string };

const init = workerData as WorkerInit;
const port = parentPort!;
const runner = new PathRunner(init.scenarios, init.baseSeed, init, {
  onBuilt: (ms) => port.postMessage({ type: "built", ms } satisfies FromWorker),
  onPath: () => port.postMessage({ type: "path" } satisfies FromWorker),
});

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") {
    port.close();
    return;
  }
  runner.run(m.task).then(
    (outcomes) => port.postMessage({ type: "done", variant: m.task.variant, outcomes } satisfies FromWorker),
    (e: unknown) => {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      port.postMessage({ type: "error", message } satisfies FromWorker);
    },
  );
});
port.postMessage({ type: "ready" } satisfies FromWorker);
