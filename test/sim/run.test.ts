import { describe, expect, it } from "vitest";
import { WAD } from "../../src/core/shared/math.ts";
import { NO_SLASH, scenarioOf, slashEvents } from "../../src/risk/exposureCore.ts";
import { LrtModel, unitValue } from "../../src/risk/exposureLrt.ts";
import { buildNetwork } from "../../src/sim/network/build.ts";
import { RunContext } from "../../src/sim/run/context.ts";
import { applyEvent } from "../../src/sim/run/events.ts";
import { simulate } from "../../src/sim/run/simulate.ts";
import type { Scenario } from "../../src/sim/scenario/types.ts";

const E18 = 10n ** 18n;

function scenario(over: Partial<Scenario> = {}): Scenario {
  return {
    name: "test",
    seed: 7,
    network: { preset: "small", params: {} },
    run: { blocks: 600, step: 25, security: false, checkConservation: true },
    timeline: [],
    agents: {},
    ...over,
  };
}

/** Every event type and every agent, conservation asserted at every step. */
const busy = (): Scenario =>
  scenario({
    timeline: [
      { at: 10, event: "fault", fault: "downtime", operators: { random: 2 } },
      { at: 40, event: "depeg", lrt: "ezeth", toPrice: 0.9 },
      { at: 60, event: "oracle", oracle: "ezETH-dex", action: "freeze" },
      { at: 80, event: "massWithdrawal", lrt: "rseth", fraction: 0.2 },
      { at: 100, event: "beaconSlash", validators: 1, penalty: 1n * E18 },
      { at: 120, event: "lrtExploit", lrt: "ezeth", fraction: 0.1 },
      { at: 150, event: "bridgeMint", lrt: "rseth", chain: "unichain", amount: 20n * E18, borrowToHf: 1.02 },
      { at: 200, event: "params", target: { aaveReserve: "rsETH" }, freeze: true, ltv: 0 },
      { at: 220, event: "avsSlash", avs: "avs-0", operators: { random: 1 }, fraction: 0.5 },
      { at: 300, event: "oracle", oracle: "ezETH-dex", action: "unfreeze" },
      { at: 320, event: "params", target: { lrt: "ezeth" }, pause: true },
    ],
    agents: {
      fearfulStakers: { threshold: 0.02, perStep: 0.1, action: "mixed" },
      arbitrageurs: { capital: 200n * E18, count: 2, minDiscount: 0.01 },
      liquidators: { minProfit: 0n },
      loopers: { unwindBelowHf: 1.05 },
      avsPolicies: { default: { doubleSign: 1, downtime: 0.03, invalidStateTransition: 0.5 } },
    },
  });

describe("simulate", () => {
  it("a depeg shock without arbitrageurs brings the pool to the target price, and panic selling deepens it", async () => {
    const calm = await simulate(
      scenario({
        timeline: [{ at: 5, event: "depeg", lrt: "ezeth", toPrice: 0.9 }],
        run: { blocks: 50, step: 10, security: false, checkConservation: true },
      }),
    );
    expect(calm.summary.lrts.ezeth?.maxDepeg).toBeCloseTo(0.1, 3);
    const panic = await simulate(
      scenario({
        timeline: [{ at: 5, event: "depeg", lrt: "ezeth", toPrice: 0.9 }],
        run: { blocks: 50, step: 10, security: false, checkConservation: true },
        agents: { fearfulStakers: { threshold: 0.05, perStep: 0.2, action: "sell" } },
      }),
    );
    expect(panic.summary.lrts.ezeth?.maxDepeg).toBeGreaterThan(0.2);
  }, 60_000);

  it("conserves ETH and every market asset at every step, through every event type and agent", async () => {
    const r = await simulate(busy());
    expect(r.series.length).toBe(24);
    expect(BigInt(r.summary.slashed)).toBeGreaterThan(0n);
    expect(BigInt(r.summary.stolen)).toBeGreaterThan(0n);
    // the arbitrageurs buy the dip back to within their minimum discount
    expect(r.summary.lrts.ezeth?.maxDepeg).toBeGreaterThan(0.009);
    expect(r.summary.liquidations).toBeGreaterThan(0);
    expect(BigInt(r.summary.lrts.rseth?.maxBridgeGap ?? "0")).toBe(20n * E18);
  }, 120_000);

  it("is deterministic: the same seed gives the same hash and series; another seed differs", async () => {
    const a = await simulate(busy(), { seed: 3 });
    const b = await simulate(busy(), { seed: 3 });
    const c = await simulate(busy(), { seed: 4 });
    expect(a.summary.hash).toBe(b.summary.hash);
    expect(JSON.stringify(a.series, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).toBe(
      JSON.stringify(b.series, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    expect(c.summary.hash).not.toBe(a.summary.hash);
  }, 120_000);

  it("a correlated fault slashes exactly the operators running the client, and moves each LRT by the look-through amount the risk engine predicts", () => {
    const net = buildNetwork({ preset: "small", params: {} }, 11);
    const rc = new RunContext(net, scenario(), 1);
    const client = net.avss[0]!.client;
    const running = new Set(net.operators.filter((o) => o.clients.includes(client)).map((o) => o.address));
    const avsOf = new Set(net.avss.filter((a) => a.client === client).map((a) => a.address));
    expect(running.size).toBeGreaterThan(0);
    const s = net.chain.world.eigen;
    const lw = { eigen: s, lrt: net.chain.world.lrt };
    net.chain.advance(1n);
    const block = net.chain.block;
    // the risk engine's prediction: every (operator set, operator) of the client's AVSs slashed in full
    const events = slashEvents(s, block).filter((e) => avsOf.has(e.avs) && running.has(e.operator));
    const sc = scenarioOf(s, events);
    const predicted = new Map(
      net.lrts.map((l) => [l.id, unitValue(new LrtModel(lw, l.id, block, net.chain.timestamp).recognise(sc), WAD)]),
    );
    const slashedOps = new Set<string>();
    const off = net.chain.onApply((e) => {
      if (e.command.layer === "eigen" && e.command.command.type === "slashOperator")
        slashedOps.add(e.command.command.operator);
    });
    applyEvent(rc, { at: 0, event: "fault", fault: "doubleSign", client });
    off();
    expect(slashedOps).toEqual(new Set(events.map((e) => e.operator)));
    for (const l of net.lrts) {
      const after = unitValue(new LrtModel(lw, l.id, block, net.chain.timestamp).recognise(NO_SLASH), WAD);
      expect(after, l.id).toBe(predicted.get(l.id));
    }
    expect(rc.slashed).toBeGreaterThan(0n);
  }, 60_000);
});
