import { buildNetwork } from "../network/build.ts";
import type { SimNetwork } from "../network/types.ts";
import { plainJson } from "../output.ts";
import type { Scenario } from "../scenario/types.ts";
import { pathSeed, runPath } from "./paths.ts";
import type { PathOutcome } from "./stats.ts";

/** A unit of work: some paths of one variant (swept value), optionally with their world hashes. */
export interface Task {
  variant: number;
  indices: number[];
  stateHash: boolean;
}

/**
 * Runs tasks in the current thread (a worker's, or the caller's with `workers: 0`). It builds a network once per
 * distinct network spec and seed — variants that differ only outside `network` share it — keeping one at a time.
 */
export class PathRunner {
  private readonly networkOf: number[];
  private cached: { key: number; net: SimNetwork } | null = null;

  constructor(
    private readonly scenarios: readonly Scenario[],
    private readonly baseSeed: number,
    private readonly opts: { checkRollback: boolean; checkConservation?: boolean },
    private readonly hooks: { onBuilt?: (ms: number) => void; onPath?: () => void } = {},
  ) {
    const keys = scenarios.map((s) => plainJson({ n: s.network, s: s.seed }));
    this.networkOf = keys.map((k) => keys.indexOf(k));
  }

  private network(variant: number): SimNetwork {
    const key = this.networkOf[variant]!;
    if (this.cached?.key !== key) {
      this.cached = null; // let the old one go before building the next
      const s = this.scenarios[key]!;
      const t = performance.now();
      this.cached = { key, net: buildNetwork(s.network, s.seed) };
      this.hooks.onBuilt?.(performance.now() - t);
    }
    return this.cached.net;
  }

  async run(task: Task): Promise<PathOutcome[]> {
    const scenario = this.scenarios[task.variant]!;
    const net = this.network(task.variant);
    const out: PathOutcome[] = [];
    for (const i of task.indices) {
      out.push(
        await runPath(net, scenario, i, pathSeed(this.baseSeed, i), {
          checkRollback: this.opts.checkRollback,
          stateHash: task.stateHash,
          ...(this.opts.checkConservation === undefined ? {} : { checkConservation: this.opts.checkConservation }),
        }),
      );
      this.hooks.onPath?.();
    }
    return out;
  }
}
