import { Presets, SingleBar } from "cli-progress";
import { Command } from "commander";
import { unsafeUniformIntDistribution } from "pure-rand/distribution/UnsafeUniformIntDistribution";
import { xoroshiro128plus } from "pure-rand/generator/XoroShiro";
import { isProtocolError } from "../src/core/shared/errors.ts";
import { buildNetwork } from "../src/sim/network/build.ts";
import type { SimNetwork } from "../src/sim/network/types.ts";
import { simulate } from "../src/sim/run/simulate.ts";
import type { FaultType, Scenario, TimelineEvent } from "../src/sim/scenario/types.ts";

/**
 * `npm run soak:sim`: a fuzz of the simulation lab. Each round draws a random timeline (every event type, random
 * targets and sizes) and random agent settings on the `small` preset, and runs it with conservation asserted at every
 * step. A protocol revert is an ordinary outcome; anything else — an InvariantViolation above all — fails the soak
 * and prints the round's seed and scenario, which reproduce it exactly. The network is built once and each round
 * runs inside a journal mark that is rolled back, as Monte Carlo does, so the world hash after every round must
 * equal the hash before the first (checked).
 */

const program = new Command()
  .name("soak:sim")
  .description("fuzz the simulation lab: random timelines and agents, conservation asserted at every step")
  .option("--rounds <n>", "random scenarios to run", "300")
  .option("--seed <n>", "base seed", "20261121");
program.parse(process.argv);
const flags = program.opts<{ rounds: string; seed: string }>();
const rounds = Number(flags.rounds);
const base = Number(flags.seed);

const E18 = 10n ** 18n;
const FAULTS: FaultType[] = ["doubleSign", "downtime", "invalidStateTransition"];

function randomScenario(seed: number, net: SimNetwork): Scenario {
  const rng = xoroshiro128plus(seed);
  const int = (n: number) => unsafeUniformIntDistribution(0, n - 1, rng);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const frac = () => int(1001) / 1000;
  const blocks = 200 + int(400);
  const lrts = net.lrts.map((l) => l.id);
  const withPool = net.lrts.filter((l) => l.pool !== undefined);
  const events: TimelineEvent[] = [];
  const n = 3 + int(8);
  for (let i = 0; i < n; i++) {
    const at = int(blocks);
    const kind = int(10);
    const lrt = pick(lrts);
    const l = net.lrts.find((x) => x.id === lrt)!;
    switch (kind) {
      case 0:
        events.push({
          at,
          event: "avsSlash",
          avs: pick(net.avss).id,
          operators: { random: 1 + int(3) },
          fraction: frac(),
        });
        break;
      case 1:
        events.push({ at, event: "fault", fault: pick(FAULTS), client: pick(net.avss).client });
        break;
      case 2:
        events.push({ at, event: "fault", fault: pick(FAULTS), operators: { random: 1 + int(3) } });
        break;
      case 3:
        events.push({ at, event: "beaconSlash", validators: 1 + int(4), penalty: BigInt(1 + int(32)) * E18 });
        break;
      case 4:
        events.push({ at, event: "lrtExploit", lrt, fraction: frac() });
        break;
      case 5:
        if (l.bridges.length > 0) {
          const b = pick(l.bridges);
          events.push({
            at,
            event: "bridgeMint",
            lrt,
            chain: b.chain,
            amount: BigInt(1 + int(200)) * E18,
            borrowToHf: int(2) === 0 ? 0 : 1.01 + int(20) / 100,
          });
        }
        break;
      case 6:
        if (withPool.length > 0)
          events.push({ at, event: "depeg", lrt: pick(withPool).id, toPrice: 0.5 + int(50) / 100 });
        break;
      case 7:
        events.push({ at, event: "massWithdrawal", ...(int(2) === 0 ? { lrt } : {}), fraction: frac() });
        break;
      case 8: {
        const oracles = net.lrts
          .flatMap((x) => [x.dexOracle, x.rateOracle])
          .filter((o): o is string => o !== undefined);
        if (oracles.length > 0)
          events.push({ at, event: "oracle", oracle: pick(oracles), action: pick(["freeze", "unfreeze"] as const) });
        break;
      }
      default:
        if (int(2) === 0 && net.aaveAssets.length > 0)
          events.push({
            at,
            event: "params",
            target: { aaveReserve: pick(net.aaveAssets) },
            freeze: int(2) === 0,
            ltv: int(2) === 0 ? 0 : frac() * 0.9,
          });
        else events.push({ at, event: "params", target: { lrt }, pause: int(2) === 0 });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return {
    name: `fuzz-${seed}`,
    seed: 7,
    network: { preset: "small", params: {} },
    run: { blocks, step: 1 + int(30), security: false, checkConservation: true },
    timeline: events,
    agents: {
      fearfulStakers: {
        threshold: frac() / 10,
        perStep: frac() / 4,
        action: pick(["withdraw", "sell", "mixed"] as const),
      },
      arbitrageurs: { capital: BigInt(1 + int(500)) * E18, count: 1 + int(3), minDiscount: frac() / 20 },
      liquidators: { minProfit: 0n },
      loopers: { unwindBelowHf: 1 + frac() / 5 },
    },
  };
}

const net = buildNetwork({ preset: "small", params: {} }, 7);
const journal = net.chain.world.eigen.journal;
const hash0 = net.chain.hash();
const bar = new SingleBar({ format: "sim fuzz [{bar}] {value}/{total} rounds | ETA {eta}s" }, Presets.shades_classic);
const tty = process.stderr.isTTY === true;
if (tty) bar.start(rounds, 0);
let reverted = 0;
let applied = 0;
const t0 = performance.now();
for (let i = 0; i < rounds; i++) {
  const seed = (base + i) >>> 0;
  const scenario = randomScenario(seed, net);
  const mark = journal.begin();
  try {
    const r = await simulate(scenario, { network: net, seed, keepSeries: false });
    reverted += r.summary.reverted;
    applied += r.summary.applied;
  } catch (e) {
    if (tty) bar.stop();
    const kind = isProtocolError(e)
      ? "an unexpected protocol error escaped the runner"
      : "an invariant or runtime failure";
    console.error(`round ${i} (seed ${seed}): ${kind}: ${(e as Error).stack ?? String(e)}`);
    console.error(JSON.stringify(scenario, (_k, v) => (typeof v === "bigint" ? `${v}n` : v), 1));
    process.exit(1);
  } finally {
    journal.rollback(mark);
  }
  if (net.chain.hash() !== hash0) {
    console.error(`round ${i} (seed ${seed}): the world hash changed after rollback`);
    process.exit(1);
  }
  if (tty) bar.increment();
}
if (tty) bar.stop();
console.log(
  `sim fuzz passed: ${rounds} random scenarios on the small preset, conservation asserted at every step, ${applied} commands applied, ${reverted} reverted, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
