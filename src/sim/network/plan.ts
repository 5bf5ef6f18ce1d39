import type { Address } from "../../core/eigenlayer/state.ts";
import { require } from "../../core/shared/errors.ts";
import { WAD } from "../../core/shared/math.ts";
import type { BridgeMechanism, LrtParams, ProtocolKind } from "../../lrt/state.ts";
import { DEFAULT_SLASH_POLICY, type ExplicitNetwork, type FaultType, type NetworkSpec } from "../scenario/types.ts";
import { avsId, clientId, lrtKind, operatorId } from "./names.ts";
import {
  type CoreDelays,
  E_MODE,
  LOOP_FRACTION,
  LRT_RESERVES,
  type LrtProfile,
  lendingLayout,
  PRESET_TABLES,
  type ResolvedPreset,
  resolvePreset,
} from "./presets.ts";
import {
  apportion,
  cumulative,
  eth,
  pareto,
  pick,
  type Rng,
  sampleWithout,
  share,
  splitTotal,
  stream,
} from "./random.ts";

/**
 * A network planned in full before any command runs: who exists, who holds what, who delegates to whom. A preset
 * is planned from its table and the seed; an explicit network from its list. `build.ts` then executes the plan
 * through the chain, so both forms share one builder.
 */

export type LstId = "steth" | "reth" | "cbeth";
export const LST_IDS: readonly LstId[] = ["steth", "reth", "cbeth"];
/** A core strategy: native ETH (the beacon-chain ETH strategy) or an LST's. */
export type StrategyKey = "beacon" | LstId;
export const ALL_STRATEGIES: readonly StrategyKey[] = ["beacon", "steth", "reth", "cbeth"];

export interface PlanSet {
  id: bigint;
  strategies: StrategyKey[];
  /** member operator indices */
  members: number[];
}

export interface PlanAvs {
  id: string;
  address: Address;
  client: string;
  slashPolicy: Record<FaultType, number>;
  sets: PlanSet[];
}

export interface PlanAllocation {
  avs: number;
  set: bigint;
  /** one magnitude per strategy of the set (WAD = the operator's whole stake) */
  magnitudes: bigint[];
}

export interface PlanStaker {
  address: Address;
  operator: number;
  /** native: whole-gwei validators through a pod; otherwise the LST bought with the ETH */
  asset: "native" | LstId;
  amount: bigint;
}

export interface PlanHolder {
  address: Address;
  asset: "eth" | LstId;
  amount: bigint;
}

export interface PlanLrt {
  id: string;
  kind: ProtocolKind;
  delegators: { operator: number; weightBps: bigint }[];
  holders: PlanHolder[];
  /** the deposits the plan aims at (holders, liquidity, loops and bridges together) */
  deposits: bigint;
  /** left unrestaked for withdrawals */
  bufferShare: number;
  pool: { weth: bigint; amplification: bigint } | null;
  bridges: { chain: string; mechanism: BridgeMechanism; amount: bigint }[];
  params: Partial<LrtParams>;
}

export interface PlanLooper {
  address: Address;
  lrt: string;
  /** "aave" or an index into lending.morpho */
  venue: "aave" | number;
  equity: bigint;
  leverage: number;
}

export interface PlanLending {
  aave: { lrts: string[]; eMode: boolean; wethSupply: bigint } | null;
  morpho: { lrt: string; lltv: number; oracle: "rate" | "dex"; wethSupply: bigint }[];
  loopers: PlanLooper[];
}

export interface NetworkPlan {
  delays: CoreDelays;
  ethUsd: bigint;
  operators: { id: string; address: Address; clients: string[] }[];
  avss: PlanAvs[];
  /** per operator, its allocations */
  allocations: PlanAllocation[][];
  stakers: PlanStaker[];
  lrts: PlanLrt[];
  lending: PlanLending;
}

/** Bulk accounts: `0x51a0` + a 4-hex kind + a 32-hex index (cheap, unique, and unlike any derived address). */
export const ACCOUNT_KIND = {
  operator: 1,
  avs: 2,
  staker: 3,
  holder: 4,
  looper: 5,
  lender: 6,
  lp: 7,
  bridger: 8,
  agent: 9,
} as const;

