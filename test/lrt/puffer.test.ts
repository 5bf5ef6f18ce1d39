import { describe, expect, it } from "vitest";
import { BPS } from "../../src/lrt/context.ts";
import * as puffer from "../../src/lrt/puffer.ts";
import { getRequest } from "../../src/lrt/queue.ts";
import { E, ethOf, NATIVE_ETH, reverts, type Setup, setup, slash, tokensOf, WAD } from "./harness.ts";

/**
 * Puffer pufETH (peers.md §B.7), by hand: ERC-4626 conversions a·(S+1)/(A+1) over totalAssets with rewards vesting
 * linearly over 7 days, previewRedeem = assets − ⌈assets·fees/10⁴⌉ (the exit fee stays in the vault), batch
 * withdrawals at pufETH·min(rate at request, batch rate), and node-operator bonds that take the first loss.
 */

const u = (s: Setup, i: number) => s.users[i]! as `0x${string}`;
const DAY_S = 86_400n;
const A = (s: Setup) => puffer.totalAssets(s.c.w, s.rec(), s.c.block, s.c.timestamp);
const toAssets = (a: bigint, S: bigint, x: bigint) => (x * (a + 1n)) / (S + 1n);

describe("Puffer: the vault", () => {
  it("converts with (S+1)/(A+1), vests rewards linearly, and keeps the exit fee in the vault", () => {
    const s = setup("puffer");
    s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    expect(tokensOf(s, u(s, 0))).toBe((E(100) * 1n) / 1n); // A = S = 0
    s.c.lrt(u(s, 1), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(50) });
    expect(tokensOf(s, u(s, 1))).toBe((E(50) * (E(100) + 1n)) / (E(100) + 1n));
    s.c.lrt(u(s, 3), { type: "depositRewards", lrt: s.id, amount: E(7) });
    expect(A(s)).toBe(E(150)); // nothing vested yet
    s.c.advance((7n * DAY_S) / 2n / 12n); // half the window
    const unvested = (E(7) * (7n * DAY_S - (7n * DAY_S) / 2n)) / (7n * DAY_S);
    expect(A(s)).toBe(E(157) - unvested);
    const a = A(s);
    const S = s.rec().supply;
    const rate0 = puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp);
    expect(rate0).toBe(toAssets(a, S, WAD));
    const assets = toAssets(a, S, E(10));
    const fee = (assets * 100n + BPS - 1n) / BPS; // 1 % exit fee, rounded up
    const before = ethOf(s, u(s, 1));
    s.c.lrt(u(s, 1), { type: "instantRedeem", lrt: s.id, amount: E(10) });
    expect(ethOf(s, u(s, 1)) - before).toBe(assets - fee);
    expect(puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp) > rate0).toBe(true); // the fee stays
  });
});

describe("Puffer: node-operator bonds take the first loss", () => {
  /** 100 ETH deposited, a 2-ETH bond posted for delegator 0, 50 stETH restaked through it. */
  function bonded(): Setup {
    const s = setup("puffer");
    s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u(s, 1), { type: "lstSubmit", lst: "steth", amount: E(50) });
    s.c.lrt(u(s, 1), { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(50) });
    s.c.lrt(u(s, 3), { type: "postBond", lrt: s.id, delegator: 0n, validators: 1n, enclave: false });
    s.c.lrt(s.roles.manager, { type: "restake", lrt: s.id, asset: s.lsts.steth!, amount: E(50), delegator: 0n });
    s.c.advance(1n);
    return s;
  }

  it("burns ⌈loss⌉ in bond shares when the module lost value without a slash", () => {
    const s = bonded();
    const bond = tokensOf(s, s.rec().accounts.bonds);
    expect(bond).toBe(E(2)); // 2 ETH at rate 1.0 (no enclave)
    const a0 = A(s);
    const s0 = s.rec().supply;
    const rate0 = puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp);
    // stETH loses 0.5 %: the module's 50 stETH are worth 0.25 ETH less (no core slash)
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: 0n, penaltiesWei: E(5_025) / 100n });
    const loss = E(50) - (E(50) * (E(10_050) - E(5_025) / 100n)) / E(10_050);
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r.losses).toBe(loss);
    const burned = (loss * (s0 + 1n) + a0) / (a0 + 1n); // convertToSharesUp at the pre-report totalAssets
    expect(r.bondSharesBurned).toBe(burned);
    expect(tokensOf(s, s.rec().accounts.bonds)).toBe(bond - burned);
    expect(puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp) >= rate0).toBe(true); // holders whole
  });

  it("burns the whole bond when the module was slashed, and holders bear only what the bond cannot", () => {
    const s = bonded();
    const rate0 = puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp);
    slash(s, s.operators[0]!, WAD / 100n); // −0.25 stETH: far less than the 2-ETH bond
    s.c.advance(1n);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    expect(tokensOf(s, s.rec().accounts.bonds)).toBe(0n);
    expect(puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp) > rate0).toBe(true);
    // a second slash with no bond left lowers the rate
    const rate1 = puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp);
    slash(s, s.operators[0]!, WAD / 2n);
    s.c.advance(1n);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    expect(puffer.rate(s.c.w, s.rec(), s.c.block, s.c.timestamp) < rate1).toBe(true);
  });
});

describe("Puffer: batch withdrawals", () => {
  it("finalizes a full batch at pufETH·min(rate at request, batch rate): a loss while queued is borne", () => {
    const s = setup("puffer");
    s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u(s, 1), { type: "lstSubmit", lst: "steth", amount: E(100) });
    s.c.lrt(u(s, 1), { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
    s.c.lrt(s.roles.manager, { type: "restake", lrt: s.id, asset: s.lsts.steth!, amount: E(100), delegator: 0n });
    reverts(s.c, u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: WAD / 1_000n }, "BelowMinimumWithdrawal");
    const ids: bigint[] = [];
    for (let i = 0; i < 9; i++) {
      ids.push(s.c.lrt(u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: E(1) }).result.id as bigint);
    }
    reverts(s.c, s.roles.manager, { type: "finalizeWithdrawals", lrt: s.id }, "BatchNotFull");
    ids.push(s.c.lrt(u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: E(1) }).result.id as bigint);
    const rateReq = getRequest(s.c.w, s.id, ids[0]!).rateAtRequest;
    slash(s, s.operators[0]!, WAD / 10n); // the restaked module loses 5 %
    s.c.advance(1n);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const a = A(s);
    const S = s.rec().supply;
    const batchRate = toAssets(a, S, WAD);
    expect(batchRate < rateReq).toBe(true);
    const r = s.c.lrt(s.roles.manager, { type: "finalizeWithdrawals", lrt: s.id }).result;
    const expected = 10n * ((E(1) * rateReq) / WAD);
    expect(r.transfer).toBe(expected < (E(10) * batchRate) / WAD ? expected : (E(10) * batchRate) / WAD);
    for (const id of ids) expect(getRequest(s.c.w, s.id, id).payout).toBe((E(1) * batchRate) / WAD);
    const before = ethOf(s, u(s, 0));
    s.c.lrt(u(s, 0), { type: "claimWithdrawal", lrt: s.id, id: ids[3]! });
    expect(ethOf(s, u(s, 0)) - before).toBe((E(1) * batchRate) / WAD);
  });
});
