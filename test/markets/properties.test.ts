import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import * as aave from "../../src/markets/aave.ts";
import * as cp from "../../src/markets/constantProduct.ts";
import { isqrt, percentMul, UINT256_MAX, WAD } from "../../src/markets/math.ts";
import * as ss from "../../src/markets/stableswap.ts";
import type { ConstantProductPool, StableSwapPool } from "../../src/markets/types.ts";
import { addr, E8, E18, Market, WETH_CURVE } from "./harness.ts";

/**
 * Properties: the liquidation identity of risk-models.md §4.1, and the pools' conservation laws. Seeds are fixed so a
 * failure replays; fast-check prints the counterexample.
 */

const RUNS = Number(process.env.MARKET_PROP_RUNS ?? 200);
const SEED = 20_240_424;

/** Runs fn; a ProtocolError (the pool refusing the trade) means "no claim", anything else propagates. */
function attempt<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError) return null;
    throw e;
  }
}

/** A pool record with LP supply = D (virtual price 1, as a pool that has only ever been deposited into). */
function pureStableSwap(balances: bigint[], A: bigint, fee: bigint, adminFee: bigint): StableSwapPool {
  const p: StableSwapPool = {
    kind: "stableswap",
    id: "p",
    assets: balances.map((_, i) => `c${i}`),
    rates: balances.map(() => ss.rateFor(18, WAD)),
    rateMultipliers: balances.map(() => WAD),
    balances,
    initialA: A * ss.A_PRECISION,
    futureA: A * ss.A_PRECISION,
    initialATime: 0n,
    futureATime: 0n,
    fee,
    adminFee,
    totalSupply: 0n,
    adminBalances: balances.map(() => 0n),
  };
  const D = attempt(() => ss.invariant(p, 0n));
  fc.pre(D !== null); // get_D itself gives up on some extreme pools, as Curve's does
  return { ...p, totalSupply: D };
}

const balance = fc.bigInt({ min: 10n ** 18n, max: 10n ** 25n });
const amp = fc.bigInt({ min: 1n, max: 5_000n });
const fee = fc.bigInt({ min: 1_000_000n, max: 400_000_000n }); // 0.01% to 4%

