import { describe, expect, it } from "vitest";
import { balanceOf } from "../../src/core/eigenlayer/tokens.ts";
import { BPS, getLst } from "../../src/lrt/context.ts";
import { LrtChain, role } from "../../src/lrt/demo.ts";
import { LST_ISSUANCE_RESERVE, lstBalanceOf, lstRate } from "../../src/lrt/lst.ts";
import { E, NATIVE_ETH, reverts, WAD } from "./harness.ts";

/** LSTs: stETH's balances rebase over shares, rETH/cbETH keep balances and move a rate; reports and queues by hand. */

const oracle = role("lst-oracle");
const alice = role("alice");
const bob = role("bob");
const eth = (c: LrtChain, who: `0x${string}`) => balanceOf(c.w.eigen, NATIVE_ETH, who);

function world(): LrtChain {
  const c = new LrtChain();
  c.lrt(c.admin, {
    type: "createLst",
    id: "steth",
    symbol: "stETH",
    kind: "rebasing",
    feeBps: 1_000n,
    withdrawalDelaySeconds: 86_400n,
    oracle,
    admin: c.admin,
  });
  c.lrt(c.admin, {
    type: "createLst",
    id: "reth",
    symbol: "rETH",
    kind: "exchangeRate",
    feeBps: 0n,
    withdrawalDelaySeconds: 86_400n,
    oracle,
    admin: c.admin,
  });
  c.fund(alice, E(1_000));
  c.fund(bob, E(1_000));
  return c;
}

describe("LSTs", () => {
  it("stETH: balances rebase with beacon rewards, and the fee is minted as shares r·f·S/(P'·10⁴ − r·f)", () => {
    const c = world();
    c.lrt(alice, { type: "lstSubmit", lst: "steth", amount: E(100) });
    c.lrt(bob, { type: "lstSubmit", lst: "steth", amount: E(300) });
    expect(lstBalanceOf(c.w, "steth", alice)).toBe(E(100));
    c.advance(1n);
    c.lrt(oracle, { type: "lstReport", lst: "steth", rewardsWei: E(4), penaltiesWei: 0n });
    const l = getLst(c.w, "steth");
    const feeShares = (E(4) * 1_000n * E(400)) / (E(404) * BPS - E(4) * 1_000n);
    expect(l.totalShares).toBe(E(400) + feeShares);
    expect(balanceOf(c.w.eigen, l.token, l.treasury)).toBe(feeShares);
    // alice's 100 shares now show 100·404/(400 + fee) stETH
    expect(lstBalanceOf(c.w, "steth", alice)).toBe((E(100) * E(404)) / (E(400) + feeShares));
    expect(balanceOf(c.w.eigen, l.token, alice)).toBe(E(100)); // the core holds shares
    expect(balanceOf(c.w.eigen, l.token, l.pool)).toBe(LST_ISSUANCE_RESERVE - l.totalShares);
  });

  it("rETH: the balance stays, the rate moves up with rewards and down with slashing", () => {
    const c = world();
    c.lrt(alice, { type: "lstSubmit", lst: "reth", amount: E(100) });
    c.lrt(oracle, { type: "lstReport", lst: "reth", rewardsWei: E(10), penaltiesWei: 0n });
    expect(lstBalanceOf(c.w, "reth", alice)).toBe(E(100));
    expect(lstRate(getLst(c.w, "reth"))).toBe((E(110) * WAD) / E(100));
    c.lrt(bob, { type: "lstSubmit", lst: "reth", amount: E(11) });
    expect(lstBalanceOf(c.w, "reth", bob)).toBe((E(11) * E(100)) / E(110));
    c.lrt(oracle, { type: "lstReport", lst: "reth", rewardsWei: 0n, penaltiesWei: E(22) });
    expect(lstRate(getLst(c.w, "reth"))).toBe((E(99) * WAD) / E(110));
  });

  it("queues withdrawals: min(value at request, value at claim) after the delay", () => {
    const c = world();
    c.lrt(alice, { type: "lstSubmit", lst: "reth", amount: E(100) });
    const a = c.lrt(alice, { type: "lstRequestWithdrawal", lst: "reth", amount: E(10) }).result.id as bigint;
    c.lrt(oracle, { type: "lstReport", lst: "reth", rewardsWei: 0n, penaltiesWei: E(5) }); // −5 % while queued
    reverts(c, alice, { type: "lstClaimWithdrawal", lst: "reth", id: a }, "ClaimTooEarly");
    c.advance(86_400n / 12n);
    const before = eth(c, alice);
    c.lrt(alice, { type: "lstClaimWithdrawal", lst: "reth", id: a });
    expect(eth(c, alice) - before).toBe((E(10) * E(95)) / E(100)); // the lower side
    const b = c.lrt(alice, { type: "lstRequestWithdrawal", lst: "reth", amount: E(10) }).result.id as bigint;
    c.lrt(oracle, { type: "lstReport", lst: "reth", rewardsWei: E(20), penaltiesWei: 0n }); // a gain while queued
    c.advance(86_400n / 12n);
    const value = (E(10) * (E(855) / 10n)) / E(90); // 10 rETH at 85.5/90 ETH each when requested
    const before2 = eth(c, alice);
    c.lrt(alice, { type: "lstClaimWithdrawal", lst: "reth", id: b });
    expect(eth(c, alice) - before2).toBe(value);
    reverts(c, bob, { type: "lstClaimWithdrawal", lst: "reth", id: b }, "UnknownRequest");
  });
});
