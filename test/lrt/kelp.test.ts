import { describe, expect, it } from "vitest";
import { BPS, getLst } from "../../src/lrt/context.ts";
import { role } from "../../src/lrt/demo.ts";
import * as kelp from "../../src/lrt/kelp.ts";
import { lstRate } from "../../src/lrt/lst.ts";
import { getRequest } from "../../src/lrt/queue.ts";
import { E, NATIVE_ETH, reverts, type Setup, setup, slash, tokensOf, WAD } from "./harness.ts";

/**
 * Kelp rsETH (peers.md §B.6), by hand: the permissionless price update T/supply with a fee of protocolFeeInBPS on
 * every rise over the stored price (no high-water mark), the pricePercentageLimit guard, mint amount·p_a/p_rsETH,
 * withdrawals expecting rsETH·p_rsETH/p_a, unlocked at min(expected, current), completed after 57 600 blocks.
 */

const u = (s: Setup, i: number) => s.users[i]! as `0x${string}`;

/** 100 ETH (u0) and 100 stETH (u1, at rate 1.0) deposited; the stETH restaked through delegator 0. */
function funded(restake = true): Setup {
  const s = setup("kelp");
  s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
  s.c.lrt(u(s, 1), { type: "lstSubmit", lst: "steth", amount: E(100) });
  s.c.lrt(u(s, 1), { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
  if (restake) s.c.lrt(s.roles.manager, { type: "restake", lrt: s.id, asset: s.lsts.steth!, amount: E(100) });
  s.c.advance(1n);
  return s;
}

/** The reference's update, recomputed: T at 1e36, fee on the rise, new price, fee mint. */
function expectedUpdate(total36: bigint, supply: bigint, old: bigint, feeBps: bigint) {
  const tmp = total36 / supply;
  const fee = tmp > old ? ((((tmp - old) * supply) / WAD) * feeBps) / BPS : 0n;
  const price = (total36 - fee * WAD) / supply;
  return { fee, price, feeMint: fee > 0n ? (fee * WAD) / price : 0n };
}

const stethRate = (s: Setup) => lstRate(getLst(s.c.w, "steth"));
const price = (s: Setup) => kelp.rate(s.rec());

describe("Kelp: the rsETH price", () => {
  it("mints amount·p_asset/p_rsETH and updates the price permissionlessly, charging the fee on the rise", () => {
    const s = funded();
    expect(tokensOf(s, u(s, 0))).toBe(E(100));
    expect(tokensOf(s, u(s, 1))).toBe(E(100));
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: E(101), penaltiesWei: 0n }); // ≈ +0.9 %
    const r = stethRate(s);
    const S = s.rec().supply;
    const total36 = E(100) * WAD + E(100) * r;
    const want = expectedUpdate(total36, S, WAD, 1_000n);
    const got = s.c.lrt(u(s, 3), { type: "report", lrt: s.id }).result; // anyone may call it
    expect(got).toMatchObject({ total36, fee: want.fee, newPrice: want.price, feeMint: want.feeMint });
    expect(tokensOf(s, s.roles.treasury)).toBe(want.feeMint);
    // the next deposit mints at the stored price
    s.c.lrt(u(s, 2), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(10) });
    expect(tokensOf(s, u(s, 2))).toBe((E(10) * WAD) / want.price);
  });

  it("charges the fee again on a recovery after a loss: there is no high-water mark", () => {
    const s = funded();
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: E(50), penaltiesWei: 0n });
    s.c.lrt(u(s, 3), { type: "report", lrt: s.id });
    const peak = price(s);
    slash(s, s.operators[0]!, WAD / 100n); // delegator 0 loses 0.5 % of its stETH
    s.c.advance(1n);
    const loss = s.c.lrt(u(s, 3), { type: "report", lrt: s.id }).result;
    expect(loss.fee).toBe(0n);
    expect(price(s) < peak).toBe(true);
    // LST rewards bring the value back to (a little under) the peak: the rise is charged again
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: E(25), penaltiesWei: 0n });
    s.c.advance(1n);
    const old = price(s);
    const S = s.rec().supply;
    const total36 = kelp.totalEth36(s.c.w, s.rec(), s.c.block);
    const want = expectedUpdate(total36, S, old, 1_000n);
    const rec = s.c.lrt(u(s, 3), { type: "report", lrt: s.id }).result;
    expect(want.fee > 0n).toBe(true);
    expect(rec.fee).toBe(want.fee);
    expect(rec.newPrice).toBe(want.price);
    expect(want.price < peak).toBe(true); // still under the old peak, and charged anyway
  });

  it("refuses a move of more than pricePercentageLimit % until the limit is raised", () => {
    const s = funded();
    slash(s, s.operators[0]!, WAD / 10n); // 5 % of half the value: −2.5 %
    reverts(s.c, u(s, 3), { type: "report", lrt: s.id }, "PriceMoveTooLarge");
    s.c.lrt(s.roles.admin, { type: "setParams", lrt: s.id, params: { pricePercentageLimit: 3n } });
    s.c.lrt(u(s, 3), { type: "report", lrt: s.id });
    expect(price(s) < WAD).toBe(true);
  });
});

