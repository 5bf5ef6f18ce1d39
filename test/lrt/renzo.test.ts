import { describe, expect, it } from "vitest";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import * as cviews from "../../src/core/eigenlayer/views.ts";
import { BPS, getLst } from "../../src/lrt/context.ts";
import { lstRate } from "../../src/lrt/lst.ts";
import { getRequest } from "../../src/lrt/queue.ts";
import * as renzo from "../../src/lrt/renzo.ts";
import { PAUSE } from "../../src/lrt/state.ts";
import * as views from "../../src/lrt/views.ts";
import { E, ethOf, NATIVE_ETH, reverts, type Setup, setup, slash, tokensOf, WAD } from "./harness.ts";

/**
 * Renzo ezETH (peers.md §B.5), by hand: TVL summed over operator delegators × tokens at the feeds' prices,
 * mint = supply·value/TVL, redeem = TVL·burned/supply, first-match deposit routing, the 86 460 s feed staleness,
 * claims of min(amount at request, amount at claim) after max(cooldown, risk-oracle cooldown), the reward fee.
 */

const DAY = 7_200n; // blocks of 12 s

function funded(): Setup & { u: `0x${string}`[] } {
  const s = setup("renzo", { params: { bufferTargets: [[NATIVE_ETH, E(50)]] } });
  return { ...s, u: s.users as `0x${string}`[] };
}

const tvlNow = (s: Setup) => renzo.tvl(s.c.w, s.rec(), s.c.block, s.c.timestamp).total;

describe("Renzo: minting against a live TVL", () => {
  it("mints supply·value/TVL and routes tokens to the first delegator under its target", () => {
    const s = funded();
    const [u0, u1, u2] = s.u as [`0x${string}`, `0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    expect(tokensOf(s, u0)).toBe(E(100)); // first mint 1:1
    // the withdraw buffer fills to its 50 ETH target first; the rest waits in the deposit queue
    expect(balanceOf(s.c.w.eigen, NATIVE_ETH, s.rec().accounts.queue)).toBe(E(50));
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(60) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(60) });
    // TVL 100, value 60 ⇒ 100·60/100
    expect(tokensOf(s, u1)).toBe(E(60));
    const [d0, d1] = s.rec().delegators;
    expect(cviews.withdrawableShares(s.c.w.eigen, d0!.address, s.strategies.steth!)).toBe(E(60));
    s.c.lrt(u2, { type: "lstSubmit", lst: "cbeth", amount: E(30) });
    s.c.lrt(u2, { type: "deposit", lrt: s.id, asset: s.lsts.cbeth!, amount: E(30) });
    // TVL 160: d0 holds 60 < 50 % · 160 = 80, so first-match routes to d0 again
    expect(tokensOf(s, u2)).toBe((E(160) * E(30)) / E(160));
    expect(cviews.withdrawableShares(s.c.w.eigen, d0!.address, s.strategies.cbeth!)).toBe(E(30));
    expect(cviews.stakerStrategies(s.c.w.eigen, d1!.address)).toEqual([]);
  });

  it("sees LST rewards only when its oracle updates the feeds, and then prices them by hand", () => {
    const s = funded();
    const [u0, u1] = s.u as [`0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(100) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
    s.c.advance(DAY);
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: E(101), penaltiesWei: 0n });
    expect(views.rate(s.c.w, s.id)).toBe(WAD); // the feed still says 1.0
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const price = lstRate(getLst(s.c.w, "steth"));
    const tvl = E(100) + (E(100) * price) / WAD;
    expect(tvlNow(s)).toBe(tvl);
    expect(views.rate(s.c.w, s.id)).toBe((tvl * WAD) / E(200));
    // the next mint is supply·value/TVL at that TVL
    const [, , u2] = s.u as [`0x${string}`, `0x${string}`, `0x${string}`];
    s.c.lrt(u2, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(10) });
    expect(tokensOf(s, u2)).toBe((E(200) * E(10)) / tvl);
  });

  it("reverts on a feed older than 86 460 s and when a delegator is not delegated", () => {
    const s = funded();
    const [u0, u1] = s.u as [`0x${string}`, `0x${string}`];
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(10) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(10) });
    s.c.advance(86_460n / 12n + 1n);
    reverts(s.c, u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(1) }, "OraclePriceExpired");
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(1) });
    // the operator force-undelegates delegator 0: calculateTVLs reverts
    s.c.core(s.operators[0]!, { type: "undelegate", staker: s.rec().delegators[0]!.address });
    reverts(s.c, u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(1) }, "DelegatorNotDelegated");
  });
});

