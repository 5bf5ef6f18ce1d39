import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadScenario } from "../src/sim/load.ts";
import { aggregateHash, type PathOutcome } from "../src/sim/mc/stats.ts";
import { monteCarlo } from "../src/sim/montecarlo.ts";
import { type Figures, progress, round } from "./lib.ts";
import { mb, measureInChild, peakRss } from "./sim-lib.ts";

/**
 * Monte Carlo paths of a mid-size preset scenario (scenarios/bench/mid-montecarlo.yaml) on 1 worker and on 2 workers
 * in the same benchmark run, each configuration in its own child process (so peak RSS is its own):
 *  - 2 workers run 10,000 paths; 1 worker runs the first 2,500 of the same paths (its rate is what is compared;
 *    10,000 on one core would add ~6 minutes);
 *  - paths/s end to end (worker start-up, the network build per worker, and the worst paths' reruns excluded — they
 *    are reported apart) and in the steady state (from the first path's end to the last's), and the speed-up
 *    2 workers ÷ 1 worker (goal ≥ 1.8 on 2 cores);
 *  - peak RSS after 1,000 paths and after 10,000 (goal: flat — only per-path outcomes are kept);
 *  - the aggregate hash over the first 2,500 paths must be the same for both worker counts.
 * The 1-worker run goes first; the machine's 1-minute load average is reported at the start and end.
 */

export const name = "sim-montecarlo";
export const description =
  "10,000 Monte Carlo paths of a mid preset: paths/s on 1 vs 2 workers, speed-up, peak RSS at 1,000 vs 10,000 paths";

const SCENARIO = fileURLToPath(new URL("../scenarios/bench/mid-montecarlo.yaml", import.meta.url));
const PATHS = 10_000;
/** the 1-worker run is shorter (its rate is what is compared; 10,000 paths on one core would double the time) */
const PATHS_ONE = 2_500;
const EARLY = 1_000;

async function measure(workers: number, paths: number): Promise<Figures> {
  const { scenario } = loadScenario(SCENARIO);
  const cpu0 = process.cpuUsage();
  let rssEarly = 0;
  let firstMs = 0;
  let lastMs = 0;
  let lastReport = 0;
  const shared: PathOutcome[] = [];
  const r = await monteCarlo(scenario, {
    paths,
    workers,
    onOutcome: (_v, o) => {
      if (o.index < PATHS_ONE) shared.push(o);
    },
    onProgress: (p) => {
      if (p.done === 1) firstMs = p.elapsedMs;
      if (p.done === EARLY) rssEarly = peakRss();
      lastMs = p.elapsedMs;
      if (p.elapsedMs - lastReport > 15_000) {
        lastReport = p.elapsedMs;
        progress(
          `${workers} worker(s): ${p.done}/${p.total} paths, ${((p.done * 1000) / p.elapsedMs).toFixed(1)} paths/s`,
        );
      }
    },
  });
  const f = r.variants[0]!.figures;
  const used = process.cpuUsage(cpu0);
  return {
    workers,
    paths,
    total_s: round(r.timing.totalMs / 1000, 4),
    /** CPU seconds of the process, its worker threads included */
    cpu_s: round((used.user + used.system) / 1e6, 4),
    paths_per_s: round(r.timing.pathsPerSecond, 4),
    steady_paths_per_s: round(((paths - 1) * 1000) / (lastMs - firstMs), 4),
    worst_rerun_ms: r.timing.worstRerunMs,
    startup_ms: r.timing.startupMs,
    build_ms: r.timing.buildMs,
    peak_rss_1000_mb: mb(rssEarly),
    peak_rss_end_mb: mb(peakRss()),
    hash: r.hash,
    /** over the paths both runs have: the same for any worker count */
    shared_hash: aggregateHash(shared),
    var95_eth: round(Number(BigInt(f.var95) / 10n ** 15n) / 1000, 6),
    lar95_eth: round(Number(BigInt(f.lar95) / 10n ** 15n) / 1000, 6),
    p_bad_debt: round(f.pBadDebt, 4),
  };
}

export async function run(): Promise<Figures> {
  const loadStart = loadavg()[0]!;
  const script = fileURLToPath(import.meta.url);
  progress(`1 worker, ${PATHS_ONE.toLocaleString("en-US")} paths`);
  const one = await measureInChild(script, ["1", String(PATHS_ONE)]);
  progress(`1 worker: ${one.paths_per_s} paths/s; now 2 workers, ${PATHS.toLocaleString("en-US")} paths`);
  const two = await measureInChild(script, ["2", String(PATHS)]);
  const n = (v: number | string | undefined) => Number(v);
  return {
    w1_paths: PATHS_ONE,
    w2_paths: PATHS,
    w1_paths_per_s: n(one.paths_per_s),
    w2_paths_per_s: n(two.paths_per_s),
    speedup: round(n(two.paths_per_s) / n(one.paths_per_s), 3),
    w1_steady_paths_per_s: n(one.steady_paths_per_s),
    w2_steady_paths_per_s: n(two.steady_paths_per_s),
    steady_speedup: round(n(two.steady_paths_per_s) / n(one.steady_paths_per_s), 3),
    w1_total_s: n(one.total_s),
    w2_total_s: n(two.total_s),
    w1_cpu_s_per_path: round(n(one.cpu_s) / PATHS_ONE, 4),
    w2_cpu_s_per_path: round(n(two.cpu_s) / PATHS, 4),
    worker_startup_ms: n(two.startup_ms),
    network_build_ms: n(two.build_ms),
    worst_rerun_ms: n(two.worst_rerun_ms),
    w1_peak_rss_1000_mb: n(one.peak_rss_1000_mb),
    w1_peak_rss_2500_mb: n(one.peak_rss_end_mb),
    w2_peak_rss_1000_mb: n(two.peak_rss_1000_mb),
    w2_peak_rss_10000_mb: n(two.peak_rss_end_mb),
    same_hash_first_2500: one.shared_hash === two.shared_hash ? "yes" : "NO",
    hash_first_2500: String(two.shared_hash),
    hash_10000: String(two.hash),
    var95_eth: n(two.var95_eth),
    lar95_eth: n(two.lar95_eth),
    p_bad_debt: n(two.p_bad_debt),
    load_1m_start: round(loadStart, 3),
    load_1m_end: round(loadavg()[0]!, 3),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--measure") {
  const figures = await measure(Number(process.argv[3] ?? "1"), Number(process.argv[4] ?? String(PATHS)));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
