import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { sharesToAsset } from "../../core/eigenlayer/neutral.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../core/eigenlayer/params.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import * as views from "../../core/eigenlayer/views.ts";
import { ProtocolError } from "../../core/shared/errors.ts";
import { WAD } from "../../core/shared/math.ts";
import { getLrt } from "../../lrt/context.ts";
import { cooldown as renzoCooldown } from "../../lrt/renzo.ts";
import { livePrice } from "../../lrt/valuation.ts";
import * as lrtViews from "../../lrt/views.ts";
import * as aave from "../../markets/aave.ts";
import { planLiquidations } from "../../markets/liquidator.ts";
import * as morpho from "../../markets/morpho.ts";
import { fromMarket, movableToMarket, toMarket } from "../network/gateway.ts";
import type { SimLooper, SimLrt } from "../network/types.ts";
import type { RunContext } from "./context.ts";
import {
  depegDepth,
  dexPrice,
  lrtRate,
  marketBalance,
  marketCtx,
  quoteBuy,
  requestAmountOf,
  unitsOf,
  unitsValue,
  wethBalance,
} from "./read.ts";

/**
 * The agents: every step, each acts by its policy through ordinary commands (which can revert, as on a chain).
 * Order within a step: the LRT protocols' keepers, claimants, liquidators, loopers, arbitrageurs, fearful holders.
 */

/** A withdrawal request the run opened, remembered so claims do not scan every request ever made. */
export interface OpenRequest {
  lrt: string;
  id: bigint;
  owner: Address;
  block: bigint;
}

/** Requests a withdrawal of `units` for `holder`; returns whether the protocol accepted it. */
export function requestExit(rc: RunContext, holder: Address, lrt: string, units: bigint): boolean {
  if (units === 0n) return false;
  const asset = payoutAsset(rc, lrt, units);
  const r = rc.net.chain.try(holder, {
    layer: "lrt",
    command: {
      type: "requestWithdrawal",
      lrt,
      amount: requestAmountOf(rc.net, lrt, units),
      ...(asset === NATIVE_ETH ? {} : { asset }),
    },
  });
  if (r === null) return false;
  const id = r.id as bigint | undefined;
  if (id !== undefined) rc.open.push({ lrt, id, owner: holder, block: rc.net.chain.block });
  return true;
}

/**
 * The asset a holder asks to be paid in. Kelp and Renzo pay in any asset they hold, each from what is free of that
 * asset: the holder asks for the one with the most free value (ETH when it covers the request), as a router would.
 * The others pay ETH only.
 */
function payoutAsset(rc: RunContext, lrt: string, units: bigint): Address {
  const chain = rc.net.chain;
  const w = { eigen: chain.world.eigen, lrt: chain.world.lrt };
  const rec = getLrt(w, lrt);
  if (rec.protocol !== "kelp" && rec.protocol !== "renzo") return NATIVE_ETH;
  const want = unitsValue(rc.net, lrt, units);
  let best: Address = NATIVE_ETH;
  let bestValue = -1n;
  for (const a of lrtViews.liquidity(w, lrt, { block: chain.block, timestamp: chain.timestamp }).assets) {
    if (!rec.assets.includes(a.asset)) continue;
    const value = (a.available * livePrice(w, a.asset)) / WAD;
    if (a.asset === NATIVE_ETH && value >= want) return NATIVE_ETH;
    if (value > bestValue) {
      best = a.asset;
      bestValue = value;
    }
  }
  return best;
}

// ── the LRT protocols' own operations ───────────────────────────────────────────────────────────────────────────

/**
 * What each LRT's operators do: report on their cadence (which finalizes ether.fi's queue), finalize batches where a
 * manager does, and keep enough liquidity for the queue by unstaking from EigenLayer (a core withdrawal, with its
 * delay) and completing those withdrawals once they mature.
 */
