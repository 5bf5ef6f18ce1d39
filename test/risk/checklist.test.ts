import { beforeAll, describe, expect, it } from "vitest";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { toPlainJson } from "../../src/core/shared/codec.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { getLrt } from "../../src/lrt/context.ts";
import { role } from "../../src/lrt/demo.ts";
import { PAUSE } from "../../src/lrt/state.ts";
import { listLrts } from "../../src/lrt/views.ts";
import {
  CHECKLIST_THRESHOLDS,
  type ChecklistItem,
  type ChecklistKey,
  type LrtChecklist,
  lrtChecklist,
  SEVERITIES,
} from "../../src/risk/checklist.ts";
import { exposureStack } from "../../src/risk/exposure.ts";
import { buildRiskDemoWorld, type RiskDemo } from "../../src/risk/exposureWorld.ts";
import { handWorld } from "./exposureHarness.ts";

const E = (n: bigint | number) => BigInt(n) * WAD;
const KEYS: ChecklistKey[] = [
  "restaked",
  "avs",
  "slashing",
  "operators",
  "deployment",
  "redemption",
  "yield",
  "leverage",
  "audit",
];
const item = (c: LrtChecklist, key: ChecklistKey): ChecklistItem => c.items.find((i) => i.key === key)!;
const rank = (s: string) => SEVERITIES.indexOf(s as never);

