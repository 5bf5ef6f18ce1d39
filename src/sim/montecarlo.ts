import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { keccak256, stringToBytes } from "viem";
import { pathSeed, runPath } from "./mc/paths.ts";
import { type Figures, figures, type PathOutcome } from "./mc/stats.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./mc/worker.ts";
import { buildNetwork } from "./network/build.ts";
import type { SimNetwork } from "./network/types.ts";
import { plainJson } from "./output.ts";
import type { Scenario } from "./scenario/types.ts";

/**
 * Monte Carlo over seeded paths of one scenario (and, with a sweep, of one scenario per swept value), on
 * worker_threads. Each worker builds the network once and runs each path inside a journal mark that is rolled back
 * (./mc/paths.ts); paths are handed out in chunks and gathered by index, so the figures and the aggregate hash are
 * the same for any number of workers. Only per-path outcomes are kept, never series.
 */

export interface MonteCarloProgress {
  done: number;
  total: number;
  elapsedMs: number;
  /** estimated time left (null until a path has finished) */
  etaMs: number | null;
}

export interface SweepVariant {
  /** the value as given on the command line */
  label: string;
  scenario: Scenario;
}

export interface MonteCarloOptions {
  paths: number;
  /** worker threads (default: the machine's parallelism, at most one per chunk); 0 runs in this thread */
  workers?: number;
  /** path i's seed is pathSeed(baseSeed, i); default the scenario's seed */
  baseSeed?: number;
  /** one scenario per swept value (from `sweepScenarios`); the paths run once per value with the same seeds */
  sweep?: { key: string; variants: SweepVariant[] };
  /** paths per chunk handed to a worker (default: enough for ~8 chunks per worker, at most 50) */
  chunk?: number;
  /** assert after every path that the rollback restored the world hash (costs two hashes per path) */
  checkRollback?: boolean;
  checkConservation?: boolean;
  /** worst paths listed per variant */
  worst?: number;
  onProgress?: (p: MonteCarloProgress) => void;
}

export interface MonteCarloResult {
  scenario: string;
  baseSeed: number;
  paths: number;
  sweep: { key: string; values: string[] } | null;
  /** one block per swept value ("base" without a sweep) */
  variants: { label: string; figures: Figures }[];
  /** keccak256 over the variants' aggregate hashes: the same for any worker count */
  hash: string;
  /** wall-clock figures; not part of the deterministic output */
  timing: {
    workers: number;
    totalMs: number;
    /** longest time from starting a worker thread to its first message (tsx loader + modules) */
    startupMs: number;
    /** longest network build seen */
    buildMs: number;
    pathsPerSecond: number;
  };
}

/** The result without its timing: what two runs are compared on. */
export function deterministicResult(r: MonteCarloResult): Omit<MonteCarloResult, "timing"> {
  const { timing: _timing, ...rest } = r;
  return rest;
}

interface Task {
  variant: number;
  from: number;
  to: number;
}

const BOOT = new URL("./mc/boot.mjs", import.meta.url);
const ENTRY = new URL("./mc/worker.ts", import.meta.url).href;

/** Variant → first variant with the same network spec and seed (they share one built network). */
function networkKeys(scenarios: readonly Scenario[]): number[] {
  const keys = scenarios.map((s) => plainJson({ n: s.network, s: s.seed }));
  return keys.map((k) => keys.indexOf(k));
}