export function keepers(rc: RunContext): void {
  const chain = rc.net.chain;
  const w = { eigen: chain.world.eigen, lrt: chain.world.lrt };
  for (const l of rc.net.lrts) {
    const rec = getLrt(w, l.id);
    // complete matured unstakes
    for (const [root, ready] of [...rc.unstakes.entries()]) {
      if (!root.startsWith(`${l.id}|`) || chain.block < ready) continue;
      rc.unstakes.delete(root);
      chain.try(rec.roles.manager, {
        layer: "lrt",
        command: { type: "completeUnstake", lrt: l.id, withdrawalRoot: root.slice(l.id.length + 1) },
      });
    }
    // report on cadence: at most hourly, and never before the protocol's own minimum interval
    const interval =
      rec.params.minReportIntervalSeconds > REPORT_SECONDS ? rec.params.minReportIntervalSeconds : REPORT_SECONDS;
    if (rec.paused === 0n && chain.timestamp >= rec.lastReportTimestamp + interval) {
      chain.try(rec.protocol === "kelp" ? rec.roles.manager : rec.roles.oracle, {
        layer: "lrt",
        command: { type: "report", lrt: l.id },
      });
    }
    syncPoolRate(rc, l);
    if (rec.protocol === "kelp" || rec.protocol === "puffer" || rec.protocol === "swell") {
      if (lrtViews.queue(w, l.id).pending > 0)
        chain.try(rec.roles.manager, { layer: "lrt", command: { type: "finalizeWithdrawals", lrt: l.id } });
    }
    refill(rc, l);
  }
}

/** Seconds between an LRT oracle's reports in a run (hourly; Renzo's feeds go stale after a day). */
const REPORT_SECONDS = 3_600n;

/**
 * The pools quote the LRT at its exchange rate (stableswap-ng's oracle rate): when the rate moves (a slash, a report)
 * the pool's rate multiplier follows, as the pool would read it live. Only the market admin can set it here.
 */
function syncPoolRate(rc: RunContext, l: SimLrt): void {
  if (l.pool === undefined) return;
  const chain = rc.net.chain;
  const p = chain.world.markets.pools.get(l.pool);
  if (p?.kind !== "stableswap") return;
  const i = p.assets.indexOf(l.marketAsset);
  if (i < 0) return;
  const rate = lrtRate(rc.net, l.id);
  if (rate === 0n || p.rateMultipliers[i] === rate) return;
  const rateMultipliers = p.rateMultipliers.map((m, k) => (k === i ? rate : m));
  chain.try(rc.net.marketAdmin, { layer: "market", command: { type: "setPoolRates", pool: l.pool, rateMultipliers } });
}

