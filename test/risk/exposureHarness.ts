import fc from "fast-check";
import { NATIVE_ETH } from "../../src/core/eigenlayer/eigenPodManager.ts";
import { sharesToAsset } from "../../src/core/eigenlayer/neutral.ts";
import { BEACON_CHAIN_ETH_STRATEGY, type EigenParams } from "../../src/core/eigenlayer/params.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import * as cviews from "../../src/core/eigenlayer/views.ts";
import { WAD } from "../../src/core/shared/math.ts";
import { getLrt, lstByToken } from "../../src/lrt/context.ts";
import { DEMO_DELAYS, demoRoles, deployLsts, LrtChain, role } from "../../src/lrt/demo.ts";
import * as etherfi from "../../src/lrt/etherfi.ts";
import { lstRate } from "../../src/lrt/lst.ts";
import { protocolRate, protocolValue } from "../../src/lrt/operations.ts";
import { PRESETS, presetCommand } from "../../src/lrt/presets.ts";
import * as puffer from "../../src/lrt/puffer.ts";
import * as renzo from "../../src/lrt/renzo.ts";
import { L1, type LrtRecord, type ProtocolKind } from "../../src/lrt/state.ts";
import { createMarketState } from "../../src/markets/state.ts";
import type { SlashEvent } from "../../src/risk/exposureCore.ts";
import type { RiskWorld } from "../../src/risk/exposureWorld.ts";

/**
 * Random small worlds for the exposure engine, and the engine-side measurement it is checked against: apply slashes
 * for real through the core's `execute` (the slasher as caller), let each LRT's own accounting pass the loss on as
 * its protocol would (oracle reports, price updates, guardian reports, reprices), read the holder's value with the
 * protocol's own functions, and roll the world back through the journal.
 */

export const E = (n: bigint | number): bigint => BigInt(n) * WAD;
const milli = (n: number): bigint => (BigInt(n) * WAD) / 1000n;

const KINDS: ProtocolKind[] = ["etherfi", "renzo", "kelp", "puffer", "swell"];

