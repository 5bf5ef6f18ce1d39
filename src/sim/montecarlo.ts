import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { keccak256, stringToBytes } from "viem";
import { PathRunner, type Task } from "./mc/runner.ts";
import { type Figures, figures, type PathOutcome, worstIndices } from "./mc/stats.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./mc/worker.ts";
import type { Scenario } from "./scenario/types.ts";

/**
 * Monte Carlo over seeded paths of one scenario (and, with a sweep, of one scenario per swept value), on
 * worker_threads. Each worker builds the network once and runs each path inside a journal mark that is rolled back
 * (./mc/paths.ts); paths are handed out in chunks and gathered by index, so the figures and the aggregate hash are
 * the same for any number of workers. Only per-path outcomes are kept, never series.
 *
 * Two phases: every path, fingerprinted by the digest of its commands; then the worst paths of each variant again,
 * with their world hashes (what `restake simulate --seed` prints) — a rerun whose digest must match the first.
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
  /** worker threads (default: the machine's parallelism, at most one per path); 0 runs in this thread */
  workers?: number;
  /** path i's seed is pathSeed(baseSeed, i); default the scenario's seed */
  baseSeed?: number;
  /** one scenario per swept value (from `sweepScenarios`); the paths run once per value with the same seeds */
  sweep?: { key: string; variants: SweepVariant[] };
  /** paths per chunk handed to a worker (default: enough for ~8 chunks per worker, at most 50) */
  chunk?: number;
  /** assert after every path that the rollback restored the world hash (costs two world hashes per path) */
  checkRollback?: boolean;
  checkConservation?: boolean;
  /** compute every path's world hash, not only the worst paths' (costly on big networks) */
  stateHashes?: boolean;
  /** worst paths listed per variant (default 10) */
  worst?: number;
  onProgress?: (p: MonteCarloProgress) => void;
  /** every path's outcome as it arrives (in no particular order): for callers that keep or stream more than the figures */
  onOutcome?: (variant: number, outcome: PathOutcome) => void;
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
    /** paths of the first phase per second, start-up and builds included */
    pathsPerSecond: number;
    /** the worst paths' reruns with their world hashes */
    worstRerunMs: number;
  };
}

/** The result without its timing: what two runs are compared on. */
export function deterministicResult(r: MonteCarloResult): Omit<MonteCarloResult, "timing"> {
  const { timing: _timing, ...rest } = r;
  return rest;
}

/** Runs tasks somewhere and reports each task's outcomes. */
interface Pool {
  run(tasks: Task[], onOutcomes: (variant: number, outcomes: PathOutcome[]) => void): Promise<void>;
  close(): Promise<void>;
}

interface PoolInit {
  scenarios: Scenario[];
  baseSeed: number;
  checkRollback: boolean;
  checkConservation?: boolean;
}

interface Timing {
  startupMs: number;
  buildMs: number;
}

function inlinePool(init: PoolInit, onPath: () => void, timing: Timing): Pool {
  const runner = new PathRunner(init.scenarios, init.baseSeed, init, {
    onBuilt: (ms) => {
      timing.buildMs = Math.max(timing.buildMs, ms);
    },
    onPath,
  });
  return {
    async run(tasks, onOutcomes) {
      for (const t of tasks) onOutcomes(t.variant, await runner.run(t));
    },
    async close() {},
  };
}

const BOOT = new URL("./mc/boot.mjs", import.meta.url);
const ENTRY = new URL("./mc/worker.ts", import.meta.url).href;

/** Worker threads pulling tasks from a shared queue: a worker that finishes a chunk gets the next. */
async function threadPool(count: number, init: PoolInit, onPath: () => void, timing: Timing): Promise<Pool> {
  const data: WorkerInit = { entry: ENTRY, ...init };
  let queue: Task[] = [];
  let busy = 0;
  let current: {
    resolve: () => void;
    reject: (e: Error) => void;
    onOutcomes: (v: number, o: PathOutcome[]) => void;
  } | null = null;
  let failure: Error | null = null;
  const idle: Worker[] = [];
  const threads: Worker[] = [];

  const fail = (e: Error): void => {
    if (failure !== null) return;
    failure = e;
    for (const w of threads) void w.terminate();
    current?.reject(e);
    current = null;
  };
  const feed = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      busy++;
      w.postMessage({ type: "task", task: queue.shift()! } satisfies ToWorker);
    }
    if (queue.length === 0 && busy === 0 && current !== null) {
      const c = current;
      current = null;
      c.resolve();
    }
  };

  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((ready, notReady) => {
          const started = performance.now();
          const w = new Worker(BOOT, { workerData: data });
          threads.push(w);
          w.on("message", (m: FromWorker) => {
            switch (m.type) {
              case "ready":
                timing.startupMs = Math.max(timing.startupMs, performance.now() - started);
                idle.push(w);
                ready();
                break;
              case "built":
                timing.buildMs = Math.max(timing.buildMs, m.ms);
                break;
              case "path":
                onPath();
                break;
              case "done":
                busy--;
                try {
                  current?.onOutcomes(m.variant, m.outcomes);
                } catch (e) {
                  fail(e instanceof Error ? e : new Error(String(e)));
                  break;
                }
                idle.push(w);
                feed();
                break;
              case "error":
                fail(new Error(`Monte Carlo worker failed: ${m.message}`));
                break;
            }
          });
          w.on("error", (e) => {
            notReady(e);
            fail(e);
          });
          w.on("exit", (code) => {
            if (code !== 0) fail(new Error(`Monte Carlo worker exited with code ${code}`));
          });
        }),
    ),
  );

  return {
    run(tasks, onOutcomes) {
      if (failure !== null) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        current = { resolve, reject, onOutcomes };
        queue = [...tasks];
        feed();
      });
    },
    async close() {
      if (failure !== null) {
        await Promise.all(threads.map((w) => w.terminate()));
        return;
      }
      await Promise.all(
        threads.map(
          (w) =>
            new Promise<void>((done) => {
              w.once("exit", () => done());
              w.postMessage({ type: "stop" } satisfies ToWorker);
            }),
        ),
      );
    },
  };
}

