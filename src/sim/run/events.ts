import * as dm from "../../core/eigenlayer/delegationManager.ts";
import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../core/eigenlayer/params.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import { balanceOf } from "../../core/eigenlayer/tokens.ts";
import { WAD } from "../../core/shared/math.ts";
import { getLrt } from "../../lrt/context.ts";
import { ALL_PAUSE_FLAGS, L1 } from "../../lrt/state.ts";
import { livePrice } from "../../lrt/valuation.ts";
import { nav as lrtNav } from "../../lrt/views.ts";
import * as aave from "../../markets/aave.ts";
import { price as oraclePrice } from "../../markets/oracles.ts";
import { quoteSwap } from "../../markets/pools.ts";
import { movableToMarket, toMarket } from "../network/gateway.ts";
import type { SimLrt } from "../network/types.ts";
import type { OperatorSelector, TimelineEvent } from "../scenario/types.ts";
import { requestExit } from "./agents.ts";
import type { RunContext } from "./context.ts";
import { lrtRate, marketBalance, marketCtx, unitsOf, unitsValue } from "./read.ts";
import { avsSlash, measured, serves } from "./slash.ts";

/** The timeline: each event becomes real commands on the world, at its block. */

function lrtOf(rc: RunContext, id: string): SimLrt {
  const l = rc.net.lrts.find((x) => x.id === id);
  if (l === undefined) throw new Error(`unknown LRT ${id}`);
  return l;
}

function selectOperators(rc: RunContext, sel: OperatorSelector, among: readonly string[]): string[] {
  if ("ids" in sel) return sel.ids.filter((id) => among.includes(id));
  return rc.sample(among, sel.random);
}