export function simAddress(kind: number, i: number): Address {
  return `0x51a0${kind.toString(16).padStart(4, "0")}${i.toString(16).padStart(32, "0")}` as Address;
}

export function planNetwork(spec: NetworkSpec, seed: number): NetworkPlan {
  return "explicit" in spec ? planExplicit(spec.explicit) : planPreset(resolvePreset(spec.preset, spec.params), seed);
}

/** The core delays a network's world is created with (no planning needed). */
export function networkDelays(spec: NetworkSpec): CoreDelays {
  return "explicit" in spec ? EXPLICIT_BASE.delays : resolvePreset(spec.preset, spec.params).delays;
}

// ---------------------------------------------------------------------------------------------------------------
// shared

/**
 * The LTV a loop on this venue borrows against, the share of the remaining borrowing power each round takes, and
 * the leverage an endless loop approaches (1/(1 − LTV): each round borrows a share of what is left).
 */
export function loopLimits(
  lrt: string,
  venue: "aave" | { lltv: number },
  eMode: boolean,
): { ltv: number; fraction: number; max: number } {
  const ltv = venue === "aave" ? (eMode ? Number(E_MODE.ltv) : Number(LRT_RESERVES[lrt]!.ltv)) / 10_000 : venue.lltv;
  const fraction = venue === "aave" ? LOOP_FRACTION.aave : LOOP_FRACTION.morpho;
  return { ltv, fraction, max: 1 / (1 - ltv) };
}

/**
 * Loop rounds to reach `leverage` (collateral/equity), 1 to 100: each round borrows `fraction` of the remaining
 * borrowing power, ltv·C − B, and deposits it (price 1, no slippage).
 */
export function loopRounds(leverage: number, ltv: number, fraction: number): number {
  let c = 1;
  let b = 0;
  for (let n = 1; n <= 100; n++) {
    const x = fraction * (ltv * c - b);
    b += x;
    c += x;
    if (c >= leverage) return n;
  }
  return 100;
}

/** Lenders supply enough WETH that the planned borrowing is `utilisation` of it (at least 100 ETH). */
function supplyFor(borrow: bigint, utilisation: number): bigint {
  const s = share(borrow, 1 / utilisation);
  return s > 100n * WAD ? s : 100n * WAD;
}

const plannedBorrow = (l: PlanLooper): bigint => share(l.equity, l.leverage - 1);

