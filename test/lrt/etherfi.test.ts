import { describe, expect, it } from "vitest";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../src/core/eigenlayer/params.ts";
import * as cviews from "../../src/core/eigenlayer/views.ts";
import { BPS, YEAR } from "../../src/lrt/context.ts";
import * as etherfi from "../../src/lrt/etherfi.ts";
import { getRequest } from "../../src/lrt/queue.ts";
import * as views from "../../src/lrt/views.ts";
import { E, ethOf, eventsNamed, NATIVE_ETH, reverts, type Setup, setup, slash, tokensOf, WAD } from "./harness.ts";

/**
 * ether.fi eETH/weETH (peers.md §B.4), recomputed by hand: P = inLp + outOfLp, shares = a·S/P, the oracle's
 * rebase within +25 bps / −3 bps / the APR guard, the 20 % fee cap, min(requested, shares × frozen ⌈rate⌉), and
 * instant redemption with its exit fee, treasury split, low watermark and bucket.
 */

const TEN_DAYS = (10n * 86_400n) / 12n; // blocks
const GWEI = 10n ** 9n;

/** Deposits 100 ETH (u0), stakes `validators` × 32 ETH natively through delegator 0 and has the reporter verify them. */
function staked(validators = 2n): Setup {
  const s = setup("etherfi");
  const [u0] = s.users as [`0x${string}`];
  s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
  s.c.lrt(s.roles.manager, { type: "stakeNative", lrt: s.id, delegator: 0n, validators });
  s.c.advance(1n);
  s.c.core(s.c.w.eigen.params.beaconReporter, {
    type: "verifyWithdrawalCredentials",
    podOwner: s.rec().delegators[0]!.address,
    validators: Array.from({ length: Number(validators) }, (_, i) => ({
      validatorIndex: BigInt(i),
      effectiveBalanceGwei: 32n * GWEI,
    })),
  });
  return s;
}

/** A checkpoint of delegator 0's pod in which every validator reports `gwei`. */
function checkpoint(s: Setup, gwei: bigint[]): void {
  s.c.advance(1n);
  s.c.lrt(s.roles.manager, { type: "startCheckpoint", lrt: s.id, delegator: 0n });
  s.c.core(s.c.w.eigen.params.beaconReporter, {
    type: "verifyCheckpointProofs",
    podOwner: s.rec().delegators[0]!.address,
    balances: gwei.map((balanceGwei, i) => ({ validatorIndex: BigInt(i), balanceGwei })),
  });
}

const P = (s: Setup) => etherfi.pooledEther(s.rec());
const aprCap = (p: bigint, elapsed: bigint, acc: bigint) => ((acc + 1n) * p * elapsed - 1n) / (BPS * YEAR);