export function applyEvent(rc: RunContext, ev: TimelineEvent): void {
  const net = rc.net;
  const chain = net.chain;
  switch (ev.event) {
    case "avsSlash": {
      const avs = net.avss.find((a) => a.id === ev.avs);
      if (avs === undefined) throw new Error(`unknown AVS ${ev.avs}`);
      const members = [...new Set(avs.operatorSets.flatMap((s) => s.operators))].sort();
      const ops = selectOperators(rc, ev.operators, members);
      avsSlash(rc, avs, ops, ev.fraction, `sim: slash at block ${ev.at}`);
      return;
    }
    case "fault": {
      // the faulty operators: named, drawn, or every operator running the client (a correlated fault)
      const all = net.operators.map((o) => o.id);
      const faulty =
        ev.client !== undefined
          ? net.operators.filter((o) => o.clients.includes(ev.client as string)).map((o) => o.id)
          : selectOperators(rc, ev.operators ?? { random: 1 }, all);
      for (const avs of net.avss) {
        if (ev.avss !== undefined && !ev.avss.includes(avs.id)) continue;
        // a client bug is slashed by the AVSs that run that client; any other fault by every AVS the operator serves
        if (ev.client !== undefined && avs.client !== ev.client) continue;
        const hit = faulty.filter((id) => serves(avs, id));
        if (hit.length === 0) continue;
        avsSlash(rc, avs, hit, rc.slashFraction(avs.id, ev.fault), `sim: ${ev.fault}`);
      }
      return;
    }
    case "beaconSlash":
      beaconSlash(rc, ev.lrt, ev.validators, ev.penalty);
      return;
    case "lrtExploit": {
      const rec = getLrt(chain.world, ev.lrt);
      const pool = rec.accounts.pool;
      const w = { eigen: chain.world.eigen, lrt: chain.world.lrt };
      for (const asset of rec.assets) {
        const held = balanceOf(chain.world.eigen, asset, pool);
        const take = (held * BigInt(Math.round(ev.fraction * 1e6))) / 1_000_000n;
        if (take === 0n) continue;
        // a compromised contract moves what it holds: the protocol's books still count it
        const navBefore = navOf(rc, ev.lrt);
        if (
          chain.try(pool, {
            layer: "eigen",
            command: { type: "transfer", token: asset, to: net.accounts.attacker, amount: take },
          })
        ) {
          const value = (take * livePrice(w, asset)) / WAD;
          rc.stolen += value;
          const d = navBefore - navOf(rc, ev.lrt);
          rc.lossLrtHolders += d > 0n ? d : 0n;
        }
      }
      return;
    }
    case "bridgeMint": {
      const l = lrtOf(rc, ev.lrt);
      const bridge = l.bridges.find((b) => b.chain === ev.chain);
      if (bridge === undefined) throw new Error(`LRT ${ev.lrt} has no bridge to ${ev.chain}`);
      const attacker = net.accounts.attacker;
      // a forged message from the L2: the verifier attests to a burn that never happened
      const ok = chain.try(bridge.verifier, {
        layer: "lrt",
        command: {
          type: "bridgeIn",
          lrt: ev.lrt,
          fromChain: ev.chain,
          toChain: L1,
          nonce: rc.nextForgedNonce(),
          to: attacker,
          amount: ev.amount,
        },
      });
      if (ok === null) {
        rc.notes.push(`block ${ev.at}: bridgeMint on ${ev.lrt}/${ev.chain} was rejected by the bridge`);
        return;
      }
      rc.stolen += unitsValue(net, ev.lrt, ev.amount);
      if ((ev.borrowToHf ?? 0) > 0) attackerBorrows(rc, l, ev.amount, ev.borrowToHf as number);
      return;
    }
    case "oracle": {
      const admin = net.accounts.riskAdmin;
      if (ev.action === "set") {
        chain.try(admin, {
          layer: "market",
          command: { type: "setOraclePrice", oracle: ev.oracle, price: ev.price ?? 0n },
        });
      } else {
        chain.try(admin, {
          layer: "market",
          command: { type: "setOracleFrozen", oracle: ev.oracle, frozen: ev.action === "freeze" },
        });
      }
      return;
    }
    case "depeg":
      depegShock(rc, lrtOf(rc, ev.lrt), ev.amount, ev.toPrice);
      return;
    case "massWithdrawal": {
      const holders = net.lrtHolders.filter((h) => ev.lrt === undefined || h.lrt === ev.lrt);
      const n = Math.round(holders.length * ev.fraction);
      for (const h of rc.sample(holders, n)) {
        // through requestExit, so the request is in the queue metrics and its owner claims it when it is claimable
        if (requestExit(rc, h.address, h.lrt, unitsOf(net, h.lrt, h.address))) rc.exited.add(`${h.lrt}|${h.address}`);
      }
      return;
    }
    case "params": {
      const admin = net.accounts.riskAdmin;
      if ("aaveReserve" in ev.target) {
        const asset = ev.target.aaveReserve;
        if (ev.freeze !== undefined)
          chain.try(admin, { layer: "market", command: { type: "aaveSetReserveFreeze", asset, frozen: ev.freeze } });
        if (ev.pause !== undefined)
          chain.try(admin, { layer: "market", command: { type: "aaveSetReservePause", asset, paused: ev.pause } });
        if (ev.ltv !== undefined)
          chain.try(admin, {
            layer: "market",
            command: { type: "aaveSetReserveConfig", asset, config: { ltv: BigInt(Math.round(ev.ltv * 10_000)) } },
          });
      } else {
        const l = lrtOf(rc, ev.target.lrt);
        if (ev.pause === true)
          chain.try(l.roles.pauser, { layer: "lrt", command: { type: "pause", lrt: l.id, flags: ALL_PAUSE_FLAGS } });
        if (ev.pause === false)
          chain.try(l.roles.pauser, { layer: "lrt", command: { type: "unpause", lrt: l.id, flags: ALL_PAUSE_FLAGS } });
      }
      return;
    }
  }
}

function navOf(rc: RunContext, lrt: string): bigint {
  const chain = rc.net.chain;
  return lrtNav({ eigen: chain.world.eigen, lrt: chain.world.lrt }, lrt, {
    block: chain.block,
    timestamp: chain.timestamp,
  }).nav;
}

/**
 * Beacon-chain slashing: `count` active validators behind the LRT's pods (every pod without `lrt`) lose `penalty`
 * each. The reporter forces a checkpoint (verifyStaleBalance) and reports the pod's balances; the engine applies the
 * beacon-chain slashing factor to the pod owner's shares.
 */