describe("Kelp: withdrawals", () => {
  it("expects rsETH·p_rsETH/p_asset, pays min(expected, current) at unlock, completes after 57 600 blocks", () => {
    const s = funded(false);
    const id = s.c.lrt(u(s, 0), { type: "requestWithdrawal", lrt: s.id, amount: E(10), asset: s.lsts.steth! }).result
      .id as bigint;
    const expected = (E(10) * price(s)) / stethRate(s);
    expect(getRequest(s.c.w, s.id, id).amountAtRequest).toBe(expected);
    expect(kelp.committed(s.rec(), s.lsts.steth!)).toBe(expected);
    // a loss while queued: stETH −1 %, the rsETH price follows at the next update
    s.c.lrt(s.lstOracle, { type: "lstReport", lst: "steth", rewardsWei: 0n, penaltiesWei: E(101) });
    s.c.lrt(u(s, 3), { type: "report", lrt: s.id });
    reverts(
      s.c,
      s.roles.manager,
      { type: "finalizeWithdrawals", lrt: s.id, minPrice: WAD, maxPrice: 2n * WAD },
      "RsEthPriceOutOfBounds",
    );
    s.c.lrt(s.roles.manager, { type: "finalizeWithdrawals", lrt: s.id, minPrice: 0n, maxPrice: 2n * WAD });
    const current = (E(10) * price(s)) / stethRate(s);
    const req = getRequest(s.c.w, s.id, id);
    expect(req.payout).toBe(current < expected ? current : expected);
    expect(kelp.committed(s.rec(), s.lsts.steth!)).toBe(0n);
    reverts(s.c, u(s, 0), { type: "claimWithdrawal", lrt: s.id, id }, "ClaimTooEarly");
    s.c.advance(57_600n);
    s.c.lrt(u(s, 0), { type: "claimWithdrawal", lrt: s.id, id });
    expect(getRequest(s.c.w, s.id, id).status).toBe("claimed");
  });

  it("bounds requests by the asset not yet committed", () => {
    const s = funded(false);
    reverts(
      s.c,
      u(s, 0),
      { type: "requestWithdrawal", lrt: s.id, amount: E(100), asset: s.lsts.reth! },
      "InsufficientAssetAvailable",
    );
  });
});

describe("Kelp: limits", () => {
  it("enforces depositLimitByAsset, minAmountToDeposit and maxNodeDelegatorLimit", () => {
    const s = setup("kelp", { params: { assetCaps: [[NATIVE_ETH, E(150)]] } });
    s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    reverts(s.c, u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(51) }, "AssetCapExceeded");
    s.c.lrt(u(s, 0), { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(50) });
    reverts(
      s.c,
      u(s, 1),
      { type: "deposit", lrt: s.id, asset: s.lsts.reth!, amount: 10n ** 13n },
      "BelowMinimumDeposit",
    );
    for (let i = 2; i < 10; i++) {
      const op = role(`kelp-op/${i}`);
      s.c.core(op, { type: "registerAsOperator", allocationDelay: 0n });
      s.c.lrt(s.roles.admin, { type: "addDelegator", lrt: s.id, operator: op, weightBps: 0n });
    }
    const extra = role("kelp-op/10");
    s.c.core(extra, { type: "registerAsOperator", allocationDelay: 0n });
    reverts(
      s.c,
      s.roles.admin,
      { type: "addDelegator", lrt: s.id, operator: extra, weightBps: 0n },
      "TooManyDelegators",
    );
  });
});