function chunks(variants: number, indices: readonly number[], size: number, stateHash: boolean): Task[] {
  const tasks: Task[] = [];
  for (let v = 0; v < variants; v++) {
    for (let k = 0; k < indices.length; k += size)
      tasks.push({ variant: v, indices: indices.slice(k, k + size), stateHash });
  }
  return tasks;
}

export async function monteCarlo(scenario: Scenario, opts: MonteCarloOptions): Promise<MonteCarloResult> {
  const t0 = performance.now();
  const paths = opts.paths;
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError(`paths must be a positive integer, got ${paths}`);
  const baseSeed = opts.baseSeed ?? scenario.seed;
  const variants = opts.sweep?.variants ?? [{ label: "base", scenario }];
  if (variants.length === 0) throw new RangeError("a sweep needs at least one value");
  const total = paths * variants.length;
  const workers = Math.max(0, Math.min(opts.workers ?? availableParallelism(), total));
  const chunk = Math.max(1, opts.chunk ?? Math.min(50, Math.ceil(paths / Math.max(1, workers * 8))));
  const worst = opts.worst ?? 10;
  const stateHashes = opts.stateHashes ?? false;

  let done = 0;
  const onPath = (): void => {
    // the worst paths' reruns are not counted: progress is over the paths the user asked for
    if (done >= total) return;
    done++;
    if (opts.onProgress === undefined) return;
    const elapsedMs = performance.now() - t0;
    opts.onProgress({ done, total, elapsedMs, etaMs: (elapsedMs / done) * (total - done) });
  };
  const timing: Timing = { startupMs: 0, buildMs: 0 };
  const init: PoolInit = {
    scenarios: variants.map((v) => v.scenario),
    baseSeed,
    checkRollback: opts.checkRollback ?? false,
    ...(opts.checkConservation === undefined ? {} : { checkConservation: opts.checkConservation }),
  };
  const pool = workers === 0 ? inlinePool(init, onPath, timing) : await threadPool(workers, init, onPath, timing);

  const results: PathOutcome[][] = variants.map(() => new Array<PathOutcome>(paths));
  let firstMs = 0;
  let rerunMs = 0;
  try {
    const all = Array.from({ length: paths }, (_, i) => i);
    await pool.run(chunks(variants.length, all, chunk, stateHashes), (v, outs) => {
      for (const o of outs) {
        results[v]![o.index] = o;
        opts.onOutcome?.(v, o);
      }
    });
    firstMs = performance.now() - t0;
    for (const r of results)
      if (r.filter((o) => o !== undefined).length !== paths) throw new Error("paths went missing");
    if (!stateHashes) {
      const t1 = performance.now();
      const reruns: Task[] = results.map((r, v) => ({ variant: v, indices: worstIndices(r, worst), stateHash: true }));
      await pool.run(reruns, (v, outs) => {
        for (const o of outs) {
          const first = results[v]![o.index]!;
          if (o.digest !== first.digest) {
            throw new Error(
              `path ${o.index} (seed ${o.seed}) is not reproducible: digest ${o.digest} ≠ ${first.digest}`,
            );
          }
          results[v]![o.index] = o;
        }
      });
      rerunMs = performance.now() - t1;
    }
  } finally {
    await pool.close();
  }

  const blocks = variants.map((v, i) => ({ label: v.label, figures: figures(results[i]!, worst) }));
  return {
    scenario: scenario.name,
    baseSeed,
    paths,
    sweep: opts.sweep === undefined ? null : { key: opts.sweep.key, values: variants.map((v) => v.label) },
    variants: blocks,
    hash: keccak256(stringToBytes(blocks.map((b) => `${b.label}:${b.figures.hash}`).join("\n"))),
    timing: {
      workers,
      totalMs: Math.round(performance.now() - t0),
      startupMs: Math.round(timing.startupMs),
      buildMs: Math.round(timing.buildMs),
      pathsPerSecond: total / (firstMs / 1000),
      worstRerunMs: Math.round(rerunMs),
    },
  };
}