/** Unstakes from EigenLayer what the queue needs beyond the buffer and what is already on its way. */
function refill(rc: RunContext, l: SimLrt): void {
  const chain = rc.net.chain;
  const s = chain.world.eigen;
  const w = { eigen: s, lrt: chain.world.lrt };
  const at = { block: chain.block, timestamp: chain.timestamp };
  const rec = getLrt(w, l.id);
  // ether.fi, Puffer and Swell pay their queues in ETH only; an LST they unstake would sit idle (the run does not
  // model an LRT redeeming LSTs for ETH), so only Kelp and Renzo, which pay in the asset asked for, unstake
  if (rec.protocol !== "kelp" && rec.protocol !== "renzo") return;
  const q = lrtViews.queue(w, l.id, at);
  let owed = 0n;
  for (const [asset, v] of q.pendingPayoutNow) owed += (v * livePrice(w, asset)) / WAD;
  for (const [asset, v] of q.finalizedOwed) owed += (v * livePrice(w, asset)) / WAD;
  let liquid = 0n;
  for (const a of lrtViews.liquidity(w, l.id, at).assets) liquid += (a.available * livePrice(w, a.asset)) / WAD;
  let inFlight = 0n;
  for (const [key, v] of rc.unstakeValue) if (key.startsWith(`${l.id}|`) && rc.unstakes.has(key)) inFlight += v;
  const short = owed - liquid - inFlight;
  if (short <= 0n) return;
  // restaked value, to unstake pro rata from every delegator and strategy
  const parts: { index: bigint; strategy: Address; shares: bigint; value: bigint }[] = [];
  let restaked = 0n;
  rec.delegators.forEach((d, i) => {
    for (const st of views.stakerStrategies(s, d.address)) {
      // native restaked ETH leaves only through validator exits, which the run does not model
      if (st === BEACON_CHAIN_ETH_STRATEGY) continue;
      // Renzo pays only from its withdraw buffer, which takes an asset only up to that asset's target
      const held = s.strategies.get(st)?.token;
      if (rec.protocol === "renzo" && !rec.params.bufferTargets.some(([a, t]) => a === held && t > 0n)) continue;
      const shares = views.withdrawableShares(s, d.address, st);
      const deposit = views.depositSharesOf(s, d.address, st);
      if (shares === 0n || deposit === 0n) continue;
      const token = s.strategies.get(st)?.token ?? NATIVE_ETH;
      const value = (lrtViewsShares(rc, st, shares) * livePrice(w, token)) / WAD;
      parts.push({ index: BigInt(i), strategy: st, shares: deposit, value });
      restaked += value;
    }
  });
  if (restaked === 0n) return;
  const delay = s.params.minWithdrawalDelayBlocks;
  for (const p of parts) {
    const want = (p.shares * short + restaked - 1n) / restaked;
    const shares = want > p.shares ? p.shares : want;
    if (shares === 0n) continue;
    const r = chain.try(rec.roles.manager, {
      layer: "lrt",
      command: { type: "unstake", lrt: l.id, delegator: p.index, strategy: p.strategy, shares },
    });
    const root = r?.withdrawalRoot as string | undefined;
    if (root !== undefined) {
      rc.unstakes.set(`${l.id}|${root}`, chain.block + delay + 1n);
      rc.unstakeValue.set(`${l.id}|${root}`, (p.value * shares) / p.shares);
    }
  }
}

function lrtViewsShares(rc: RunContext, strategy: Address, shares: bigint): bigint {
  return sharesToAsset(rc.net.chain.world.eigen, strategy, shares);
}

/** Owners claim what is claimable (finalized; Renzo: after its cooldown), and the wait is recorded. */
export function claimants(rc: RunContext): void {
  const chain = rc.net.chain;
  const w = { eigen: chain.world.eigen, lrt: chain.world.lrt };
  const keep: OpenRequest[] = [];
  for (const r of rc.open) {
    const req = chain.world.lrt.requests.get(`${r.lrt}|${r.id}`);
    if (req === undefined || req.status === "claimed" || req.status === "invalid") continue;
    const rec = getLrt(w, r.lrt);
    if (rec.paused !== 0n) {
      keep.push(r);
      continue;
    }
    const claimable =
      rec.protocol === "renzo"
        ? chain.timestamp >= req.requestedAt + renzoCooldown(rec)
        : req.status === "finalized" &&
          (rec.protocol !== "kelp" || chain.block >= req.requestedBlock + rec.params.withdrawalDelayBlocks);
    if (claimable && chain.try(r.owner, { layer: "lrt", command: { type: "claimWithdrawal", lrt: r.lrt, id: r.id } })) {
      rc.addWait(r.lrt, Number(chain.block - r.block));
      continue;
    }
    keep.push(r);
  }
  rc.open = keep;
}

// ── markets ─────────────────────────────────────────────────────────────────────────────────────────────────────

export function liquidators(rc: RunContext): void {
  const cfg = rc.scenario.agents.liquidators;
  if (cfg === undefined) return;
  const net = rc.net;
  const chain = net.chain;
  const s = chain.world.markets;
  const ctx = { ...marketCtx(net), caller: net.accounts.liquidator };
  // a few rounds: one liquidation can open the next (price impact), as in a cascade
  for (let round = 0; round < 4; round++) {
    const plans = planLiquidations(s, ctx, { minProfit: cfg.minProfit, flash: true });
    if (plans.length === 0) return;
    let done = 0;
    for (const p of plans) {
      const before = s.liquidations.get("all")?.length ?? 0;
      if (chain.try(net.accounts.liquidator, { layer: "market", command: p.command }) === null) continue;
      const hist = s.liquidations.get("all") ?? [];
      for (const rec of hist.slice(before)) {
        rc.liquidationsStep++;
        rc.liquidatedValueStep += rec.debtRepaid;
      }
      done++;
    }
    if (done === 0) return;
  }
}

