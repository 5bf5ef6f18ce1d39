import { unsafeUniformIntDistribution } from "pure-rand/distribution/UnsafeUniformIntDistribution";
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { Address } from "../../core/eigenlayer/state.ts";
import type { SimNetwork } from "../network/types.ts";
import { DEFAULT_SLASH_POLICY, type FaultType, type Scenario } from "../scenario/types.ts";
import type { OpenRequest } from "./agents.ts";

/** A fraction as WAD, exactly for decimal inputs (0.03 → 3e16): floats never reach the engine unrounded. */
export function fractionWad(f: number): bigint {
  if (!(f >= 0 && f <= 1)) throw new RangeError(`fraction out of [0,1]: ${f}`);
  return BigInt(Math.round(f * 1e9)) * 10n ** 9n;
}

/**
 * The run's mutable bookkeeping beside the world: the seeded generator, cumulative tallies the metrics report, and
 * what the agents remember (who already exited, arbitrage inventory, open requests). Everything random comes from
 * `rng`, seeded by the path's seed, so a path is reproducible from (scenario, seed).
 */
export class RunContext {
  readonly net: SimNetwork;
  readonly scenario: Scenario;
  readonly rng: RandomGenerator;
  /** cumulative ETH (wei) */
  slashed = 0n;
  stolen = 0n;
  lossStakers = 0n;
  lossLrtHolders = 0n;
  /** ETH that left the beacon chain as slashing penalties */
  beaconPenalties = 0n;
  /** ETH-equivalent minted into the run by the timeline and agents (shock sellers, arbitrage capital) */
  injected = 0n;
  /** LRT holders who have exited (withdrawn or sold everything) */
  readonly exited = new Set<string>();
  /** the step's counters */
  liquidationsStep = 0;
  liquidatedValueStep = 0n;
  liquidations = 0;
  liquidatedValue = 0n;
  /** waits (blocks) of requests claimed this step, per LRT */
  readonly waitsStep = new Map<string, number[]>();
  /** notes the timeline leaves for the summary (an event that could not act, and why) */
  readonly notes: string[] = [];
  /** beacon validators already slashed (pod owner|index) */
  readonly slashedValidators = new Set<string>();
  private forgedNonce = 1_000_000_000n;
  /** withdrawal requests opened during the run and not yet claimed */
  open: OpenRequest[] = [];
  /** the LRTs' core unstakes in flight: `${lrt}|${root}` → block it matures, and its ETH value when queued */
  readonly unstakes = new Map<string, bigint>();
  readonly unstakeValue = new Map<string, bigint>();
  private readonly left = new Map<string, Address[]>();

  constructor(net: SimNetwork, scenario: Scenario, seed: number) {
    this.net = net;
    this.scenario = scenario;
    this.rng = xoroshiro128plus(seed >>> 0);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (n <= 0) return 0;
    return unsafeUniformIntDistribution(0, n - 1, this.rng);
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return unsafeUniformIntDistribution(0, 0x3fffffff, this.rng) / 0x40000000;
  }

  /** `k` distinct items drawn without replacement, in draw order (partial Fisher–Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const a = [...items];
    const n = Math.min(k, a.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(a.length - i);
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a.slice(0, n);
  }

  nextForgedNonce(): bigint {
    this.forgedNonce += 1n;
    return this.forgedNonce;
  }

  /** The fraction of allocated magnitude an AVS slashes for a fault (scenario overrides, else the network's, else the guides'). */
  slashFraction(avsId: string, fault: FaultType): number {
    const a = this.scenario.agents.avsPolicies;
    const o = a?.overrides?.[avsId]?.[fault];
    if (o !== undefined) return o;
    if (a?.default !== undefined) return a.default[fault];
    const avs = this.net.avss.find((x) => x.id === avsId);
    return avs?.slashPolicy[fault] ?? DEFAULT_SLASH_POLICY[fault];
  }

  private operatorIndex: Map<string, Address> | null = null;

  operatorAddress(id: string): Address {
    this.operatorIndex ??= new Map(this.net.operators.map((o) => [o.id, o.address]));
    const a = this.operatorIndex.get(id);
    if (a === undefined) throw new Error(`unknown operator ${id}`);
    return a;
  }

  /** Holders of the LRT who have not exited yet (a working list the fearful-holder agent draws from). */
  remaining(lrt: string): Address[] {
    let l = this.left.get(lrt);
    if (l === undefined) {
      l = this.net.lrtHolders
        .filter((h) => h.lrt === lrt && !this.exited.has(`${lrt}|${h.address}`))
        .map((h) => h.address);
      this.left.set(lrt, l);
    }
    return l;
  }

  addWait(lrt: string, blocks: number): void {
    const l = this.waitsStep.get(lrt);
    if (l === undefined) this.waitsStep.set(lrt, [blocks]);
    else l.push(blocks);
  }
}