function beaconSlash(rc: RunContext, lrt: string | undefined, count: number, penalty: bigint): void {
  const chain = rc.net.chain;
  const s = chain.world.eigen;
  const owners = new Set<string>(
    lrt === undefined ? [...s.pods.keys()] : getLrt(chain.world, lrt).delegators.map((d) => d.address),
  );
  const candidates: { owner: Address; index: bigint; gwei: bigint }[] = [];
  for (const [key, v] of s.validators.entries()) {
    const owner = key.slice(0, key.indexOf("|")) as Address;
    if (!owners.has(owner) || v.status !== "ACTIVE" || rc.slashedValidators.has(key)) continue;
    candidates.push({ owner, index: v.index, gwei: v.restakedBalanceGwei });
  }
  candidates.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.index < b.index ? -1 : 1));
  const hit = rc.sample(candidates, count);
  if (hit.length < count) rc.notes.push(`beaconSlash: only ${hit.length} of ${count} validators exist`);
  const byOwner = new Map<Address, Set<bigint>>();
  for (const h of hit) {
    const set = byOwner.get(h.owner) ?? new Set<bigint>();
    set.add(h.index);
    byOwner.set(h.owner, set);
    rc.slashedValidators.add(`${h.owner}|${h.index}`);
  }
  const penaltyGwei = penalty / 1_000_000_000n;
  const reporter = s.params.beaconReporter;
  for (const [owner, indices] of [...byOwner.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const operator = dm.delegatedTo(s, owner);
    const balances: { validatorIndex: bigint; balanceGwei: bigint }[] = [];
    for (const [key, v] of s.validators.entries()) {
      if (!key.startsWith(`${owner}|`) || v.status !== "ACTIVE") continue;
      const cut = indices.has(v.index) ? penaltyGwei : 0n;
      balances.push({
        validatorIndex: v.index,
        balanceGwei: v.restakedBalanceGwei > cut ? v.restakedBalanceGwei - cut : 0n,
      });
    }
    balances.sort((a, b) => (a.validatorIndex < b.validatorIndex ? -1 : 1));
    const first = [...indices].sort((a, b) => (a < b ? -1 : 1))[0] as bigint;
    measured(rc, operator === null ? [] : [operator], [BEACON_CHAIN_ETH_STRATEGY], () => {
      const started = chain.try(reporter, {
        layer: "eigen",
        command: { type: "verifyStaleBalance", podOwner: owner, validatorIndex: first },
      });
      if (started === null) {
        rc.notes.push(`beaconSlash: could not start a checkpoint for ${owner}`);
        return;
      }
      chain.try(reporter, { layer: "eigen", command: { type: "verifyCheckpointProofs", podOwner: owner, balances } });
    });
    // ETH that left the beacon chain as penalties: outside every party's hands
    rc.beaconPenalties += penaltyGwei * 1_000_000_000n * BigInt(indices.size);
  }
}

/**
 * A seller dumps the LRT into its pool: it mints ETH (injected), deposits it into the LRT, moves the tokens to the
 * markets and sells. With `toPrice`, it sells what brings the pool's price to that fraction of the rate.
 */