/** Loopers whose HF is under the threshold sell part of their collateral to repay (as far as withdrawing allows). */
export function loopers(rc: RunContext): void {
  const cfg = rc.scenario.agents.loopers;
  if (cfg === undefined) return;
  const threshold = BigInt(Math.round(cfg.unwindBelowHf * 1e9)) * 10n ** 9n;
  for (const lp of rc.net.loopers) {
    const hf = healthOf(rc, lp);
    if (hf === null || hf >= threshold || hf < WAD) continue;
    unwind(rc, lp, threshold);
  }
}

export function healthOf(rc: RunContext, lp: SimLooper): bigint | null {
  const s = rc.net.chain.world.markets;
  const ctx = marketCtx(rc.net);
  if (lp.market === "aave") {
    if (!s.aaveUsers.has(lp.address)) return null;
    const d = aave.userAccountData(s, ctx, lp.address);
    return d.totalDebtBase === 0n ? null : d.healthFactor;
  }
  const p = s.morphoPositions.get(`${lp.market}|${lp.address}`);
  if (p === undefined || p.borrowShares === 0n) return null;
  const m = morpho.marketOf(s, lp.market);
  return morpho.healthFactor(m, p, morpho.oraclePrice(s, ctx, m));
}

/**
 * Deleverages without a flash loan, as far as the market allows: withdraw the collateral the position can spare
 * (a fraction 1 − 1/HF of it, less a margin, so HF stays ≥ 1), sell it, repay; each round raises HF, so a few rounds
 * a step walk the position back up toward the threshold. Each round is atomic.
 */
function unwind(rc: RunContext, lp: SimLooper, threshold: bigint): void {
  const net = rc.net;
  const chain = net.chain;
  const s = chain.world.markets;
  const l = net.lrts.find((x) => x.id === lp.lrt);
  const pool = l?.pool;
  if (l === undefined || pool === undefined) return;
  const asset = l.marketAsset;
  for (let round = 0; round < 4; round++) {
    const hf = healthOf(rc, lp);
    if (hf === null || hf >= threshold || hf <= WAD) return;
    const collateral =
      lp.market === "aave"
        ? aave.aTokenBalance(s, asset, lp.address, chain.timestamp)
        : (s.morphoPositions.get(`${lp.market}|${lp.address}`)?.collateral ?? 0n);
    // spare = C·(1 − 1/HF), taking 90 % of it for rounding, interest and the oracle moving under the sale
    const take = (((collateral * (hf - WAD)) / hf) * 9n) / 10n;
    if (take === 0n) return;
    const done = chain.atomic("unwind", () => {
      if (lp.market === "aave") {
        chain.apply(lp.address, { layer: "market", command: { type: "aaveWithdraw", asset, amount: take } });
      } else {
        chain.apply(lp.address, {
          layer: "market",
          command: { type: "morphoWithdrawCollateral", market: lp.market, assets: take },
        });
      }
      const before = wethBalance(net, lp.address);
      chain.apply(lp.address, {
        layer: "market",
        command: { type: "swap", pool, assetIn: asset, assetOut: net.weth, amountIn: take, minAmountOut: 0n },
      });
      const got = wethBalance(net, lp.address) - before;
      if (got === 0n) return false;
      if (lp.market === "aave") {
        chain.apply(lp.address, { layer: "market", command: { type: "aaveRepay", asset: net.weth, amount: got } });
      } else {
        // repaying more than owed reverts on Morpho: repay by shares when the proceeds cover the whole debt
        const m = morpho.marketOf(s, lp.market);
        const p = morpho.positionOf(s, lp.market, lp.address);
        const owed = morpho.borrowedAssets(m, p);
        chain.apply(lp.address, {
          layer: "market",
          command:
            got >= owed
              ? { type: "morphoRepay", market: lp.market, assets: 0n, shares: p.borrowShares }
              : { type: "morphoRepay", market: lp.market, assets: got, shares: 0n },
        });
      }
      // selling below oracle price × LT / HF lowers HF instead of raising it: such a round is not worth doing
      const after = healthOf(rc, lp);
      if (after !== null && after <= hf) throw new ProtocolError("UnwindWouldLowerHealth", "the sale price is too low");
      return true;
    });
    if (done !== true) return;
  }
}

