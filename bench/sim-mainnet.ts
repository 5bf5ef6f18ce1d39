import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadScenario } from "../src/sim/load.ts";
import { buildNetwork } from "../src/sim/network/build.ts";
import { simulate } from "../src/sim/run/simulate.ts";
import { type Figures, progress, round } from "./lib.ts";
import { mb, measureInChild, peakRss } from "./sim-lib.ts";

/**
 * One path of the `mainnet-2026` preset over 30 simulated days (216,000 blocks in steps of 300 = one hour) with the
 * incident timeline of scenarios/bench/mainnet-30d.yaml: a correlated fault (every operator running one AVS
 * client), an ezETH depeg on its pool, an unbacked rsETH bridge mint borrowed against on Aave, and mass withdrawal
 * requests, with every agent acting every step. The same path runs with `restake simulate
 * scenarios/bench/mainnet-30d.yaml`.
 *
 * Measured in a child process (its peak RSS is the path's alone): the network build (every set-up command through
 * the engine), the run, the final world hash (what `restake simulate` prints; keccak over the whole serialised
 * state), and peak RSS. `path_s` is the three together, what `restake simulate` spends. Goal (issue 8): the path in under 60 s. Graph security (γ*) is off in this
 * scenario: the exact γ* on a mainnet graph is not reached in 240 s (see the risk section).
 */

export const name = "sim-mainnet";
export const description =
  "one mainnet-2026 path, 30 days (216,000 blocks, step 300) with an incident timeline: build, run, peak RSS";

const SCENARIO = fileURLToPath(new URL("../scenarios/bench/mainnet-30d.yaml", import.meta.url));

/** CPU seconds of this process (user + system): on a shared machine, closer to what the path costs than wall time. */
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(): Promise<Figures> {
  const { scenario } = loadScenario(SCENARIO);
  const rss0 = peakRss();
  let t = performance.now();
  let c = cpu();
  const net = buildNetwork(scenario.network, scenario.seed);
  const buildS = (performance.now() - t) / 1000;
  const buildCpu = cpu() - c;
  const rssBuilt = peakRss();
  const setupCommands = net.chain.applied;
  progress(
    `built ${net.operators.length} operators, ${net.avss.length} AVSs, ${net.stakers.length} stakers, ${net.lrtHolders.length} LRT holders, ${net.loopers.length} loopers in ${buildS.toFixed(1)} s (${setupCommands.toLocaleString("en-US")} commands)`,
  );
  t = performance.now();
  c = cpu();
  let lastTenth = 0;
  const r = await simulate(scenario, {
    network: net,
    keepSeries: false,
    // the final world hash is timed apart below
    finalHash: false,
    onProgress: (p) => {
      const tenth = Math.floor((p.step * 10) / p.steps);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        progress(`step ${p.step}/${p.steps} (block ${p.block}) at ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
    },
  });
  const runS = (performance.now() - t) / 1000;
  const runCpu = cpu() - c;
  t = performance.now();
  c = cpu();
  const hash = net.chain.hash();
  const hashS = (performance.now() - t) / 1000;
  const hashCpu = cpu() - c;
  const s = r.summary;
  const eth = (wei: string) => round(Number(BigInt(wei) / 10n ** 15n) / 1000, 6);
  return {
    operators: net.operators.length,
    avss: net.avss.length,
    stakers: net.stakers.length,
    lrt_holders: net.lrtHolders.length,
    loopers: net.loopers.length,
    setup_commands: setupCommands,
    blocks: s.blocks,
    steps: s.steps,
    run_commands: s.applied,
    run_reverted: s.reverted,
    build_s: round(buildS, 4),
    run_s: round(runS, 4),
    final_hash_s: round(hashS, 4),
    path_s: round(buildS + runS + hashS, 4),
    build_cpu_s: round(buildCpu, 4),
    run_cpu_s: round(runCpu, 4),
    final_hash_cpu_s: round(hashCpu, 4),
    path_cpu_s: round(buildCpu + runCpu + hashCpu, 4),
    ms_per_step: round((runS * 1000) / s.steps, 4),
    peak_rss_mb: mb(peakRss()),
    rss_after_build_mb: mb(rssBuilt),
    rss_start_mb: mb(rss0),
    heap_used_end_mb: mb(process.memoryUsage().heapUsed),
    slashed_eth: eth(s.slashed),
    stolen_eth: eth(s.stolen),
    bad_debt_eth: eth(s.badDebt),
    liquidations: s.liquidations,
    max_depeg: round(Math.max(0, ...Object.values(s.lrts).map((l) => l.maxDepeg)), 4),
    hash,
  };
}

export async function run(): Promise<Figures> {
  const loadStart = loadavg()[0]!;
  const figures = await measureInChild(fileURLToPath(import.meta.url));
  return { ...figures, load_1m_start: round(loadStart, 3), load_1m_end: round(loadavg()[0]!, 3) };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--measure") {
  process.stdout.write(`${JSON.stringify(await measure())}\n`);
}