function depegShock(rc: RunContext, l: SimLrt, amount: bigint | undefined, toPrice: number | undefined): void {
  const net = rc.net;
  const chain = net.chain;
  if (l.pool === undefined) {
    rc.notes.push(`depeg: ${l.id} has no pool`);
    return;
  }
  const pool = l.pool;
  let units = amount ?? 0n;
  if (toPrice !== undefined) {
    const target = (lrtRate(net, l.id) * BigInt(Math.round(toPrice * 1e9))) / 1_000_000_000n;
    let lo = 0n;
    let hi = poolBalance(rc, pool, l.marketAsset) * 20n + WAD;
    for (let i = 0; i < 60 && hi - lo > WAD / 1000n; i++) {
      const mid = (lo + hi) / 2n;
      let after: bigint;
      try {
        after = quoteSwap(chain.world.markets, pool, l.marketAsset, net.weth, mid, chain.timestamp).spotAfter;
      } catch {
        after = 0n;
      }
      if (after > target) lo = mid;
      else hi = mid;
    }
    units = hi;
  }
  if (units === 0n) return;
  const seller = net.accounts.shockSeller;
  const have = marketBalance(net, l.marketAsset, seller);
  if (have < units) {
    const need = units - have;
    const eth = unitsValue(net, l.id, need) + unitsValue(net, l.id, need) / 100n + WAD;
    chain.apply(chain.world.eigen.params.admin, {
      layer: "eigen",
      command: { type: "mint", token: NATIVE_ETH, to: seller, amount: eth },
    });
    rc.injected += eth;
    const ok = chain.atomic("depegSeller", () => {
      chain.apply(seller, { layer: "lrt", command: { type: "deposit", lrt: l.id, asset: NATIVE_ETH, amount: eth } });
      toMarket(net, seller, l.id, movableToMarket(chain, seller, l.id));
      return true;
    });
    if (ok === null) {
      rc.notes.push(`depeg: deposits into ${l.id} failed; the seller could not get tokens`);
      return;
    }
  }
  const sell = marketBalance(net, l.marketAsset, seller);
  const qty = sell < units ? sell : units;
  chain.try(seller, {
    layer: "market",
    command: { type: "swap", pool, assetIn: l.marketAsset, assetOut: net.weth, amountIn: qty, minAmountOut: 0n },
  });
}

function poolBalance(rc: RunContext, pool: string, asset: string): bigint {
  const p = rc.net.chain.world.markets.pools.get(pool);
  if (p === undefined) return 0n;
  const i = p.assets.indexOf(asset);
  const bal = p.kind === "stableswap" ? p.balances : p.reserves;
  return i < 0 ? 0n : (bal[i] ?? 0n);
}

/**
 * The rsETH pattern: the attacker moves its forged tokens to the markets, supplies them to the Aave-style pool (in
 * the e-mode that lists them, when one does) and borrows WETH down to the target health factor.
 */
function attackerBorrows(rc: RunContext, l: SimLrt, units: bigint, hf: number): void {
  const net = rc.net;
  const chain = net.chain;
  const attacker = net.accounts.attacker;
  if (!net.aaveAssets.includes(l.marketAsset)) {
    rc.notes.push(`bridgeMint: ${l.marketAsset} is not listed on the lending pool; the attacker keeps the tokens`);
    return;
  }
  const s = chain.world.markets;
  if (chain.atomic("attackerToMarket", () => toMarket(net, attacker, l.id, units)) === null) {
    rc.notes.push("bridgeMint: the attacker could not move the tokens to the markets");
    return;
  }
  for (const [id, cat] of [...s.eModes.entries()].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    if (cat.collateralAssets.includes(l.marketAsset) && cat.borrowableAssets.includes(net.weth)) {
      chain.try(attacker, { layer: "market", command: { type: "aaveSetUserEMode", categoryId: Number(id) } });
      break;
    }
  }
  const held = marketBalance(net, l.marketAsset, attacker);
  if (
    chain.try(attacker, { layer: "market", command: { type: "aaveSupply", asset: l.marketAsset, amount: held } }) ===
    null
  ) {
    rc.notes.push(`bridgeMint: supplying ${l.marketAsset} was rejected (frozen, paused or capped)`);
    return;
  }
  const ctx = marketCtx(net);
  const data = aave.userAccountData(s, ctx, attacker);
  const wethPrice = oraclePrice(s, ctx, aave.reserveOf(s, net.weth).oracle);
  // debt that puts HF at the target, capped by what LTV allows
  const hfWad = BigInt(Math.round(hf * 1e9)) * 10n ** 9n;
  const byHf = (data.totalCollateralBase * data.avgLiquidationThreshold * WAD) / 10_000n / hfWad;
  const byLtv = (data.totalCollateralBase * data.avgLtv) / 10_000n;
  const debtBase = (byHf < byLtv ? byHf : byLtv) - data.totalDebtBase;
  if (debtBase <= 0n) return;
  const amount = (debtBase * WAD) / wethPrice;
  const borrowed = chain.try(attacker, {
    layer: "market",
    command: { type: "aaveBorrow", asset: net.weth, amount: (amount * 999n) / 1000n },
  });
  if (borrowed === null) rc.notes.push("bridgeMint: the attacker's borrow was rejected");
}