describe("Renzo: the withdraw queue", () => {
  it("claims min(amount at request, amount at claim): a slash while queued is borne by the request", () => {
    const s = funded();
    const [u0, u1] = s.u as [`0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(100) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
    const t0 = tvlNow(s);
    const S0 = s.rec().supply;
    const id = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    const atRequest = (t0 * E(10)) / S0; // calculateRedeemAmount
    expect(getRequest(s.c.w, s.id, id).amountAtRequest).toBe(atRequest);
    expect(renzo.reserved(s.rec(), NATIVE_ETH)).toBe(atRequest);
    slash(s, s.operators[0]!, WAD / 10n); // the stETH delegator loses 5 %: TVL falls at once (live)
    const t1 = tvlNow(s);
    expect(t1 < t0).toBe(true);
    reverts(s.c, u0, { type: "claimWithdrawal", lrt: s.id, id }, "ClaimTooEarly");
    s.c.advance(7n * DAY);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const now = (tvlNow(s) * E(10)) / s.rec().supply;
    const before = ethOf(s, u0);
    const payout = s.c.lrt(u0, { type: "claimWithdrawal", lrt: s.id, id }).result.payout;
    expect(payout).toBe(now < atRequest ? now : atRequest);
    expect(payout).toBe(now);
    expect(ethOf(s, u0) - before).toBe(now);
    expect(renzo.reserved(s.rec(), NATIVE_ETH)).toBe(0n);
  });

  it("pays no gain made while queued, and the risk oracle can pause and lengthen the cooldown", () => {
    const s = funded();
    const [u0] = s.u as [`0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    const id = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    s.c.lrt(s.users[3]!, { type: "depositRewards", lrt: s.id, amount: E(10) }); // TVL +9 after the fee
    s.c.lrt(s.roles.riskOracle, {
      type: "riskOracleUpdate",
      lrt: s.id,
      pausedFlags: PAUSE.deposits,
      cooldownSeconds: 10n * 86_400n,
    });
    reverts(s.c, u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(1) }, "LrtPaused");
    s.c.advance(7n * DAY);
    reverts(s.c, u0, { type: "claimWithdrawal", lrt: s.id, id }, "ClaimTooEarly");
    s.c.advance(3n * DAY);
    const payout = s.c.lrt(u0, { type: "claimWithdrawal", lrt: s.id, id }).result.payout;
    expect(payout).toBe(E(10)); // min(10 at request, ≈10.9 now)
  });

  it("lets whitelisted holders claim at once unless instant withdrawals are paused", () => {
    const s = setup("renzo", { params: { bufferTargets: [[NATIVE_ETH, E(50)]] } });
    const [u0] = s.users as [`0x${string}`];
    s.c.lrt(s.roles.admin, { type: "setParams", lrt: s.id, params: { whitelist: [u0] } });
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    const a = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(1) }).result.id as bigint;
    s.c.lrt(u0, { type: "claimWithdrawal", lrt: s.id, id: a });
    const b = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(1) }).result.id as bigint;
    s.c.lrt(s.roles.riskOracle, {
      type: "riskOracleUpdate",
      lrt: s.id,
      pausedFlags: PAUSE.instantWithdrawals,
      cooldownSeconds: 0n,
    });
    reverts(s.c, u0, { type: "claimWithdrawal", lrt: s.id, id: b }, "ClaimTooEarly");
  });
});

describe("Renzo: fees", () => {
  it("takes feeBasisPoints of reward inflows in ETH, and nothing on a recovery of LST value", () => {
    const s = funded();
    const [u0, u1] = s.u as [`0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(100) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
    const t0 = tvlNow(s);
    s.c.lrt(s.users[3]!, { type: "depositRewards", lrt: s.id, amount: E(10) });
    const fee = (E(10) * 1_000n) / BPS;
    expect(ethOf(s, s.roles.treasury)).toBe(fee);
    expect(tvlNow(s)).toBe(t0 + E(10) - fee);
    // a loss, then the LST recovers: no fee is taken on the recovery (the fee is on inflows only)
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: 0n, penaltiesWei: E(100) });
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const low = tvlNow(s);
    s.c.advance(1n);
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: E(100), penaltiesWei: 0n });
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    expect(tvlNow(s) > low).toBe(true);
    expect(tokensOf(s, s.roles.treasury)).toBe(0n);
    expect(ethOf(s, s.roles.treasury)).toBe(fee);
  });
});
