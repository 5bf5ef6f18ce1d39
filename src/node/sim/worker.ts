import { parentPort, workerData } from "node:worker_threads";
import { monteCarlo } from "../../sim/montecarlo.ts";
import { simulate } from "../../sim/run/simulate.ts";
import type { StepMetrics } from "../../sim/run/types.ts";
import type { SimTask, WorkerMessage } from "./protocol.ts";
import { parseScenarioText } from "./scenarios.ts";

/**
 * A simulation worker thread: one task (a run or a Monte Carlo batch), then it exits. The node validated the
 * scenario before queueing it; it is parsed again here because a parsed scenario is not worth shipping across.
 * Every step is posted as it ends, so the node can serve the series while the run goes on.
 */

const port = parentPort;
if (port === null) throw new Error("worker.ts runs only as a worker thread");
const post = (m: WorkerMessage) => port.postMessage(m);

async function main(task: SimTask): Promise<void> {
  const scenario = parseScenarioText(task.text, task.file);
  if (task.kind === "run") {
    let last: StepMetrics | null = null;
    const { summary } = await simulate(scenario, {
      ...(task.seed === undefined ? {} : { seed: task.seed }),
      keepSeries: false,
      onStep: (m) => {
        last = m;
      },
      onProgress: (progress) => {
        if (last !== null) post({ type: "step", metrics: last, progress });
        last = null;
      },
    });
    post({ type: "runDone", summary });
    return;
  }
  const result = await monteCarlo(scenario, {
    paths: task.paths,
    workers: task.workers,
    ...(task.seed === undefined ? {} : { baseSeed: task.seed }),
    onProgress: (p) => post({ type: "mcProgress", progress: p }),
  });
  post({ type: "mcDone", result });
}

try {
  await main(workerData as SimTask);
} catch (e) {
  const code = typeof (e as { code?: unknown })?.code === "string" ? (e as { code: string }).code : "SimFailed";
  post({ type: "failed", code, message: e instanceof Error ? e.message : String(e) });
}