describe("ether.fi: rate and deposits", () => {
  it("mints a·S/P, books ETH in the LP and LSTs out of it, and reads the rate as amountForShare(1e18)", () => {
    const s = setup("etherfi");
    const [u0, u1] = s.users as [`0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    expect(tokensOf(s, u0)).toBe(E(100)); // empty pool: 1:1
    s.c.lrt(u1, { type: "lstSubmit", lst: "steth", amount: E(40) }); // stETH at exactly 1.0
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: s.lsts.steth!, amount: E(40) });
    // shares = 40e18·100e18/100e18
    expect(tokensOf(s, u1)).toBe(E(40));
    const b = etherfi.book(s.rec());
    expect([b.inLp, b.outOfLp, s.rec().supply]).toEqual([E(100), E(40), E(140)]);
    expect(views.rate(s.c.w, s.id)).toBe(WAD);
  });

  it("charges the fee on a recognised gain and mints it as eETH after the rebase", () => {
    const s = staked();
    s.c.advance(TEN_DAYS);
    checkpoint(s, [32_100_000_000n, 32_100_000_000n]); // +0.2 ETH on the beacon chain
    const p0 = P(s);
    const s0 = s.rec().supply;
    const elapsed = s.c.timestamp - s.rec().lastReportTimestamp;
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    // observed = (36 + 64.2) − 100 = 0.2 ETH, under 25 bps of P (0.25) and under the APR guard
    const observed = E(100) + 2n * 10n ** 17n - p0;
    expect(observed).toBe(2n * 10n ** 17n);
    expect(aprCap(p0, elapsed, 1_000n) > observed).toBe(true);
    const fees = (observed * 1_000n) / BPS; // 10 % (≤ 20 %)
    const accrued = observed - fees;
    const feeShares = (fees * s0) / (p0 + accrued); // deposited after the rebase
    expect(r.protocolFees).toBe(fees);
    expect(r.accrued).toBe(accrued);
    expect(r.feeShares).toBe(feeShares);
    expect(tokensOf(s, s.roles.treasury)).toBe(feeShares);
    expect(P(s)).toBe(p0 + observed);
    expect(views.rate(s.c.w, s.id)).toBe((WAD * (p0 + observed)) / (s0 + feeShares));
  });

  it("caps a gain at +25 bps of P per report and recognises the rest in later reports", () => {
    const s = staked();
    s.c.advance(TEN_DAYS);
    checkpoint(s, [32_500_000_000n, 32_500_000_000n]); // +1 ETH
    const p0 = P(s);
    const r1 = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    const cap1 = (p0 * 25n) / BPS; // 0.25 ETH, below the APR guard over 10 days (≈ 0.274 ETH)
    expect(r1.observed).toBe(E(1));
    expect(r1.recognised).toBe(cap1);
    expect(P(s)).toBe(p0 + cap1);
    s.c.advance(TEN_DAYS);
    const p1 = P(s);
    const r2 = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r2.observed).toBe(E(1) - cap1);
    expect(r2.recognised).toBe((p1 * 25n) / BPS);
  });

  it("binds the APR guard when reports come faster than the caps", () => {
    const s = staked();
    s.c.advance(7_200n); // one day
    checkpoint(s, [32_500_000_000n, 32_500_000_000n]);
    const p0 = P(s);
    const elapsed = s.c.timestamp - s.rec().lastReportTimestamp;
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    const apr = aprCap(p0, elapsed, 1_000n); // ≈ 10 % APR over one day ≈ 0.0274 ETH < 25 bps
    expect(apr < (p0 * 25n) / BPS).toBe(true);
    expect(r.recognised).toBe(apr);
    const aprNow = (BPS * (r.accrued as bigint) * YEAR) / (p0 * elapsed);
    expect(aprNow <= 1_000n).toBe(true);
  });

  it("recognises a core slash only through the oracle, at most −3 bps of TVL per report", () => {
    const s = staked();
    const rate0 = views.rate(s.c.w, s.id);
    slash(s, s.operators[0]!, WAD / 10n); // 10 % of the 50 % allocation: the delegator loses 5 %
    const od = s.rec().delegators[0]!.address;
    const live = cviews.withdrawableShares(s.c.w.eigen, od, BEACON_CHAIN_ETH_STRATEGY);
    expect(live).toBe(E(64) - (E(64) * 5n) / 100n);
    expect(views.rate(s.c.w, s.id)).toBe(rate0); // the core slash has not reached eETH yet
    s.c.advance(TEN_DAYS);
    const p0 = P(s);
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r.observed).toBe(E(36) + live - p0);
    expect(r.recognised).toBe(-((p0 * 3n) / BPS));
    expect(views.rate(s.c.w, s.id)).toBe((WAD * (p0 - (p0 * 3n) / BPS)) / s.rec().supply);
    // the rest of the 3.2 ETH loss is still to be recognised
    s.c.advance(TEN_DAYS);
    const p1 = P(s);
    expect(p1).toBe(p0 - (p0 * 3n) / BPS);
    const r2 = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect(r2.observed).toBe(E(36) + live - p1);
    expect(r2.recognised).toBe(-((p1 * 3n) / BPS));
  });

  it("charges the fee again on a recovery after a loss (no high-water mark)", () => {
    const s = staked();
    slash(s, s.operators[0]!, WAD / 1_000n); // a small slash: −0.032 ETH
    s.c.advance(TEN_DAYS);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const peakBefore = WAD;
    const afterLoss = views.rate(s.c.w, s.id);
    expect(afterLoss < peakBefore).toBe(true);
    s.c.advance(TEN_DAYS);
    checkpoint(s, [32_020_000_000n, 32_020_000_000n]); // rewards
    const r = s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id }).result;
    expect((r.recognised as bigint) > 0n).toBe(true);
    expect(r.protocolFees).toBe(((r.recognised as bigint) * 1_000n) / BPS);
  });
});

describe("ether.fi: the withdrawal NFT", () => {
  it("pays min(requested, shares × ⌈rate⌉ frozen at finalization); the finalized request escapes a later loss", () => {
    const s = staked();
    const [u0] = s.users as [`0x${string}`];
    const idA = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    const idB = s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(10) }).result.id as bigint;
    s.c.advance(TEN_DAYS);
    // first report finalizes only A
    const frozen1 = etherfi.amountPerShareCeil(s.rec());
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id, finalizeUpTo: idA });
    const a = getRequest(s.c.w, s.id, idA);
    expect(a.frozenRate).toBe(frozen1);
    expect(a.payout).toBe(E(10) < (a.shares * frozen1) / WAD ? E(10) : (a.shares * frozen1) / WAD);
    // a slash while B is still queued: B bears the part the next report recognises, A does not
    slash(s, s.operators[0]!, WAD / 10n);
    s.c.advance(TEN_DAYS);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const b = getRequest(s.c.w, s.id, idB);
    expect(b.status).toBe("finalized");
    const expectedB = (b.shares * b.frozenRate!) / WAD;
    expect(b.payout).toBe(expectedB < E(10) ? expectedB : E(10));
    expect(b.payout! < E(10)).toBe(true);
    const before = ethOf(s, u0);
    s.c.lrt(u0, { type: "claimWithdrawal", lrt: s.id, id: idA });
    s.c.lrt(u0, { type: "claimWithdrawal", lrt: s.id, id: idB });
    expect(ethOf(s, u0) - before).toBe(a.payout! + b.payout!);
    expect(a.payout).toBe(E(10));
  });

  it("finalizes permissionlessly when the oracle is stale, once per cooldown", () => {
    const s = staked(1n);
    const [u0, u3] = [s.users[0]!, s.users[3]!];
    s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(1) });
    reverts(s.c, u3, { type: "finalizeWhenStale", lrt: s.id }, "OracleNotStale");
    s.c.advance(s.rec().params.staleReportWindowBlocks);
    const r = s.c.lrt(u3, { type: "finalizeWhenStale", lrt: s.id }).result;
    expect(r.finalized).toBe(1n);
    s.c.lrt(u0, { type: "requestWithdrawal", lrt: s.id, amount: E(1) });
    reverts(s.c, u3, { type: "finalizeWhenStale", lrt: s.id }, "StaleFinalizationCooldown");
    s.c.advance(7_200n);
    expect(s.c.lrt(u3, { type: "finalizeWhenStale", lrt: s.id }).result.finalized).toBe(1n);
  });
});

describe("ether.fi: instant redemption", () => {
  it("pays amountForShare(shares·(1 − fee)), burns ⌈shares⌉ for it, splits the fee, and raises the rate", () => {
    const s = setup("etherfi");
    const [u0, u1] = s.users as [`0x${string}`, `0x${string}`];
    s.c.lrt(u0, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(100) });
    s.c.lrt(u1, { type: "deposit", lrt: s.id, asset: NATIVE_ETH, amount: E(50) });
    const rec = s.rec();
    const p = etherfi.pooledEther(rec);
    const S = rec.supply;
    const x = E(10);
    const shares = (x * S) / p;
    const toReceiver = (((shares * (BPS - 30n)) / BPS) * p) / S;
    const burn = (toReceiver * S + p - 1n) / p;
    const feeShares = shares - burn;
    const toTreasury = (feeShares * 1_000n) / BPS;
    const rate0 = etherfi.rate(rec);
    const ev = s.c.lrt(u1, { type: "instantRedeem", lrt: s.id, amount: x }).events;
    expect(eventsNamed(ev, "Redeemed")[0]).toMatchObject({ toReceiver, feeToTreasury: toTreasury, burned: burn });
    expect(tokensOf(s, s.roles.treasury)).toBe(toTreasury);
    expect(s.rec().supply).toBe(S - burn - (feeShares - toTreasury));
    expect(etherfi.rate(s.rec()) > rate0).toBe(true);
  });

  it("is blocked below the low watermark and beyond the bucket", () => {
    const s = staked(3n); // 96 of 100 ETH staked: 4 ETH liquid, watermark 1 % of P = 1 ETH
    const [u0] = s.users as [`0x${string}`];
    reverts(s.c, u0, { type: "instantRedeem", lrt: s.id, amount: E(5) }, "InsufficientLiquidity");
    s.c.lrt(u0, { type: "instantRedeem", lrt: s.id, amount: E(3) });
    // liquid now ≈ 1.009 ETH ≥ watermark ≈ 0.97: a second small one passes, then the pool is below it
    s.c.lrt(u0, { type: "instantRedeem", lrt: s.id, amount: E(1) / 100n });
    const t = setup("etherfi", { params: { bucketCapacity: E(1), bucketRefillPerSecond: 0n } });
    t.c.lrt(t.users[0]!, { type: "deposit", lrt: t.id, asset: NATIVE_ETH, amount: E(100) });
    t.c.lrt(t.users[0]!, { type: "instantRedeem", lrt: t.id, amount: E(1) });
    reverts(t.c, t.users[0]!, { type: "instantRedeem", lrt: t.id, amount: 10n ** 12n }, "RateLimitExceeded");
    const u = setup("etherfi", { params: { lowWatermarkBps: 5_000n } });
    u.c.lrt(u.users[0]!, { type: "deposit", lrt: u.id, asset: NATIVE_ETH, amount: E(100) });
    u.c.lrt(u.roles.manager, { type: "stakeNative", lrt: u.id, delegator: 0n, validators: 2n });
    reverts(u.c, u.users[0]!, { type: "instantRedeem", lrt: u.id, amount: E(1) }, "LiquidityBelowLowWatermark");
  });
});

describe("ether.fi: weETH", () => {
  it("wraps eETH shares 1:1 and reports getRate = amountForShare(1e18)", () => {
    const s = staked();
    const [u0] = s.users as [`0x${string}`];
    s.c.advance(TEN_DAYS);
    checkpoint(s, [32_100_000_000n, 32_100_000_000n]);
    s.c.lrt(s.roles.oracle, { type: "report", lrt: s.id });
    const shares = etherfi.sharesForAmount(s.rec(), E(10));
    s.c.lrt(u0, { type: "wrap", lrt: s.id, amount: E(10) });
    expect(tokensOf(s, u0, "weETH")).toBe(shares);
    expect(views.rate(s.c.w, s.id)).toBe(etherfi.amountForShare(s.rec(), WAD));
    const eeth = s.c.lrt(u0, { type: "unwrap", lrt: s.id, amount: shares }).result.unwrapped;
    expect(eeth).toBe(etherfi.amountForShare(s.rec(), shares));
    expect(tokensOf(s, u0, "weETH")).toBe(0n);
  });
});