export async function monteCarlo(scenario: Scenario, opts: MonteCarloOptions): Promise<MonteCarloResult> {
  const t0 = performance.now();
  const paths = opts.paths;
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError(`paths must be a positive integer, got ${paths}`);
  const baseSeed = opts.baseSeed ?? scenario.seed;
  const variants = opts.sweep?.variants ?? [{ label: "base", scenario }];
  if (variants.length === 0) throw new RangeError("a sweep needs at least one value");
  const scenarios = variants.map((v) => v.scenario);
  const total = paths * variants.length;
  const workers = Math.max(0, Math.min(opts.workers ?? availableParallelism(), total));
  const chunk = Math.max(1, opts.chunk ?? Math.min(50, Math.ceil(paths / Math.max(1, workers * 8))));
  const tasks: Task[] = [];
  for (let v = 0; v < variants.length; v++) {
    for (let from = 0; from < paths; from += chunk) tasks.push({ variant: v, from, to: Math.min(paths, from + chunk) });
  }
  const results: PathOutcome[][] = variants.map(() => new Array<PathOutcome>(paths));
  let done = 0;
  const tick = (): void => {
    done++;
    if (opts.onProgress === undefined) return;
    const elapsedMs = performance.now() - t0;
    opts.onProgress({ done, total, elapsedMs, etaMs: (elapsedMs / done) * (total - done) });
  };
  const timing = { startupMs: 0, buildMs: 0 };
  const pathOpts = {
    checkRollback: opts.checkRollback ?? false,
    ...(opts.checkConservation === undefined ? {} : { checkConservation: opts.checkConservation }),
  };

  if (workers === 0) {
    const keys = networkKeys(scenarios);
    let cached = null as { key: number; net: SimNetwork } | null;
    for (const t of tasks) {
      const key = keys[t.variant]!;
      if (cached?.key !== key) {
        cached = null;
        const base = scenarios[key]!;
        const b = performance.now();
        cached = { key, net: buildNetwork(base.network, base.seed) };
        timing.buildMs = Math.max(timing.buildMs, performance.now() - b);
      }
      for (let i = t.from; i < t.to; i++) {
        const s = scenarios[t.variant]!;
        results[t.variant]![i] = await runPath(cached.net, s, i, pathSeed(baseSeed, i), pathOpts);
        tick();
      }
    }
  } else {
    await runOnWorkers(workers, tasks, { scenarios, baseSeed, ...pathOpts }, results, tick, timing);
  }

  const blocks = variants.map((v, i) => ({ label: v.label, figures: figures(results[i]!, opts.worst ?? 10) }));
  const totalMs = performance.now() - t0;
  return {
    scenario: scenario.name,
    baseSeed,
    paths,
    sweep: opts.sweep === undefined ? null : { key: opts.sweep.key, values: variants.map((v) => v.label) },
    variants: blocks,
    hash: keccak256(stringToBytes(blocks.map((b) => `${b.label}:${b.figures.hash}`).join("\n"))),
    timing: {
      workers,
      totalMs: Math.round(totalMs),
      startupMs: Math.round(timing.startupMs),
      buildMs: Math.round(timing.buildMs),
      pathsPerSecond: total / (totalMs / 1000),
    },
  };
}

function runOnWorkers(
  count: number,
  tasks: Task[],
  init: { scenarios: Scenario[]; baseSeed: number; checkRollback: boolean; checkConservation?: boolean },
  results: PathOutcome[][],
  tick: () => void,
  timing: { startupMs: number; buildMs: number },
): Promise<void> {
  const data: WorkerInit = { entry: ENTRY, networkOf: networkKeys(init.scenarios), ...init };
  let next = 0;
  let running = 0;
  const threads: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      for (const w of threads) void w.terminate();
      reject(e);
    };
    const give = (w: Worker): void => {
      const t = tasks[next++];
      if (t === undefined) {
        w.postMessage({ type: "stop" } satisfies ToWorker);
        return;
      }
      w.postMessage({ type: "task", ...t } satisfies ToWorker);
    };
    for (let k = 0; k < count; k++) {
      const started = performance.now();
      const w = new Worker(BOOT, { workerData: data });
      threads.push(w);
      running++;
      w.on("message", (m: FromWorker) => {
        switch (m.type) {
          case "ready":
            timing.startupMs = Math.max(timing.startupMs, performance.now() - started);
            give(w);
            break;
          case "built":
            timing.buildMs = Math.max(timing.buildMs, m.ms);
            break;
          case "path":
            tick();
            break;
          case "done":
            for (const o of m.outcomes) results[m.variant]![o.index] = o;
            give(w);
            break;
          case "error":
            fail(new Error(`Monte Carlo worker failed: ${m.message}`));
            break;
        }
      });
      w.on("error", (e) => fail(e));
      w.on("exit", (code) => {
        running--;
        if (failed) return;
        if (code !== 0) fail(new Error(`Monte Carlo worker exited with code ${code}`));
        else if (running === 0) {
          const missing = results.some((r) => r.length !== r.filter((o) => o !== undefined).length);
          if (next < tasks.length || missing) fail(new Error("workers stopped before every path ran"));
          else resolve();
        }
      });
    }
  });
}
