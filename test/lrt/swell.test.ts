import { describe, expect, it } from "vitest";
import { BPS } from "../../src/lrt/context.ts";
import { getRequest } from "../../src/lrt/queue.ts";
import * as swell from "../../src/lrt/swell.ts";
import { E, NATIVE_ETH, reverts, type Setup, setup, slash, tokensOf, WAD } from "./harness.ts";

/**
 * Swell rswETH (peers.md §B.9), by hand: R = preRewardReserves + newRewards, feeRsw = S·(newRewards·f)/(R − newRewards·f)
 * minted by dilution, rate = R/(S + feeRsw), the minimum reprice interval and maximum rate move, and rswEXIT's
 * min(processedRate, rateWhenCreated).
 */

const u = (s: Setup, i: number) => s.users[i]! as `0x${string}`;
const GWEI = 10n ** 9n;
const HALF_DAY = 3_600n; // blocks of 12 s

function staked(): Setup {
  const s = setup("swell");
  s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
  s.c.lrt(s.roles.manager, { type: "stakeNative", lrt: s.id, delegator: 0n, validators: 2n });
  s.c.advance(1n);
  s.c.core(s.c.w.eigen.params.beaconReporter, {
    type: "verifyWithdrawalCredentials",
    podOwner: s.rec().delegators[0]!.address,
    validators: [0n, 1n].map((i) => ({ validatorIndex: i, effectiveBalanceGwei: 32n * GWEI })),
  });
  return s;
}

function checkpoint(s: Setup, gwei: bigint): void {
  s.c.advance(1n);
  s.c.lrt(s.roles.manager, { type: "startCheckpoint", lrt: s.id, delegator: 0n });
  s.c.core(s.c.w.eigen.params.beaconReporter, {
    type: "verifyCheckpointProofs",
    podOwner: s.rec().delegators[0]!.address,
    balances: [0n, 1n].map((i) => ({ validatorIndex: i, balanceGwei: gwei })),
  });
}

function expectedReprice(pre: bigint, live: bigint, S: bigint, fBps: bigint) {
  const newRewards = live - pre;
  const feeRsw = newRewards > 0n ? (S * newRewards * fBps) / (live * BPS - newRewards * fBps) : 0n;
  return { newRewards, feeRsw, rate: (live * WAD) / (S + feeRsw) };
}

describe("Swell: reprice", () => {
  it("mints the fee by dilution: feeRsw = S·(r·f)/(R − r·f), rate = R/(S + feeRsw)", () => {
    const s = staked();
    expect(tokensOf(s, u(s, 0))).toBe(E(100));
    checkpoint(s, 32n * GWEI + 250_000_000n); // +0.5 ETH
    s.c.advance(HALF_DAY);
    const want = expectedReprice(E(100), E(100) + E(1) / 2n, E(100), 1_000n);
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r).toMatchObject({
      preRewardReserves: E(100),
      newRewards: want.newRewards,
      feeRsw: want.feeRsw,
      newRate: want.rate,
    });
    expect(tokensOf(s, s.roles.nodeOperatorRewards)).toBe((want.feeRsw * 500n) / 1_000n);
    expect(tokensOf(s, s.roles.treasury)).toBe(want.feeRsw - (want.feeRsw * 500n) / 1_000n);
    // deposits now mint eth/rate
    s.c.lrt(u(s, 1), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(10) });
    expect(tokensOf(s, u(s, 1))).toBe((E(10) * WAD) / want.rate);
  });

  it("refuses a reprice sooner than minimumRepriceTime or moving the rate more than maxRepriceDiff", () => {
    const s = staked();
    reverts(s.c, s.roles.oracle, { type: "report", lrt: s.id }, "ReportTooSoon");
    checkpoint(s, 33n * GWEI); // +2 ETH = +2 %
    s.c.advance(HALF_DAY);
    reverts(s.c, s.roles.oracle, { type: "report", lrt: s.id }, "RepriceDifferenceTooLarge");
  });

  it("charges the fee on a recovery after a loss, measured from the reduced reserves", () => {
    const s = staked();
    slash(s, s.operators[0]!, WAD / 100n); // −0.5 % of 64 ETH = −0.32 ETH
    s.c.advance(HALF_DAY);
    const loss = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(loss.feeRsw).toBe(0n);
    const low = swell.rate(s.rec());
    expect(low < WAD).toBe(true);
    checkpoint(s, 32n * GWEI + 150_000_000n); // beacon rewards bring value back near 100
    s.c.advance(HALF_DAY);
    const pre = swell.book(s.rec()).reserves;
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r.preRewardReserves).toBe(pre);
    expect((r.feeRsw as bigint) > 0n).toBe(true);
    expect(r.newRate).toBe(expectedReprice(pre, r.reserves as bigint, E(100), 1_000n).rate);
  });
});

describe("Swell: rswEXIT", () => {
  it("pays amount·min(processedRate, rateWhenCreated): a loss while queued is borne, a gain is not paid", () => {
    const s = staked();
    const a = s.c.lrt(u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    slash(s, s.operators[0]!, WAD / 100n);
    s.c.advance(HALF_DAY);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const r1 = swell.rate(s.rec());
    const b = s.c.lrt(u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    checkpoint(s, 32n * GWEI + 300_000_000n);
    s.c.advance(HALF_DAY);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const r2 = swell.rate(s.rec());
    expect(r2 > r1).toBe(true);
    s.c.lrt(s.roles.manager, { type: "finalizeWithdrawals", lrt: s.id });
    expect(getRequest(s.c.w, s.id, a).payout).toBe((E(10) * (r2 < WAD ? r2 : WAD)) / WAD);
    expect(getRequest(s.c.w, s.id, b).payout).toBe((E(10) * r1) / WAD);
  });
});