function lendingSupplies(lending: PlanLending, utilisation: number): void {
  const aave = lending.loopers.filter((l) => l.venue === "aave").reduce((a, l) => a + plannedBorrow(l), 0n);
  if (lending.aave !== null) lending.aave.wethSupply = supplyFor(aave, utilisation);
  lending.morpho.forEach((m, i) => {
    const b = lending.loopers.filter((l) => l.venue === i).reduce((a, l) => a + plannedBorrow(l), 0n);
    m.wethSupply = supplyFor(b, utilisation);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// presets

function planPreset(p: ResolvedPreset, seed: number): NetworkPlan {
  const n = p.operators;
  // operator targets: rank-size rule of a Pareto(α) sample with a flattened head, ±10 % jitter
  const rOps = stream(seed, "operators");
  const weight = Array.from(
    { length: n },
    (_, k) => (k + 1 + p.operatorHead) ** (-1 / p.operatorTail) * (0.9 + 0.2 * rOps()),
  );
  const avss = planAvss(p, weight, stream(seed, "avss"));
  const operators = weight.map((_, i) => ({
    id: operatorId(i),
    address: simAddress(ACCOUNT_KIND.operator, i),
    clients: [] as string[],
  }));
  attachClients(operators, avss);
  const allocations = planAllocations(p, avss, stream(seed, "allocations"));

  // the LRT sector: deposits per LRT, delegators, pools, bridges
  const lrtTotal = share(p.totalRestaked, p.lrtShare);
  const profiles = p.lrts.map((id) => p.lrtProfiles[id]!);
  const deposits = splitTotal(
    lrtTotal,
    profiles.map((x) => x.mix),
  );
  const rDel = stream(seed, "delegators");
  const lrtStake = new Array<number>(n).fill(0);
  const lrts: PlanLrt[] = p.lrts.map((id, j) => {
    const prof = profiles[j]!;
    const kind = lrtKind(id);
    const k = Math.min(prof.delegators, n, kind === "kelp" ? 10 : n);
    const chosen = sampleWithout(rDel, weight, k).sort((a, b) => a - b);
    const bps = apportion(
      10_000,
      chosen.map((o) => weight[o]!),
      1,
    );
    const d = Number(deposits[j]! / WAD) * (1 - prof.bufferShare);
    chosen.forEach((o, i) => {
      lrtStake[o] = lrtStake[o]! + (d * bps[i]!) / 10_000;
    });
    // at least 1 WETH deep, so that every LRT of a preset with poolDepth > 0 has its pool (and its DEX oracle)
    const depth = share(deposits[j]!, p.poolDepth * prof.relDepth);
    const poolWeth = p.poolDepth > 0 && depth < WAD ? WAD : depth;
    return {
      id,
      kind,
      delegators: chosen.map((o, i) => ({ operator: o, weightBps: BigInt(bps[i]!) })),
      holders: [],
      deposits: deposits[j]!,
      bufferShare: prof.bufferShare,
      pool: poolWeth > 0n ? { weth: poolWeth, amplification: prof.amplification } : null,
      bridges: prof.bridges.map((b) => ({
        chain: b.chain,
        mechanism: b.mechanism,
        amount: share(deposits[j]!, b.share),
      })),
      params: prof.params,
    };
  });

  const lending = planLoopers(p, lrts, stream(seed, "loopers"));
  planHolders(p, lrts, profiles, lending.loopers, stream(seed, "holders"));

  // direct stakers fill each operator up to its target, drawn ∝ what the LRTs left of it
  const directTotal = p.totalRestaked - lrtTotal;
  const totalW = weight.reduce((a, b) => a + b, 0);
  const totalEth = Number(p.totalRestaked / WAD);
  const residual = weight.map((w, o) => Math.max(0, (w / totalW) * totalEth - lrtStake[o]!));
  const cum = cumulative(residual.some((r) => r > 0) ? residual : weight);
  const stakers = planStakers(p, directTotal, cum, stream(seed, "stakers"));
  return { delays: p.delays, ethUsd: p.ethUsd, operators, avss, allocations, stakers, lrts, lending };
}

function planAvss(p: ResolvedPreset, weight: number[], rng: Rng): PlanAvs[] {
  const n = p.operators;
  const clients = Math.min(p.clients, p.avss);
  // larger operators run more services: membership drawn ∝ √(target)
  const joinWeight = weight.map((w) => Math.sqrt(w));
  const templates: StrategyKey[][] = [["beacon"], ["steth", "reth", "cbeth"], ["beacon", "steth"]];
  return Array.from({ length: p.avss }, (_, r) => {
    const size = Math.min(n, Math.max(p.minMembers, Math.ceil(n * p.maxMembers * (r + 1) ** -p.memberDecay)));
    const members = sampleWithout(rng, joinWeight, size).sort((a, b) => a - b);
    const sets: PlanSet[] = [{ id: 0n, strategies: [...ALL_STRATEGIES], members }];
    if (rng() < p.twoSets) {
      const sub = members.filter(() => rng() < 0.5);
      sets.push({
        id: 1n,
        strategies: templates[Math.floor(rng() * templates.length)]!,
        members: sub.length > 0 ? sub : [members[0]!],
      });
    }
    return {
      id: avsId(r),
      address: simAddress(ACCOUNT_KIND.avs, r),
      client: clientId(r % clients),
      slashPolicy: { ...DEFAULT_SLASH_POLICY },
      sets,
    };
  });
}

/** Operator clients: the clients of the AVSs it serves. */
function attachClients(operators: { clients: string[] }[], avss: PlanAvs[]): void {
  const sets = operators.map(() => new Set<string>());
  for (const a of avss) for (const s of a.sets) for (const o of s.members) sets[o]!.add(a.client);
  operators.forEach((o, i) => {
    o.clients = [...sets[i]!, ...o.clients].filter((c, k, all) => all.indexOf(c) === k).sort();
  });
}

/** Each operator draws a magnitude per set it is in, scaled so that no strategy is over-allocated. */
function planAllocations(p: ResolvedPreset, avss: PlanAvs[], rng: Rng): PlanAllocation[][] {
  const wants: { avs: number; set: PlanSet; want: number }[][] = Array.from({ length: p.operators }, () => []);
  avss.forEach((a, i) => {
    for (const s of a.sets) {
      for (const o of s.members)
        wants[o]!.push({ avs: i, set: s, want: p.allocation.lo + (p.allocation.hi - p.allocation.lo) * rng() });
    }
  });
  return wants.map((ws) => {
    const used = new Map<StrategyKey, number>();
    for (const w of ws) for (const st of w.set.strategies) used.set(st, (used.get(st) ?? 0) + w.want);
    return ws.map((w) => ({
      avs: w.avs,
      set: w.set.id,
      magnitudes: w.set.strategies.map((st) => {
        const scale = Math.min(1, p.allocation.maxTotal / used.get(st)!);
        return (WAD * BigInt(Math.floor(w.want * scale * 1e6))) / 1_000_000n;
      }),
    }));
  });
}

function planLoopers(p: ResolvedPreset, lrts: PlanLrt[], rng: Rng): PlanLending {
  const layout = lendingLayout(p);
  const lending: PlanLending = {
    aave: layout.aave === null ? null : { ...layout.aave, wethSupply: 0n },
    morpho: layout.morpho.map((m) => ({ ...m, wethSupply: 0n })),
    loopers: [],
  };
  const venues = layout.venues;
  const cum = cumulative(venues.map((v) => v.weight));
  for (let i = 0; i < p.loopers && venues.length > 0; i++) {
    const v = venues[pick(rng, cum)]!;
    const lrt = lrts.find((l) => l.id === v.lrt)!;
    const venue = v.venue === "aave" ? "aave" : layout.morpho.findIndex((m) => m.lrt === v.lrt && m.lltv === v.venue);
    const eMode = layout.aave?.eMode ?? false;
    const { max } = loopLimits(v.lrt, venue === "aave" ? "aave" : { lltv: layout.morpho[venue]!.lltv }, eMode);
    // up to 60 % of the endless loop's leverage (e-mode: 7×, HF ≈ 1.11; Morpho 0.86: 4.3×, HF ≈ 1.12), at most 7×
    const hi = Math.min(7, 0.6 * max);
    const lo = Math.min(2, hi);
    const leverage = Math.round((lo + (hi - lo) * rng()) * 100) / 100;
    const poolWeth = Number((lrt.pool?.weth ?? 0n) / WAD);
    const cap = Math.max(p.looperEquity.min, (p.looperEquity.poolShare * poolWeth) / Math.max(leverage - 1, 0.1));
    const equity = Math.min(cap, p.looperEquity.min * pareto(rng, p.looperEquity.tail));
    lending.loopers.push({
      address: simAddress(ACCOUNT_KIND.looper, i),
      lrt: v.lrt,
      venue,
      equity: eth(Math.round(equity * 100) / 100),
      leverage,
    });
  }
  lendingSupplies(lending, p.utilisation);
  return lending;
}

/**
 * Holders take what is left of each LRT's deposits once its pool liquidity, its loopers' collateral and its bridged
 * supply are counted (those come from the liquidity provider, arbitrage and the bridger, all minted at the rate).
 */
function planHolders(p: ResolvedPreset, lrts: PlanLrt[], profiles: LrtProfile[], loopers: PlanLooper[], rng: Rng) {
  const counts = apportion(
    p.lrtHolders,
    lrts.map((l) => Number(l.deposits / WAD)),
    1,
  );
  let next = 0;
  lrts.forEach((l, j) => {
    const prof = profiles[j]!;
    const looped = loopers.filter((x) => x.lrt === l.id).reduce((a, x) => a + share(x.equity, x.leverage), 0n);
    const other = (l.pool?.weth ?? 0n) + looped + l.bridges.reduce((a, b) => a + b.amount, 0n);
    const left = l.deposits - other;
    const total = left > l.deposits / 2n ? left : l.deposits / 2n;
    const count = counts[j]!;
    const amounts = splitTotal(
      total,
      Array.from({ length: count }, () => pareto(rng, p.depositTail)),
      eth(p.minDeposit),
    );
    const lsts = LST_IDS.filter((x) => (prof.lstMix[x] ?? 0) > 0);
    const lstCum = cumulative(lsts.map((x) => prof.lstMix[x]!));
    l.holders = amounts.map((amount) => ({
      address: simAddress(ACCOUNT_KIND.holder, next++),
      asset: lsts.length === 0 || rng() < prof.nativeShare ? "eth" : lsts[pick(rng, lstCum)]!,
      amount,
    }));
  });
}

function planStakers(p: ResolvedPreset, total: bigint, operatorCum: Float64Array, rng: Rng): PlanStaker[] {
  const amounts = splitTotal(
    total,
    Array.from({ length: p.stakers }, () => pareto(rng, p.depositTail)),
    eth(p.minDeposit),
  );
  const lstCum = cumulative(LST_IDS.map((x) => p.directLstMix[x]));
  return amounts.map((amount, i) => {
    const native = amount >= 32n * WAD && rng() < p.directNative;
    return {
      address: simAddress(ACCOUNT_KIND.staker, i),
      operator: pick(rng, operatorCum),
      asset: native ? "native" : LST_IDS[pick(rng, lstCum)]!,
      // natives stake whole ETH (validators' balances are whole gwei)
      amount: native ? (amount / WAD) * WAD : amount,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// explicit networks

/** The profiles and core delays an explicit network takes from the `small` preset (short delays, for tests). */
const EXPLICIT_BASE = PRESET_TABLES.small;

function planExplicit(x: ExplicitNetwork): NetworkPlan {
  const opIndex = new Map<string, number>();
  x.operators.forEach((o, i) => {
    require(!opIndex.has(o.id), "InvalidNetwork", `operator ${o.id} appears twice`);
    opIndex.set(o.id, i);
  });
  const op = (id: string, where: string): number => {
    const i = opIndex.get(id);
    require(i !== undefined, "InvalidNetwork", `${where}: unknown operator ${JSON.stringify(id)}`);
    return i;
  };
  const operators = x.operators.map((o, i) => ({
    id: o.id,
    address: simAddress(ACCOUNT_KIND.operator, i),
    clients: [...o.clients],
  }));
  const allocations: PlanAllocation[][] = operators.map(() => []);
  const used = operators.map(() => 0);
  const avss: PlanAvs[] = x.avss.map((a, i) => {
    require(a.allocation >= 0 && a.allocation <= 1, "InvalidNetwork", `avs ${a.id}: allocation in [0, 1]`);
    const members = [...new Set(a.operators.map((id) => op(id, `avs ${a.id}`)))].sort((p, q) => p - q);
    require(members.length > 0, "InvalidNetwork", `avs ${a.id}: no operators`);
    const magnitude = (WAD * BigInt(Math.round(a.allocation * 1e9))) / 1_000_000_000n;
    for (const o of members) {
      used[o] = used[o]! + a.allocation;
      require(used[o]! <= 1 + 1e-9, "InvalidNetwork", `operator ${x.operators[o]!.id} allocates more than 100 %`);
      if (magnitude > 0n) allocations[o]!.push({ avs: i, set: 0n, magnitudes: ALL_STRATEGIES.map(() => magnitude) });
    }
    return {
      id: a.id,
      address: simAddress(ACCOUNT_KIND.avs, i),
      client: a.client,
      slashPolicy: { ...DEFAULT_SLASH_POLICY, ...a.slashPolicy },
      sets: [{ id: 0n, strategies: [...ALL_STRATEGIES], members }],
    };
  });
  attachClients(operators, avss);
  const stakers: PlanStaker[] = x.stakers.map((s, i) => {
    const native = s.asset === "eth";
    require(!native || s.amount >= 32n * WAD, "InvalidNetwork", `staker ${s.id}: native restaking needs ≥ 32 ETH`);
    return {
      address: simAddress(ACCOUNT_KIND.staker, i),
      operator: op(s.operator, `staker ${s.id}`),
      asset: native ? "native" : "steth",
      amount: native ? (s.amount / 10n ** 9n) * 10n ** 9n : s.amount,
    };
  });
  let nextHolder = 0;
  const lrts: PlanLrt[] = x.lrts.map((l) => {
    const kind = lrtKind(l.id);
    const prof = EXPLICIT_BASE.lrtProfiles[l.id]!;
    const sum = l.delegators.reduce((a, d) => a + d.weightBps, 0);
    require(l.delegators.length > 0 && sum === 10_000, "InvalidNetwork", `lrt ${l.id}: delegator weights sum to 10000`);
    require(kind !== "kelp" || l.delegators.length <= 10, "InvalidNetwork", `lrt ${l.id}: Kelp takes ≤ 10 delegators`);
    require(l.holders >= 1 && l.deposits > 0n, "InvalidNetwork", `lrt ${l.id}: deposits need holders`);
    // explicit holders split the deposits evenly and deposit ETH
    const amounts = splitTotal(l.deposits, new Array<number>(l.holders).fill(1));
    return {
      id: l.id,
      kind,
      delegators: l.delegators.map((d) => ({
        operator: op(d.operator, `lrt ${l.id}`),
        weightBps: BigInt(d.weightBps),
      })),
      holders: amounts.map((amount) => ({
        address: simAddress(ACCOUNT_KIND.holder, nextHolder++),
        asset: "eth" as const,
        amount,
      })),
      deposits: l.deposits,
      bufferShare: prof.bufferShare,
      pool:
        l.poolWeth > 0n
          ? { weth: l.poolWeth, amplification: BigInt(l.amplification ?? Number(prof.amplification)) }
          : null,
      bridges: (l.bridges ?? []).map((b) => ({ chain: b.chain, mechanism: b.mechanism, amount: b.amount })),
      params: prof.params,
    };
  });
  const has = (id: string, where: string) =>
    require(lrts.some((l) => l.id === id), "InvalidNetwork", `${where}: LRT ${id} is not in the network`);
  const aave = x.lending.aave;
  for (const id of aave?.lrts ?? []) has(id, "lending.aave");
  const morpho = (x.lending.morpho ?? []).map((m, i) => {
    has(m.lrt, `lending.morpho[${i}]`);
    require(m.lltv > 0 && m.lltv < 1, "InvalidNetwork", `lending.morpho[${i}]: lltv in (0, 1)`);
    require(m.oracle === "rate" ||
      lrts.find((l) => l.id === m.lrt)!.pool !==
        null, "InvalidNetwork", `lending.morpho[${i}]: a DEX oracle needs the LRT's pool`);
    return { lrt: m.lrt, lltv: m.lltv, oracle: m.oracle, wethSupply: m.wethSupply };
  });
  const loopers: PlanLooper[] = (x.lending.loopers ?? []).map((l, i) => {
    const where = `lending.loopers[${i}] (${l.id})`;
    has(l.lrt, where);
    require(lrts.find((r) => r.id === l.lrt)!.pool !== null, "InvalidNetwork", `${where}: a loop needs the LRT's pool`);
    if (l.market === "aave") require(aave?.lrts.includes(l.lrt), "InvalidNetwork", `${where}: the LRT is not on Aave`);
    else
      require(morpho[l.market]?.lrt ===
        l.lrt, "InvalidNetwork", `${where}: Morpho market ${l.market} does not take it`);
    require(l.leverage >= 1 && l.equity > 0n, "InvalidNetwork", `${where}: leverage ≥ 1 and equity > 0`);
    return {
      address: simAddress(ACCOUNT_KIND.looper, i),
      lrt: l.lrt,
      venue: l.market,
      equity: l.equity,
      leverage: l.leverage,
    };
  });
  return {
    delays: EXPLICIT_BASE.delays,
    ethUsd: EXPLICIT_BASE.ethUsd,
    operators,
    avss,
    allocations,
    stakers,
    lrts,
    lending: {
      aave: aave === undefined ? null : { lrts: [...aave.lrts], eMode: aave.eMode, wethSupply: aave.wethSupply },
      morpho,
      loopers,
    },
  };
}