// ── LRT holders and arbitrageurs ────────────────────────────────────────────────────────────────────────────────

/** Buys the LRT on the DEX below its rate (net of the wanted discount) and redeems it through the queue. */
export function arbitrageurs(rc: RunContext): void {
  const cfg = rc.scenario.agents.arbitrageurs;
  if (cfg === undefined) return;
  const net = rc.net;
  const chain = net.chain;
  const want = BigInt(Math.round(cfg.minDiscount * 1e9)) * 10n ** 9n;
  for (const l of net.lrts) {
    const pool = l.pool;
    if (pool === undefined) continue;
    const rate = lrtRate(net, l.id);
    const limit = (rate * (WAD - want)) / WAD; // the most it pays per unit
    for (const arb of net.accounts.arbitrageurs) {
      const price = dexPrice(net, l.id);
      if (price === undefined || price > limit) break;
      const cash = wethBalance(net, arb);
      if (cash === 0n) continue;
      // the largest chunk (halving) after which the pool's price is still under the limit: buying past it would
      // pay more than the queue gives back
      let size = cash;
      let out = 0n;
      for (let i = 0; i < 16 && size > 0n; i++, size /= 2n) {
        const q = quoteBuy(net, pool, l.marketAsset, size);
        out = q.out;
        if (out > 0n && q.priceAfter > 0n && q.priceAfter <= limit) break;
        out = 0n;
      }
      if (out === 0n || size === 0n) continue;
      const moved = chain.atomic("arbitrage", () => {
        const before = marketBalance(net, l.marketAsset, arb);
        chain.apply(arb, {
          layer: "market",
          command: { type: "swap", pool, assetIn: net.weth, assetOut: l.marketAsset, amountIn: size, minAmountOut: 0n },
        });
        fromMarket(net, arb, l.id, marketBalance(net, l.marketAsset, arb) - before);
        return true;
      });
      if (moved === null) continue;
      requestExit(rc, arb, l.id, unitsOf(net, l.id, arb));
    }
  }
}

/** Holders exit while the depeg is at or past their threshold: a share of those left acts each step. */
export function fearfulHolders(rc: RunContext): void {
  const cfg = rc.scenario.agents.fearfulStakers;
  if (cfg === undefined) return;
  const net = rc.net;
  const chain = net.chain;
  for (const l of net.lrts) {
    const depth = depegDepth(lrtRate(net, l.id), dexPrice(net, l.id));
    if (depth < cfg.threshold) continue;
    const left = rc.remaining(l.id);
    const n = Math.ceil(left.length * cfg.perStep);
    for (let k = 0; k < n && left.length > 0; k++) {
      const i = rc.int(left.length);
      const holder = left[i] as Address;
      left[i] = left[left.length - 1] as Address;
      left.pop();
      rc.exited.add(`${l.id}|${holder}`);
      const units = unitsOf(net, l.id, holder);
      if (units === 0n) continue;
      const sell = cfg.action === "sell" || (cfg.action === "mixed" && rc.int(2) === 0);
      if (!sell || l.pool === undefined) {
        requestExit(rc, holder, l.id, units);
        continue;
      }
      const pool = l.pool;
      chain.atomic("panicSell", () => {
        const amount = movableToMarket(chain, holder, l.id);
        if (amount === 0n) return false;
        toMarket(net, holder, l.id, amount);
        chain.apply(holder, {
          layer: "market",
          command: {
            type: "swap",
            pool,
            assetIn: l.marketAsset,
            assetOut: net.weth,
            amountIn: amount,
            minAmountOut: 0n,
          },
        });
        return true;
      });
    }
  }
}
