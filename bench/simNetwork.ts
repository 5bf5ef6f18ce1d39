import { fileURLToPath } from "node:url";
import { buildNetwork } from "../src/sim/network/build.ts";
import { networkShape } from "../src/sim/network/stats.ts";
import type { PresetName } from "../src/sim/scenario/types.ts";
import { type Figures, progress, round } from "./lib.ts";
import { mb, measureInChild, peakRss } from "./sim-lib.ts";

/**
 * Building a preset network through commands: wall time and peak RSS of `buildNetwork(preset, seed 1)`, with what
 * was built. Each preset is measured in its own child process, so the peak RSS is the build's alone (plus node and
 * the loaded modules, ≈ 120 MB). `npx tsx bench/simNetwork.ts --measure mainnet-2026` measures one preset here.
 */

export const name = "sim-network";
export const description = "buildNetwork for the small, mid and mainnet-2026 presets: time and peak RSS";

export interface NetworkBuildFigures {
  ms: number;
  peakRssMb: number;
  operators: number;
  avss: number;
  stakers: number;
  lrtHolders: number;
  loopers: number;
  /** commands applied by the build */
  commands: number;
  validators: number;
  /** delegated stake held by the 7 largest operators, and the LRTs' share of restaked ETH */
  top7: number;
  lrtShare: number;
}

/** Builds a preset in this process and measures it (the peak RSS is this process's so far). */
export function measureNetworkBuild(preset: PresetName, seed = 1): NetworkBuildFigures {
  const t0 = performance.now();
  const net = buildNetwork({ preset, params: {} }, seed);
  const ms = performance.now() - t0;
  const peak = peakRss();
  const shape = networkShape(net);
  return {
    ms: Math.round(ms),
    peakRssMb: mb(peak),
    operators: net.operators.length,
    avss: net.avss.length,
    stakers: net.stakers.length,
    lrtHolders: net.lrtHolders.length,
    loopers: net.loopers.length,
    commands: net.chain.applied,
    validators: net.chain.world.eigen.validators.size,
    top7: round(shape.topShare(7), 3),
    lrtShare: round(shape.lrtShare, 3),
  };
}

const PRESETS: PresetName[] = ["small", "mid", "mainnet-2026"];

export async function run(): Promise<Figures> {
  const out: Figures = {};
  for (const preset of PRESETS) {
    progress(`building ${preset} in a child process`);
    const f = await measureInChild(fileURLToPath(import.meta.url), [preset]);
    for (const [k, v] of Object.entries(f)) out[`${preset}_${k}`] = v;
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--measure") {
  const preset = (process.argv[3] ?? "small") as PresetName;
  process.stdout.write(`${JSON.stringify(measureNetworkBuild(preset))}\n`);
}