describe("LRT checklist on the demo world", () => {
  let demo: RiskDemo;
  let all: Map<string, LrtChecklist>;
  beforeAll(() => {
    demo = buildRiskDemoWorld();
    all = new Map(listLrts(demo.demo.chain.w).map((id) => [id, lrtChecklist(demo.world, id)]));
  });

  it("answers the guide's questions in order for every LRT, the worst item giving the overall severity", () => {
    expect([...all.keys()]).toEqual(["eeth", "ezeth", "pufeth", "rseth", "rsweth"]);
    for (const c of all.values()) {
      expect(c.items.map((i) => i.key)).toEqual(KEYS);
      expect(rank(c.severity)).toBe(Math.max(...c.items.map((i) => rank(i.severity))));
      for (const i of c.items) {
        expect(i.question.length).toBeGreaterThan(10);
        expect(SEVERITIES).toContain(i.severity);
        // every finding names its severity; the item's severity is the worst of them
        const fs = i.findings.filter((f) => /^\[(low|medium|high|critical)\]/.test(f));
        if (i.severity !== "info") expect(fs.some((f) => f.startsWith(`[${i.severity}]`))).toBe(true);
      }
      expect(item(c, "audit").computed).toBe(false);
      expect(c.thresholds).toBe(CHECKLIST_THRESHOLDS);
    }
  });

  it("what is restaked: ether.fi restakes native ETH and stETH, Swell nothing yet", () => {
    const e = item(all.get("eeth")!, "restaked");
    expect(e.data).toMatchObject({ native: true, lsts: ["stETH"] });
    expect(e.severity).toBe("low");
    const sw = item(all.get("rsweth")!, "restaked");
    expect(sw.data.restakedValue).toBe(0n);
    expect(sw.severity).toBe("info");
    expect(item(all.get("rsweth")!, "avs").severity).toBe("info");
  });

  it("AVSs and slashing: the numbers agree with a holder's exposure stack", () => {
    const c = all.get("pufeth")!;
    const s = item(c, "slashing").data as { allAtOnce: { lossEth: bigint }; worstEvent: { lossEth: bigint } };
    expect(s.allAtOnce.lossEth).toBeGreaterThan(s.worstEvent.lossEth);
    const avs = item(c, "avs").data as { avss: { maxLossEth: bigint }[] };
    expect(avs.avss).toHaveLength(1);
    expect(avs.avss[0]!.maxLossEth).toBe(s.allAtOnce.lossEth);
    // Kelp's 1 % price guard holds the rate until the admin lifts it
    expect(item(all.get("rseth")!, "slashing").findings.join()).toMatch(/pricePercentageLimit/);
    // ether.fi takes hundreds of −3 bps reports to recognise its worst event
    expect(item(all.get("eeth")!, "slashing").findings.join()).toMatch(/oracle reports/);
  });

  it("operators: Renzo's deposits all went to one operator", () => {
    const o = item(all.get("ezeth")!, "operators");
    expect(o.severity).toBe("high");
    expect(o.data.largestShareBps).toBe(10_000n);
  });

  it("deployment: two thirds of weETH on Arbitrum behind a 1-of-1 verifier; Puffer L1 only", () => {
    const d = item(all.get("eeth")!, "deployment");
    expect(d.severity).toBe("high");
    expect(
      (d.data.routes as { chain: string; verifierModel: string }[]).map((r) => [r.chain, r.verifierModel]),
    ).toEqual([["arbitrum", "1-of-1"]]);
    expect(item(all.get("pufeth")!, "deployment").severity).toBe("info");
  });

  it("redemption: queue, backlog, caps and paths", () => {
    const r = item(all.get("eeth")!, "redemption");
    expect(r.data.pending).toBe(1);
    expect((r.data.caps as { maxFinalizedPerDay: bigint }).maxFinalizedPerDay).toBe(E(100_000));
    expect((r.data.paths as { path: string }[]).map((p) => p.path)).toContain("ether.fi instant redemption");
    const k = item(all.get("rseth")!, "redemption");
    expect(k.summary).toMatch(/8\.0 days/);
  });

  it("yield: slashable stake with no AVS rewards funded is unpaid risk", () => {
    const y = item(all.get("eeth")!, "yield");
    expect(y.severity).toBe(CHECKLIST_THRESHOLDS.yield.unpaidRisk);
    expect(y.data.points).toMatch(/no points/);
  });

  it("leverage: weETH loops in e-mode up to 14.28×, ezETH on Morpho; Kelp is not listed", () => {
    const l = item(all.get("eeth")!, "leverage");
    expect(l.severity).toBe("high");
    expect(l.data.maxLoopLeverage).toBe(14_285_714_285_714_285_714n);
    expect((l.data.borrowers as { account: string }[]).map((b) => b.account).sort()).toEqual(
      [demo.accounts.alice, demo.accounts.carol, demo.accounts.lender].sort(),
    );
    const ez = item(all.get("ezeth")!, "leverage").data.listings as { venue: string }[];
    expect(ez.map((x) => x.venue)).toEqual(["aave", "morpho", "morpho"]);
    expect(item(all.get("rseth")!, "leverage").severity).toBe("info");
  });

  it("serialises to plain JSON", () => {
    const text = toPlainJson(all.get("eeth"));
    expect(JSON.parse(text).items).toHaveLength(9);
    expect(text).not.toMatch(/\d+n"/);
  });
});

describe("LRT checklist: thresholds on worlds built for them", () => {
  it("a hand-built Renzo LRT: 40 % of NAV slashable by one AVS, 30 % by one event, two operators 60/40", () => {
    const h = handWorld();
    const c = lrtChecklist(h.world, h.lrt);
    expect(c.nav).toBe(E(100));
    const s = item(c, "slashing").data as {
      worstEvent: { lossEth: bigint; lossShareBps: bigint };
      allAtOnce: { lossEth: bigint };
    };
    expect(s.worstEvent.lossEth).toBe(E(30));
    expect(s.allAtOnce.lossEth).toBe(E(40));
    // the exposure stack of the holder of every token says the same
    const stack = exposureStack(h.world, h.holder);
    expect(stack.totals.worstEventLossEth).toBe(E(30));
    expect(stack.allAtOnce.lossEth).toBe(E(40));
    expect(item(c, "avs").severity).toBe("medium"); // 40 % ≥ 20 %, < 50 %
    expect(item(c, "slashing").severity).toBe("high"); // all at once 40 % ≥ 25 %; one event 30 % ≥ 25 %
    const o = item(c, "operators");
    expect(o.data).toMatchObject({ largestShareBps: 6_000n, hhi: 5_200n });
    expect(o.severity).toBe("medium");
  });

  it("a redistributing operator set raises slashing to at least medium", () => {
    const h = handWorld({ redistribute: true });
    const s = item(lrtChecklist(h.world, h.lrt), "slashing");
    expect(s.findings.join()).toMatch(/redistributes slashed funds/);
  });

  it("unbacked supply from a forged bridge message is critical", () => {
    const demo = buildRiskDemoWorld();
    const c = demo.demo.chain;
    const forged = E(116_500) / 1000n;
    c.lrt(demo.demo.verifier, {
      type: "bridgeIn",
      lrt: "rseth",
      fromChain: "ethereum",
      toChain: "unichain",
      nonce: 99n,
      to: role("attacker"),
      amount: forged,
    });
    const d = item(lrtChecklist(demo.world, "rseth"), "deployment");
    expect(d.severity).toBe("critical");
    expect(d.data.unbacked).toBe(forged);
  });

  it("paused withdrawals are critical", () => {
    const demo = buildRiskDemoWorld();
    const c = demo.demo.chain;
    const rec = getLrt(c.w, "ezeth");
    c.lrt(rec.roles.pauser, { type: "pause", lrt: "ezeth", flags: PAUSE.withdrawRequests });
    const r = item(lrtChecklist(demo.world, "ezeth"), "redemption");
    expect(r.severity).toBe("critical");
    expect(r.findings[0]).toMatch(/withdrawals are paused/);
  });

  it("AVS rewards funded in stETH count as real yield", () => {
    const h = handWorld({ params: { genesisRewardsTimestamp: 0n, maxRetroactiveLength: 86_400n } });
    h.c.advance(7_300n);
    const steth = h.c.w.lrt.lsts.get("steth")!.token;
    h.c.fund(h.avs, E(100));
    h.c.lrt(h.avs, { type: "lstSubmit", lst: "steth", amount: E(20) });
    const start = (h.c.timestamp / 86_400n) * 86_400n;
    h.c.core(h.avs, {
      type: "createAVSRewardsSubmission",
      rewardsSubmissions: [
        {
          strategiesAndMultipliers: [{ strategy: h.strategies.steth!, multiplier: WAD }],
          token: steth,
          amount: E(10),
          startTimestamp: start,
          duration: 10n * 86_400n,
        },
      ],
    });
    const y = item(lrtChecklist(h.world, h.lrt), "yield");
    expect(y.severity).toBe("info");
    const rewards = y.data.avsRewards as { token: string; perYear: bigint; perYearEth: bigint | null }[];
    expect(rewards).toHaveLength(1);
    expect(rewards[0]!.perYear).toBe(E(365));
    expect(rewards[0]!.perYearEth).toBe(E(365)); // stETH at exactly 1 ETH in this world
    expect(y.data.avsRewardsPerYearEth).toBe(E(365));
    expect(NATIVE_ETH).not.toBe(steth);
  });
});