describe("StableSwap properties", () => {
  it("the invariant D never decreases on a swap that charges a fee", () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: 2, maxLength: 3 }),
        amp,
        fee,
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.nat(),
        fc.nat(),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (balances, A, f, adminFee, i0, j0, frac) => {
          const n = balances.length;
          const i = i0 % n;
          const j = (i + 1 + (j0 % (n - 1))) % n;
          const p = pureStableSwap(balances, A, f, adminFee);
          const dx = ((balances[i] as bigint) * frac) / 10n ** 6n;
          const r = attempt(() => ss.exchange(p, i, j, dx, 0n));
          if (r === null) return;
          // in pools imbalanced past ~10⁶:1 get_D may not converge at all (Curve's "borked" pool): no claim there
          const after = attempt(() => ss.invariant(r.pool, 0n));
          fc.pre(after !== null);
          expect(after >= p.totalSupply).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("no free money: swapping there and back returns at most what went in", () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: 2, maxLength: 3 }),
        amp,
        fc.bigInt({ min: 0n, max: 400_000_000n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (balances, A, f, frac) => {
          const p = pureStableSwap(balances, A, f, 0n);
          const dx = ((balances[0] as bigint) * frac) / 10n ** 6n;
          const there = attempt(() => ss.exchange(p, 0, 1, dx, 0n));
          if (there === null || there.amountOut === 0n) return;
          const back = attempt(() => ss.exchange(there.pool, 1, 0, there.amountOut, 0n));
          if (back === null) return;
          expect(back.amountOut <= dx).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("no free money in liquidity: withdrawing what was deposited burns at least what was minted", () => {
    fc.assert(
      fc.property(
        fc.array(balance, { minLength: 2, maxLength: 3 }),
        amp,
        fee,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 24n }), { minLength: 3, maxLength: 3 }),
        (balances, A, f, deposit) => {
          const p = pureStableSwap(balances, A, f, 0n);
          const amounts = balances.map((_, k) => deposit[k] as bigint);
          if (amounts.every((a) => a === 0n)) return;
          const added = attempt(() => ss.addLiquidity(p, amounts, 0n));
          if (added === null) return;
          const removed = attempt(() => ss.removeLiquidityImbalance(added.pool, amounts, 0n));
          // either the pool cannot pay it back at all, or it costs at least the LP tokens minted
          if (removed !== null) expect(removed.lpAmount >= added.lpAmount).toBe(true);
          // and a balanced deposit withdrawn in proportion returns no more than went in, coin by coin, up to dust:
          // get_D stops within 1 of the root, so D0 and D2 may each be 1 off and the LP minted (supply·ΔD/D0) that
          // generous; two units of D are worth 2·balance/D of each coin (a few wei even in a 10⁶:1 pool)
          const share = 10n ** 6n;
          const balancedAmounts = balances.map((b) => (b * share) / 10n ** 9n);
          const bal = attempt(() => ss.addLiquidity(p, balancedAmounts, 0n));
          if (bal === null) return;
          const out = ss.removeLiquidity(bal.pool, bal.lpAmount);
          out.amounts.forEach((a, k) => {
            const dust = ((balances[k] as bigint) * 2n) / p.totalSupply + 1n;
            expect(a <= (balancedAmounts[k] as bigint) + dust).toBe(true);
          });
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe("constant-product properties", () => {
  const reserve = fc.bigInt({ min: 10n ** 15n, max: 10n ** 27n });
  const pool = (r0: bigint, r1: bigint, feeBps: bigint): ConstantProductPool => ({
    kind: "constantProduct",
    id: "cp",
    assets: ["a", "b"],
    reserves: [r0, r1],
    feeBps,
    totalSupply: isqrt(r0 * r1),
  });

  it("k = x·y never decreases on a swap", () => {
    fc.assert(
      fc.property(
        reserve,
        reserve,
        fc.bigInt({ min: 0n, max: 100n }),
        fc.bigInt({ min: 1n, max: 10n ** 27n }),
        fc.boolean(),
        (r0, r1, f, dx, dir) => {
          const p = pool(r0, r1, f);
          const r = attempt(() => cp.swap(p, dir ? 0 : 1, dx));
          if (r === null) return;
          expect(r.pool.reserves[0] * r.pool.reserves[1] >= r0 * r1).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("liquidity never dilutes: √k per LP token does not fall when liquidity is added or removed", () => {
    fc.assert(
      fc.property(
        reserve,
        reserve,
        reserve,
        reserve,
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (r0, r1, a0, a1, frac) => {
          const p = pool(r0, r1, 30n);
          // √k/S compared as k·S'² ≤ k'·S² (no square roots)
          const ok = (before: ConstantProductPool, after: ConstantProductPool): boolean => {
            const k = before.reserves[0] * before.reserves[1];
            const k2 = after.reserves[0] * after.reserves[1];
            return k * after.totalSupply ** 2n <= k2 * before.totalSupply ** 2n;
          };
          const added = attempt(() => cp.addLiquidity(p, [a0, a1]));
          if (added !== null) expect(ok(p, added.pool)).toBe(true);
          const removed = attempt(() => cp.removeLiquidity(p, (p.totalSupply * frac) / 10n ** 6n));
          if (removed !== null && removed.pool.totalSupply > 0n) expect(ok(p, removed.pool)).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe("the liquidation identity (risk-models.md §4.1)", () => {
  const LP = addr("1f", 1);
  const U = addr("ab", 1);
  const LIQ = addr("11", 1);
  const ETH = 3_000n * E8;

  /**
   * One collateral, one debt, a partial liquidation of r: HF' − HF = r·(HF − LT·(1+LB))/(B − r). So a partial
   * liquidation improves HF iff HF > LT·(1+LB). Generated: LT, LB (with LT·(1+LB) ≤ 1, as Aave requires), the
   * position, the HF it is pushed to (between 0.95 and 1, where the close factor is 50%), and the share of the
   * allowed debt the liquidator covers. Cases within 1e-12 of the threshold are left out (rounding decides them).
   */
  it("a partial liquidation improves HF iff HF > LT·(1+LB)", () => {
    let improved = 0;
    let worsened = 0;
    fc.assert(
      fc.property(
        fc.bigInt({ min: 8_000n, max: 9_800n }),
        fc.bigInt({ min: 10_050n, max: 11_500n }),
        fc.bigInt({ min: 50n, max: 100_000n }),
        fc.bigInt({ min: 5_000n, max: 10_000n }),
        fc.bigInt({ min: 9_501n, max: 9_999n }),
        fc.bigInt({ min: 1_000n, max: 10_000n }),
        (lt, lb, collateralEth, borrowShareBps, hfBps, coverBps) => {
          fc.pre(percentMul(lt, lb) <= 10_000n); // Aave's rule: LT·LB ≤ 100%, rounded half up
          const m = new Market();
          m.asset("WETH");
          m.asset("LRT");
          m.fixedOracle("ETH", ETH);
          m.fixedOracle("LRT", ETH);
          const base = {
            liquidationProtocolFee: 1_000n,
            reserveFactor: 1_000n,
            supplyCap: 0n,
            borrowCap: 0n,
            rate: WETH_CURVE,
          };
          m.admin({
            type: "aaveInitReserve",
            asset: "WETH",
            config: {
              ...base,
              oracle: "ETH",
              ltv: 8_000n,
              liquidationThreshold: 8_300n,
              liquidationBonus: 10_500n,
              borrowingEnabled: true,
            },
          });
          m.admin({
            type: "aaveInitReserve",
            asset: "LRT",
            config: {
              ...base,
              oracle: "LRT",
              ltv: lt,
              liquidationThreshold: lt,
              liquidationBonus: lb,
              borrowingEnabled: false,
            },
          });
          const C = collateralEth * E18;
          const B = (C * lt * borrowShareBps) / 10n ** 8n;
          m.mint("WETH", LP, B * 2n);
          m.run(LP, { type: "aaveSupply", asset: "WETH", amount: B * 2n });
          m.mint("LRT", U, C);
          m.run(U, { type: "aaveSupply", asset: "LRT", amount: C });
          m.run(U, { type: "aaveBorrow", asset: "WETH", amount: B });
          // push HF to hfBps/10⁴ by the collateral price: C·p·LT/(B·3000) = HF
          const price = (hfBps * B * ETH) / (C * lt);
          m.setPrice("LRT", price);
          const before = aave.userAccountData(m.s, m.ctx(U), U);
          fc.pre(before.healthFactor > aave.CLOSE_FACTOR_HF_THRESHOLD && before.healthFactor < WAD);
          m.mint("WETH", LIQ, B);
          const r = m.run(LIQ, {
            type: "aaveLiquidationCall",
            collateralAsset: "LRT",
            debtAsset: "WETH",
            user: U,
            debtToCover: (B * coverBps) / 20_000n,
          }).result as unknown as aave.AaveLiquidationResult;
          fc.pre(r.debtRepaid < B && r.deficit.length === 0);
          const threshold = (lt * lb * WAD) / 10n ** 8n;
          const gap = before.healthFactor - threshold;
          fc.pre(gap > 10n ** 6n || gap < -(10n ** 6n));
          const better = r.healthFactorAfter > before.healthFactor;
          expect(better).toBe(before.healthFactor > threshold);
          if (better) improved++;
          else worsened++;
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    // both sides of the threshold were exercised
    expect(improved).toBeGreaterThan(10);
    expect(worsened).toBeGreaterThan(10);
  });

  it("the identity holds numerically: HF' − HF = r·(HF − LT·(1+LB))/(B − r)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 8_000n, max: 9_500n }),
        fc.bigInt({ min: 10_100n, max: 11_000n }),
        fc.bigInt({ min: 9_501n, max: 9_990n }),
        fc.bigInt({ min: 2_000n, max: 10_000n }),
        (lt, lb, hfBps, coverBps) => {
          fc.pre(percentMul(lt, lb) <= 10_000n);
          const m = new Market();
          m.asset("WETH");
          m.asset("LRT");
          m.fixedOracle("ETH", ETH);
          m.fixedOracle("LRT", ETH);
          const base = {
            liquidationProtocolFee: 0n,
            reserveFactor: 0n,
            supplyCap: 0n,
            borrowCap: 0n,
            rate: WETH_CURVE,
          };
          m.admin({
            type: "aaveInitReserve",
            asset: "WETH",
            config: {
              ...base,
              oracle: "ETH",
              ltv: 8_000n,
              liquidationThreshold: 8_300n,
              liquidationBonus: 10_500n,
              borrowingEnabled: true,
            },
          });
          m.admin({
            type: "aaveInitReserve",
            asset: "LRT",
            config: {
              ...base,
              oracle: "LRT",
              ltv: lt,
              liquidationThreshold: lt,
              liquidationBonus: lb,
              borrowingEnabled: false,
            },
          });
          const C = 1_000n * E18;
          const B = (C * lt * 9n) / 100_000n;
          m.mint("WETH", LP, B * 2n);
          m.run(LP, { type: "aaveSupply", asset: "WETH", amount: B * 2n });
          m.mint("LRT", U, C);
          m.run(U, { type: "aaveSupply", asset: "LRT", amount: C });
          m.run(U, { type: "aaveBorrow", asset: "WETH", amount: B });
          m.setPrice("LRT", (hfBps * B * ETH) / (C * lt));
          const hf = aave.userAccountData(m.s, m.ctx(U), U).healthFactor;
          m.mint("WETH", LIQ, B);
          const r = m.run(LIQ, {
            type: "aaveLiquidationCall",
            collateralAsset: "LRT",
            debtAsset: "WETH",
            user: U,
            debtToCover: (B * coverBps) / 20_000n,
          }).result as unknown as aave.AaveLiquidationResult;
          const rr = r.debtRepaid;
          const predicted = hf + (rr * (hf - (lt * lb * WAD) / 10n ** 8n)) / (B - rr);
          const err = r.healthFactorAfter - predicted;
          // prices and balances are integers: agreement to 1e-9
          expect(err < 10n ** 9n && err > -(10n ** 9n)).toBe(true);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });
});

describe("every uint input is bounded", () => {
  it("amounts above uint256 are rejected before anything runs", () => {
    const m = new Market();
    m.asset("WETH");
    m.reverts(
      addr("99", 1),
      { type: "transfer", asset: "WETH", to: addr("98", 1), amount: UINT256_MAX + 1n },
      "InputOutOfRange",
    );
  });
});
