import { parentPort, workerData } from "node:worker_threads";
import { buildNetwork } from "../network/build.ts";
import type { SimNetwork } from "../network/types.ts";
import type { Scenario } from "../scenario/types.ts";
import { pathSeed, runPath } from "./paths.ts";
import type { PathOutcome } from "./stats.ts";

/**
 * A Monte Carlo worker thread. It receives the scenarios (one per swept value) once, then chunks of path indices;
 * it builds a network once per distinct network (variants that differ only outside `network` share it) and runs
 * each path inside a rolled-back journal mark (./paths.ts).
 */

export interface WorkerInit {
  entry: string;
  scenarios: Scenario[];
  /** variant → the index of the first variant with the same network (and seed): the network cache key */
  networkOf: number[];
  baseSeed: number;
  checkRollback: boolean;
  checkConservation?: boolean;
}

export type ToWorker = { type: "task"; variant: number; from: number; to: number } | { type: "stop" };

export type FromWorker =
  | { type: "ready"; ms: number }
  | { type: "built"; variant: number; ms: number }
  | { type: "path" }
  | { type: "done"; variant: number; outcomes: PathOutcome[] }
  | { type: "error"; message: string };

const init = workerData as WorkerInit;
const port = parentPort!;
let cached: { key: number; net: SimNetwork } | null = null;

function network(variant: number): SimNetwork {
  const key = init.networkOf[variant] ?? variant;
  if (cached?.key !== key) {
    cached = null; // let the old one go before building the next
    const s = init.scenarios[key]!;
    const t = performance.now();
    cached = { key, net: buildNetwork(s.network, s.seed) };
    port.postMessage({ type: "built", variant, ms: performance.now() - t } satisfies FromWorker);
  }
  return cached.net;
}

async function task(variant: number, from: number, to: number): Promise<void> {
  const scenario = init.scenarios[variant]!;
  const net = network(variant);
  const outcomes: PathOutcome[] = [];
  for (let i = from; i < to; i++) {
    outcomes.push(
      await runPath(net, scenario, i, pathSeed(init.baseSeed, i), {
        checkRollback: init.checkRollback,
        ...(init.checkConservation === undefined ? {} : { checkConservation: init.checkConservation }),
      }),
    );
    port.postMessage({ type: "path" } satisfies FromWorker);
  }
  port.postMessage({ type: "done", variant, outcomes } satisfies FromWorker);
}

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") {
    port.close();
    return;
  }
  task(m.variant, m.from, m.to).catch((e: unknown) => {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    port.postMessage({ type: "error", message } satisfies FromWorker);
  });
});
port.postMessage({ type: "ready", ms: performance.now() } satisfies FromWorker);