export const worldSpec = fc.record({
  kinds: fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 2 }),
  nOps: fc.integer({ min: 1, max: 3 }),
  sets: fc.array(
    fc.record({
      avs: fc.integer({ min: 0, max: 1 }),
      strategies: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
      redistribute: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  /** per (operator, set): registered? and allocation quanta per strategy (0..4, eighths of the magnitude) */
  regs: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
  quanta: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 36, maxLength: 36 }),
  deposits: fc.array(
    fc.record({
      user: fc.integer({ min: 0, max: 2 }),
      lrt: fc.integer({ min: 0, max: 1 }),
      asset: fc.integer({ min: 0, max: 3 }),
      milli: fc.integer({ min: 500, max: 60_000 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
  restakeBps: fc.integer({ min: 0, max: 10_000 }),
  native: fc.boolean(),
  bond: fc.boolean(),
  unstakeBps: fc.integer({ min: 0, max: 5_000 }),
  bridgeBps: fc.integer({ min: 0, max: 8_000 }),
  wrapBps: fc.integer({ min: 0, max: 8_000 }),
  requestBps: fc.integer({ min: 0, max: 3_000 }),
  direct: fc.record({
    milli: fc.integer({ min: 0, max: 30_000 }),
    strategy: fc.integer({ min: 0, max: 2 }),
    op: fc.integer({ min: 0, max: 2 }),
    queueBps: fc.integer({ min: 0, max: 5_000 }),
  }),
});
export type WorldSpec = typeof worldSpec extends fc.Arbitrary<infer T> ? T : never;

export interface Built {
  c: LrtChain;
  world: RiskWorld;
  lrts: string[];
  users: Address[];
  direct: Address;
  operators: Address[];
}

const LST_IDS = ["steth", "reth", "cbeth"] as const;

/** Builds a world from a spec through `execute`/`executeLrt`, then brings every LRT's accounting up to date. */
export function buildWorld(spec: WorldSpec): Built {
  const c = new LrtChain({ ...DEMO_DELAYS });
  const lstOracle = role("lst-oracle");
  const { lsts, strategies } = deployLsts(c, lstOracle, role("lst-seeder"), true);
  const stratList = [strategies.steth!, strategies.reth!, strategies.cbeth!, BEACON_CHAIN_ETH_STRATEGY];
  const avss = [role("avs/0"), role("avs/1")];
  const operators = Array.from({ length: spec.nOps }, (_, i) => role(`op/${i}`));
  // operator sets
  const sets: { avs: Address; id: bigint; strategies: Address[] }[] = [];
  for (const avs of avss) c.core(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "" });
  spec.sets.forEach((s, i) => {
    const avs = avss[s.avs]!;
    const redistribute = s.redistribute && !s.strategies.includes(3);
    const strategiesOf = [...new Set(s.strategies.map((k) => stratList[k]!))].sort();
    c.core(avs, {
      type: "createOperatorSets",
      avs,
      operatorSets: [{ operatorSetId: BigInt(i + 1), strategies: strategiesOf }],
      ...(redistribute ? { redistributionRecipients: [role(`recipient/${i}`)] } : {}),
    });
    sets.push({ avs, id: BigInt(i + 1), strategies: strategiesOf });
  });
  operators.forEach((op) => {
    c.core(op, { type: "registerAsOperator", allocationDelay: 0n });
  });
  operators.forEach((op, o) => {
    sets.forEach((set, k) => {
      if (spec.regs[o * 3 + k]) {
        c.core(op, { type: "registerForOperatorSets", operator: op, avs: set.avs, operatorSetIds: [set.id] });
      }
    });
  });
  c.advance(DEMO_DELAYS.allocationConfigurationDelayBlocks + 1n);
  operators.forEach((op, o) => {
    // per strategy, the quanta over the sets the operator joined, scaled to at most 8 eighths
    const allocs: { avs: Address; operatorSetId: bigint; strategies: Address[]; newMagnitudes: bigint[] }[] = [];
    const per = new Map<string, { k: number; q: number }[]>();
    sets.forEach((set, k) => {
      if (!spec.regs[o * 3 + k]) return;
      for (const st of set.strategies) {
        const q = spec.quanta[(o * 3 + k) * 4 + stratList.indexOf(st)]!;
        if (q === 0) continue;
        const list = per.get(st) ?? [];
        list.push({ k, q });
        per.set(st, list);
      }
    });
    for (const [st, list] of per) {
      const total = list.reduce((a, x) => a + x.q, 0);
      for (const { k, q } of list) {
        const scaled = total > 8 ? Math.floor((q * 8) / total) : q;
        if (scaled === 0) continue;
        const set = sets[k]!;
        let a = allocs.find((x) => x.avs === set.avs && x.operatorSetId === set.id);
        if (a === undefined) {
          a = { avs: set.avs, operatorSetId: set.id, strategies: [], newMagnitudes: [] };
          allocs.push(a);
        }
        a.strategies.push(st as Address);
        a.newMagnitudes.push((WAD * BigInt(scaled)) / 8n);
      }
    }
    for (const a of allocs) {
      const order = a.strategies.map((s, i) => ({ s, m: a.newMagnitudes[i]! })).sort((x, y) => (x.s < y.s ? -1 : 1));
      a.strategies = order.map((x) => x.s);
      a.newMagnitudes = order.map((x) => x.m);
    }
    if (allocs.length > 0) c.core(op, { type: "modifyAllocations", operator: op, allocations: allocs });
  });
  c.advance(1n);
  // users and LRTs
  const users = [0, 1, 2].map((i) => role(`user/${i}`));
  for (const u of users) {
    c.fund(u, E(2_000));
    for (const id of LST_IDS) c.lrt(u, { type: "lstSubmit", lst: id, amount: E(300) });
  }
  const lrts: string[] = [];
  const assets = { stETH: lsts.steth, rETH: lsts.reth, cbETH: lsts.cbeth };
  for (const kind of spec.kinds) {
    const roles = demoRoles(kind);
    const cmd = presetCommand(kind, roles, assets);
    c.lrt(c.admin, cmd);
    lrts.push(cmd.id);
    const n = Math.min(spec.nOps, kind === "kelp" ? 2 : 3);
    const w = spec.weights.slice(0, n);
    const sum = w.reduce((a, x) => a + x, 0);
    w.forEach((x, i) => {
      c.lrt(roles.admin, {
        type: "addDelegator",
        lrt: cmd.id,
        operator: operators[i]!,
        weightBps: BigInt(Math.floor((x * 10_000) / sum)),
      });
    });
  }
  c.advance(1n);
  const assetOf = (i: number): Address => (i === 0 ? NATIVE_ETH : lsts[LST_IDS[i - 1]!]!);
  for (const d of spec.deposits) {
    const id = lrts[d.lrt % lrts.length]!;
    const rec = getLrt(c.w, id);
    let asset = assetOf(d.asset);
    if (!rec.assets.includes(asset)) asset = rec.assets[0]!;
    const amount = asset === NATIVE_ETH ? milli(d.milli) : (milli(d.milli) * WAD) / lstRate(lstByToken(c.w, asset)!);
    c.lrt(users[d.user]!, { type: "deposit", lrt: id, asset, amount });
  }
  c.advance(1n);
  const reporter = c.w.eigen.params.beaconReporter;
  for (const id of lrts) {
    const rec = getLrt(c.w, id);
    // restake a share of every LST the pool holds, in two parts (the routing rule spreads them)
    for (const asset of rec.assets) {
      if (asset === NATIVE_ETH) continue;
      const held = c.w.eigen.balances.get(`${asset}|${rec.accounts.pool}`) ?? 0n;
      const amount = (held * BigInt(spec.restakeBps)) / 10_000n;
      const half = amount / 2n;
      if (half > 0n) c.lrt(rec.roles.manager, { type: "restake", lrt: id, asset, amount: half });
      if (amount - half > 0n) c.lrt(rec.roles.manager, { type: "restake", lrt: id, asset, amount: amount - half });
    }
    if (rec.protocol === "puffer" && spec.bond) {
      c.fund(role("node-operator"), E(10));
      rec.delegators.forEach((_, i) => {
        c.lrt(role("node-operator"), {
          type: "postBond",
          lrt: id,
          delegator: BigInt(i),
          validators: 1n,
          enclave: false,
        });
      });
    }
    const pool = c.w.eigen.balances.get(`${NATIVE_ETH}|${rec.accounts.pool}`) ?? 0n;
    const ethLiquid = rec.book.kind === "etherfi" ? rec.book.inLp : pool;
    if (spec.native && rec.assets.includes(NATIVE_ETH) && pool >= E(32) && ethLiquid >= E(32)) {
      const last = BigInt(rec.delegators.length - 1);
      c.lrt(rec.roles.manager, { type: "stakeNative", lrt: id, delegator: last, validators: 1n });
      c.advance(1n);
      c.core(reporter, {
        type: "verifyWithdrawalCredentials",
        podOwner: getLrt(c.w, id).delegators[Number(last)]!.address,
        validators: [{ validatorIndex: BigInt(1000 + lrts.indexOf(id)), effectiveBalanceGwei: 32_000_000_000n }],
      });
    }
    // a queued core withdrawal (still slashable) of part of the first delegator's first strategy
    const d0 = getLrt(c.w, id).delegators[0]!;
    const st = cviews.stakerStrategies(c.w.eigen, d0.address)[0];
    if (st !== undefined && spec.unstakeBps > 0) {
      const shares = (cviews.depositSharesOf(c.w.eigen, d0.address, st) * BigInt(spec.unstakeBps)) / 10_000n;
      if (shares > 0n) c.lrt(rec.roles.manager, { type: "unstake", lrt: id, delegator: 0n, strategy: st, shares });
    }
  }
  // holders: wrap (ether.fi), bridge to an L2, a withdrawal request
  const verifier = role("bridge-verifier");
  for (const id of lrts) {
    const rec = getLrt(c.w, id);
    const holder = users.find((u) => (c.w.lrt.balances.get(`${id}|${rec.symbol}|${L1}|${u}`) ?? 0n) > 0n);
    if (holder === undefined) continue;
    const bal = () => c.w.lrt.balances.get(`${id}|${rec.symbol}|${L1}|${holder}`) ?? 0n;
    if (rec.wrappedSymbol !== null && spec.wrapBps > 0) {
      const amount = etherfi.amountForShare(getLrt(c.w, id), (bal() * BigInt(spec.wrapBps)) / 10_000n);
      if (amount > 0n) c.lrt(holder, { type: "wrap", lrt: id, amount: (bal() * BigInt(spec.wrapBps)) / 10_000n });
    }
    const sym = rec.wrappedSymbol ?? rec.symbol;
    const bridgeable = c.w.lrt.balances.get(`${id}|${sym}|${L1}|${holder}`) ?? 0n;
    const out = (bridgeable * BigInt(spec.bridgeBps)) / 10_000n;
    if (out > 0n) {
      const chain = "arbitrum";
      c.lrt(rec.roles.admin, { type: "addBridgeRoute", lrt: id, chain, mechanism: "lockAndMint", verifier });
      c.lrt(holder, { type: "bridgeOut", lrt: id, fromChain: L1, toChain: chain, to: holder, amount: out });
      c.lrt(verifier, { type: "bridgeIn", lrt: id, fromChain: L1, toChain: chain, nonce: 1n, to: holder, amount: out });
    }
    const other = users.find(
      (u) => u !== holder && (c.w.lrt.balances.get(`${id}|${rec.symbol}|${L1}|${u}`) ?? 0n) > 0n,
    );
    if (other !== undefined && spec.requestBps > 0) {
      const units =
        ((c.w.lrt.balances.get(`${id}|${rec.symbol}|${L1}|${other}`) ?? 0n) * BigInt(spec.requestBps)) / 10_000n;
      const amount = rec.protocol === "etherfi" ? etherfi.amountForShare(getLrt(c.w, id), units) : units;
      if (amount > WAD / 50n) {
        const asset = rec.protocol === "kelp" || rec.protocol === "renzo" ? NATIVE_ETH : undefined;
        try {
          c.lrt(other, { type: "requestWithdrawal", lrt: id, amount, ...(asset ? { asset } : {}) });
        } catch {
          // a buffer or a committed asset too small for this request: no request, then
        }
      }
    }
  }
  // a direct restaker: an LST into a core strategy, delegated to an operator, part of it queued
  const direct = role("direct-staker");
  if (spec.direct.milli > 0) {
    const lst = LST_IDS[spec.direct.strategy]!;
    c.fund(direct, E(100));
    c.lrt(direct, { type: "lstSubmit", lst, amount: milli(spec.direct.milli) });
    const token = lsts[lst]!;
    const shares = c.w.eigen.balances.get(`${token}|${direct}`) ?? 0n;
    c.core(direct, { type: "depositIntoStrategy", strategy: strategies[lst]!, amount: shares });
    const op = operators[spec.direct.op % operators.length]!;
    c.core(direct, { type: "delegateTo", operator: op });
    const q = (cviews.depositSharesOf(c.w.eigen, direct, strategies[lst]!) * BigInt(spec.direct.queueBps)) / 10_000n;
    if (q > 0n)
      c.core(direct, { type: "queueWithdrawals", params: [{ strategies: [strategies[lst]!], depositShares: [q] }] });
  }
  // bring every LRT's accounting up to date, then let Puffer's vesting run out and check again
  catchUp(c, lrts);
  c.advance(8n * 7_200n);
  catchUp(c, lrts);
  const world: RiskWorld = { eigen: c.w.eigen, lrt: c.w.lrt, markets: createMarketState({}, c.w.eigen.journal) };
  return { c, world, lrts, users, direct, operators };
}

/** Runs each LRT's own recognition until its value is what the core says (ether.fi: report after report). */
export function catchUp(c: LrtChain, lrts: string[], limits = false): void {
  for (const id of lrts) recognise(c, id, limits);
}

/**
 * The protocol's own accounting, as it would run: ether.fi's oracle reports (≥ 3 days apart, so only the −3 bps cap
 * binds) until one recognises everything it observes; Renzo's oracle refreshes its feeds (TVL is live anyway);
 * anyone's Kelp price update; Puffer's guardian report; Swell's reprice. With `lift`, an admin first lifts a price
 * guard the move would trip (Kelp pricePercentageLimit, Swell maxRepriceDiff), as governance would have to.
 */
export function recognise(c: LrtChain, id: string, lift: boolean): number {
  const rec = getLrt(c.w, id);
  switch (rec.protocol) {
    case "etherfi": {
      for (let n = 1; n <= 20_000; n++) {
        c.advance(3n * 7_200n);
        const r = c.lrt(rec.roles.oracle, { type: "report", lrt: id }).result as {
          observed: bigint;
          recognised: bigint;
        };
        if (r.recognised === r.observed) return n;
      }
      throw new Error("ether.fi never caught up");
    }
    case "renzo":
      c.advance(1n);
      c.lrt(rec.roles.oracle, { type: "report", lrt: id });
      return 1;
    case "kelp":
      c.advance(1n);
      if (lift) c.lrt(rec.roles.admin, { type: "setParams", lrt: id, params: { pricePercentageLimit: 0n } });
      c.lrt(role("anyone"), { type: "report", lrt: id });
      return 1;
    case "puffer":
      c.advance(1n);
      c.lrt(rec.roles.oracle, { type: "report", lrt: id });
      return 1;
    case "swell":
      c.advance(rec.params.minReportIntervalSeconds / 12n + 1n);
      if (lift) c.lrt(rec.roles.admin, { type: "setParams", lrt: id, params: { maxRepriceDiffBps: 0n } });
      c.lrt(rec.roles.oracle, { type: "report", lrt: id });
      return 1;
  }
}

/** A holder's value in ETH as the protocol prices its tokens, with the protocol's own functions. */
export function protocolHolderValue(c: LrtChain, holder: Address): bigint {
  let total = 0n;
  for (const [k, units] of c.w.lrt.balances.entries()) {
    const [id, , , who] = k.split("|");
    if (who !== holder || units === 0n) continue;
    total += unitsValue(c, getLrt(c.w, id!), units);
  }
  return total;
}

export function unitsValue(c: LrtChain, rec: LrtRecord, units: bigint): bigint {
  const block = c.block;
  const now = c.timestamp;
  switch (rec.protocol) {
    case "etherfi":
      return etherfi.amountForShare(rec, units);
    case "renzo":
      return renzo.redeemAmount(rec, renzo.tvlOrZero(c.w, rec, block, now), units);
    case "kelp":
    case "swell":
      return (units * protocolRate(c.w, rec, block, now)) / WAD;
    case "puffer":
      return puffer.convertToAssets(protocolValue(c.w, rec, block, now), rec.supply, units);
  }
}

/** A direct staker's restaked and queued value, from the core's own views. */
export function coreHolderValue(c: LrtChain, staker: Address): bigint {
  const s = c.w.eigen;
  const price = (st: Address) => {
    if (st === BEACON_CHAIN_ETH_STRATEGY) return WAD;
    const l = lstByToken(c.w, s.strategies.get(st)!.token);
    return l === undefined ? 0n : lstRate(l);
  };
  let v = 0n;
  for (const st of cviews.stakerStrategies(s, staker)) {
    v += (sharesToAsset(s, st, cviews.withdrawableShares(s, staker, st)) * price(st)) / WAD;
  }
  for (const q of cviews.queuedWithdrawals(s, c.block, staker)) {
    q.withdrawal.strategies.forEach((st, i) => {
      v += (sharesToAsset(s, st, q.shares[i]!) * price(st)) / WAD;
    });
  }
  return v;
}

/**
 * Applies `events` for real (each slasher slashes its operator by the maximum, on every strategy of its set), lets
 * every LRT recognise the loss, measures `measure()`, and rolls everything back. With no events it measures the same
 * recognition without a slash (the baseline).
 */
export function measureAfter<T>(
  b: Built,
  events: readonly SlashEvent[],
  measure: () => T,
): { value: T; reports: number } {
  const { c } = b;
  const journal = c.w.eigen.journal;
  const block0 = c.block;
  const mark = journal.begin();
  let reports = 0;
  try {
    for (const e of events) {
      c.core(e.slasher, {
        type: "slashOperator",
        avs: e.avs,
        operator: e.operator,
        operatorSetId: e.operatorSetId,
        strategies: e.strategies.map((x) => x.strategy),
        wadsToSlash: e.strategies.map(() => WAD),
        description: "exposure test",
      });
    }
    for (const id of b.lrts) reports += recognise(c, id, true);
    return { value: measure(), reports };
  } finally {
    journal.rollback(mark);
    c.block = block0;
  }
}

/**
 * A world small enough to do by hand: stETH at exactly 1 ETH, one AVS operator set over every strategy, operator A
 * allocating 50 % of its stETH stake to it and operator B 25 %; a Renzo LRT (live TVL, so a slash reaches the rate at
 * once) with delegators on A (60 %) and B (40 %); one holder deposits 60 stETH then 40 stETH and holds all 100 ezETH.
 * Options: a redistributing operator set, core parameters.
 */
export function handWorld(opts: { redistribute?: boolean; params?: Partial<EigenParams> } = {}) {
  const c = new LrtChain({ ...DEMO_DELAYS, ...(opts.params ?? {}) });
  const { lsts, strategies } = deployLsts(c, role("lst-oracle"), role("lst-seeder"), false);
  const avs = role("hand/avs");
  const [a, b] = [role("hand/op/a"), role("hand/op/b")];
  const all = [...Object.values(strategies)].sort();
  c.core(avs, { type: "updateAVSMetadataURI", avs, metadataURI: "hand" });
  c.core(avs, {
    type: "createOperatorSets",
    avs,
    operatorSets: [{ operatorSetId: 1n, strategies: all }],
    ...(opts.redistribute ? { redistributionRecipients: [role("hand/recipient")] } : {}),
  });
  for (const op of [a, b]) {
    c.core(op, { type: "registerAsOperator", allocationDelay: 0n });
    c.core(op, { type: "registerForOperatorSets", operator: op, avs, operatorSetIds: [1n] });
  }
  c.advance(DEMO_DELAYS.allocationConfigurationDelayBlocks + 1n);
  for (const [op, m] of [
    [a, WAD / 2n],
    [b, WAD / 4n],
  ] as const) {
    c.core(op, {
      type: "modifyAllocations",
      operator: op,
      allocations: [{ avs, operatorSetId: 1n, strategies: [strategies.steth!], newMagnitudes: [m] }],
    });
  }
  c.advance(1n);
  const roles = demoRoles("hand-renzo");
  const cmd = presetCommand("renzo", roles, { stETH: lsts.steth, cbETH: lsts.cbeth });
  c.lrt(c.admin, cmd);
  c.lrt(roles.admin, { type: "addDelegator", lrt: cmd.id, operator: a, weightBps: 6_000n });
  c.lrt(roles.admin, { type: "addDelegator", lrt: cmd.id, operator: b, weightBps: 4_000n });
  const holder = role("hand/holder");
  c.fund(holder, E(1_000));
  c.lrt(holder, { type: "lstSubmit", lst: "steth", amount: E(100) });
  c.lrt(holder, { type: "deposit", lrt: cmd.id, asset: lsts.steth!, amount: E(60) });
  c.lrt(holder, { type: "deposit", lrt: cmd.id, asset: lsts.steth!, amount: E(40) });
  c.advance(1n);
  const world: RiskWorld = { eigen: c.w.eigen, lrt: c.w.lrt, markets: createMarketState({}, c.w.eigen.journal) };
  return { c, world, holder, a, b, avs, lrt: cmd.id, strategies };
}

export { PRESETS };
