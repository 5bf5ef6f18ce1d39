import { describe, expect, it } from "vitest";
import {
  attackerFigures,
  INCIDENTS,
  loadIncident,
  lrtFigures,
  marketFigures,
  operatorsRunning,
  reserveState,
  runIncident,
} from "../../scenarios/incidents/figures.ts";
import { getLrt } from "../../src/lrt/context.ts";
import { userAccountData } from "../../src/markets/aave.ts";
import { buildNetwork } from "../../src/sim/network/build.ts";
import { networkNames } from "../../src/sim/network/names.ts";
import type { SimNetwork } from "../../src/sim/network/types.ts";
import { marketCtx } from "../../src/sim/run/read.ts";
import { isScenarioError } from "../../src/sim/scenario/errors.ts";
import { parseScenario } from "../../src/sim/scenario/parse.ts";
import type { Scenario } from "../../src/sim/scenario/types.ts";

/**
 * The incident library (scenarios/incidents): every scenario parses, runs with conservation asserted at every step
 * (shortened where a shorter run still shows the outcome), and its key qualitative outcomes hold. The calibration
 * figures themselves are in each README; these checks are what must stay true whatever the calibration.
 */

const E18 = 10n ** 18n;

/** The scenario cut to its first `blocks` blocks (events after them dropped). */
function shortened(s: Scenario, blocks: number): Scenario {
  return { ...s, run: { ...s.run, blocks }, timeline: s.timeline.filter((e) => e.at < blocks) };
}

const run = (s: Scenario) => runIncident(s, { checkConservation: true, security: false });

describe("incident library", () => {
  it("ships four scenarios that parse against their networks", () => {
    expect(INCIDENTS).toHaveLength(4);
    for (const name of INCIDENTS) expect(loadIncident(name).name).toBe(name);
  });

  it("ezeth-depeg-2024: the 0.86 market liquidates with some bad debt, the 0.77 market less, the trough under 0.9", async () => {
    const r = await run(loadIncident("ezeth-depeg-2024"));
    const m = marketFigures(r);
    const m86 = m["ezETH-86"]!;
    const m77 = m["ezETH-77"]!;
    expect(m86.liquidations).toBeGreaterThan(0);
    expect(m86.badDebt).toBeGreaterThan(0);
    expect(m77.repaid).toBeLessThan(m86.repaid);
    expect(m77.badDebt).toBeLessThan(m86.badDebt);
    const ez = lrtFigures(r).ezeth!;
    expect(1 - ez.maxDepeg).toBeLessThan(0.9);
    // withdrawals unavailable: nothing ever entered the queue
    expect(ez.requested).toBe(0);
  }, 60_000);

  it("rseth-bridge-2026: the bridge gap is the forged amount; after the freeze the lenders still carry the debt against it", async () => {
    const s = loadIncident("rseth-bridge-2026");
    const forged = s.timeline.reduce((a, e) => (e.event === "bridgeMint" ? a + e.amount : a), 0n);
    expect(forged).toBe(116_500n * E18);
    const r = await run(shortened(s, 1_500));
    expect(r.result.series.at(-1)?.lrts.rseth?.bridgeGap).toBe(forged);
    expect(BigInt(r.result.summary.stolen)).toBeGreaterThan(0n);
    // the freeze came after the borrowing: the reserve is frozen at LTV 0, the attacker's debt is still there
    expect(reserveState(r, "rsETH")).toEqual({ frozen: true, ltv: 0 });
    const a = attackerFigures(r);
    expect(a.collateral).toBeCloseTo(89_567, 0);
    expect(a.debt).toBeGreaterThan(80_000);
    expect(a.healthFactor).toBeGreaterThanOrEqual(1.01);
    expect(a.healthFactor).toBeLessThanOrEqual(1.03);
    // the sector-wide withdrawals: every LRT's queue took requests
    for (const [id, l] of Object.entries(lrtFigures(r))) expect(l.requested, id).toBeGreaterThan(0);
  }, 60_000);

  it("correlated-avs-cascade: exactly the client's operators are slashed, every LRT delegating to them loses value, and loopers pushed near HF 1 deleverage", async () => {
    const s = loadIncident("correlated-avs-cascade");
    const fault = s.timeline.find((e) => e.event === "fault");
    const client = fault?.event === "fault" ? fault.client : undefined;
    expect(client).toBeDefined();
    const r = await run(shortened(s, 1_200));
    // the operators a client bug must slash: those running the client that serve an AVS running it
    const served = new Set(
      r.net.avss.filter((a) => a.client === client).flatMap((a) => a.operatorSets.flatMap((o) => o.operators)),
    );
    const expected = operatorsRunning(r, client as string).filter((id) => served.has(id));
    expect(expected.length).toBeGreaterThan(0);
    expect(r.slashedOperators).toEqual(expected);
    const ids = new Map(r.net.operators.map((o) => [o.address, o.id]));
    const hit = new Set(r.slashedOperators);
    const lrts = lrtFigures(r);
    const w = { eigen: r.net.chain.world.eigen, lrt: r.net.chain.world.lrt };
    let exposed = 0;
    for (const l of r.net.lrts) {
      const delegatesToHit = getLrt(w, l.id).delegators.some((d) => hit.has(ids.get(d.operator) ?? ""));
      if (!delegatesToHit) continue;
      exposed++;
      expect(lrts[l.id]!.navPerTokenEnd, l.id).toBeLessThan(lrts[l.id]!.navPerTokenStart);
    }
    expect(exposed).toBeGreaterThan(1);
    expect(BigInt(r.result.summary.losses.lrtHolders)).toBeGreaterThan(0n);
    // the loopers the slash pushes under their threshold on the lending pool deleverage (they withdraw only what the
    // position can spare), so some debts fall below where they started, and none of them is liquidated
    const debt = (n: SimNetwork, i: number) =>
      userAccountData(n.chain.world.markets, marketCtx(n), n.loopers[i]!.address).totalDebtBase;
    const built = buildNetwork(s.network, s.seed);
    const delevered = r.net.loopers.filter((lp, i) => lp.market === "aave" && debt(r.net, i) < debt(built, i));
    expect(delevered.length).toBeGreaterThan(0);
    expect(marketFigures(r).aave?.liquidations).toBe(0);
  }, 60_000);

  it("points-exit: queues and waits grow, and ezETH depegs", async () => {
    const r = await run(shortened(loadIncident("points-exit"), 9_000));
    const lrts = lrtFigures(r);
    const queued = Object.values(lrts).filter((l) => l.queueMax > 0);
    expect(queued.length).toBeGreaterThanOrEqual(4);
    // the requests outgrow what the buffers pay: the queue at the end is longer than after the first wave
    const first = r.result.series.find((m) => m.block >= Number(r.net.startBlock) + 300);
    const last = r.result.series.at(-1)!;
    expect(last.lrts.eeth!.queueCount).toBeGreaterThan(first?.lrts.eeth?.queueCount ?? 0);
    // and the requests wait longer and longer: the oldest still waiting grows step after step, the mean too
    const oldest = r.trace.map((t) => t.oldestAge.eeth ?? 0).slice(1);
    for (let i = 1; i < oldest.length; i++) expect(oldest[i]).toBeGreaterThan(oldest[i - 1] as number);
    expect(r.trace.at(-1)?.openAge.eeth).toBeGreaterThan(r.trace[2]?.openAge.eeth ?? 0);
    expect(lrts.ezeth!.maxDepeg).toBeGreaterThan(0);
  }, 60_000);

  it("explicit networks bridge supply to L2s, and a bad bridged chain is one clear error", () => {
    const bridged = (chains: string) => `name: bridged
network:
  explicit:
    operators: [{ id: a }]
    avss: []
    lrts:
      - { id: rseth, delegators: [{ operator: a, weightBps: 10000 }], deposits: 100, holders: 1, bridges: ${chains} }
run: { blocks: 10 }
timeline:
  - { at: 1, event: bridgeMint, lrt: rseth, chain: unichain, amount: 5 }
`;
    const parse = (text: string) => {
      try {
        return loadIncidentText(text);
      } catch (e) {
        if (isScenarioError(e)) return e;
        throw e;
      }
    };
    expect(isScenarioError(parse(bridged("[{ chain: unichain, amount: 10 }]")))).toBe(false);
    const upper = parse(bridged("[{ chain: Unichain, amount: 10 }]"));
    expect(isScenarioError(upper) && upper.path).toBe("network.explicit.lrts[0].bridges[0].chain");
    const twice = parse(bridged("[{ chain: unichain, amount: 10 }, { chain: unichain, amount: 1 }]"));
    expect(isScenarioError(twice) && twice.message).toMatch(/bridged twice/);
    const none = parse(bridged("[]"));
    expect(isScenarioError(none) && none.code).toBe("ScenarioReference");
  });
});

function loadIncidentText(text: string): Scenario {
  return parseScenario(text, { file: "bridged.yaml", names: networkNames });
}
