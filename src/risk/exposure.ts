import * as dm from "../core/eigenlayer/delegationManager.ts";
import { eigenNeutralView } from "../core/eigenlayer/neutral.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf as coreBalanceOf } from "../core/eigenlayer/tokens.ts";
import * as cviews from "../core/eigenlayer/views.ts";
import type { NeutralView } from "../core/protocol.ts";
import { WAD } from "../core/shared/math.ts";
import { supplyByChain } from "../lrt/bridge.ts";
import { lstRate } from "../lrt/lst.ts";
import { L1, type LrtRecord, type World as LrtWorld, type WithdrawalRequest } from "../lrt/state.ts";
import * as lrtViews from "../lrt/views.ts";
import * as oracles from "../markets/oracles.ts";
import { quoteSwap } from "../markets/pools.ts";
import type { AssetId, MarketContext, RateProvider } from "../markets/types.ts";
import * as mviews from "../markets/views.ts";
import {
  apportion,
  BEACON_CHAIN_ETH_STRATEGY,
  cmp,
  eventsOn,
  NATIVE_ETH,
  NO_SLASH,
  queuedUnder,
  type Scenario,
  type SlashEvent,
  scenarioOf,
  sharesToAsset,
  slashEvents,
  withdrawableUnder,
} from "./exposureCore.ts";
import { assetPrice, countsTowardValue, LrtModel, type RecognitionDetail, unitValue } from "./exposureLrt.ts";
import {
  type AssetLink,
  type AssetMap,
  defaultAssetMap,
  lrtRateProvider,
  lrtWorld,
  type RiskWorld,
} from "./exposureWorld.ts";

/**
 * The exposure stack of a position (look-through): from what an account holds — lending positions, LP shares,
 * market wallets, LRT tokens on the L1 and on L2s, LRT withdrawal requests, LSTs, restaked and queued core shares —
 * down through the LRT, the LST or native ETH, the core strategy and the operator to the operator sets that can slash
 * it. Every node carries the account's value in ETH wei and its children partition it exactly (largest-remainder
 * apportionment, so the parts always sum to the whole; debt counts negative). For every possible slashing event (an
 * operator set slashing one operator by its maximum) the stack gives the account's loss, exact in wei, after the core
 * applies the slash and each LRT's own accounting passes it on (exposureLrt.ts); and the loss if every event happens at
 * once. It lists the risk layers present, in order, and the time to exit through each path. Pure: it reads the world
 * through the core's views and neutral view, the LRT views and the market views, and changes nothing.
 */

export interface ExposureOptions {
  /** what each market asset is (default: `defaultAssetMap`, by name) */
  assets?: AssetMap;
  /** evaluate at this block and timestamp (default: the world's last) */
  block?: bigint;
  timestamp?: bigint;
  /** the markets' clock (default: the markets layer's last timestamp) */
  marketTimestamp?: bigint;
  /** exchange rates for the markets' oracles (default: LRT ids read live, other sources their last report) */
  rates?: RateProvider;
  /** the market oracle that prices ETH, to value non-ETH assets (default: the oracle of a reserve mapped to ETH, else "ETH") */
  ethOracle?: string;
  /** seconds per block, to turn the core's block delays into time (default 12) */
  secondsPerBlock?: bigint;
  /**
   * ETH per whole unit (WAD) of core tokens that are neither native ETH nor an LST of the LRT layer; without a price
   * such a position is worth 0 here and flagged `unpriced` (its slashing events are still listed)
   */
  prices?: Record<string, bigint>;
}

export type NodeLayer =
  | "lending"
  | "debt"
  | "pool"
  | "wallet"
  | "bridge"
  | "lrt"
  | "lrtRequest"
  | "lst"
  | "eth"
  | "asset"
  | "strategy"
  | "holding"
  | "operator"
  | "operatorSet"
  | "notSlashable"
  | "other";

export interface ExposureNode {
  layer: NodeLayer;
  /** unique within the stack; a root's id names the position in `events[].byPosition` and `exits` */
  id: string;
  label: string;
  /** in the layer's own units (LRT tokens, LST shares, strategy shares, an asset's base units), when it has one */
  amount: bigint | null;
  unit: string | null;
  /** the account's value here, ETH wei (negative for debt); the children sum to it exactly */
  valueEth: bigint;
  children: ExposureNode[];
  details?: Record<string, unknown>;
}

export interface PositionLoss {
  position: string;
  lossEth: bigint;
}

export interface LendingAfter {
  position: string;
  healthFactor: bigint;
  /** estimated, if the collateral's oracle passes the loss on (exchange-rate oracles do; a market or fixed feed may not) */
  healthFactorAfter: bigint | null;
  liquidatable: boolean;
}

export interface Recognition extends RecognitionDetail {
  lrt: string;
  protocol: string;
}

export interface EventLoss {
  event: string;
  avs: Address;
  operatorSetId: bigint;
  operator: Address;
  slasher: Address;
  redistributionRecipient: Address | null;
  slashableUntil: bigint | null;
  strategies: {
    strategy: Address;
    asset: Address;
    fractionWad: bigint;
    slashableShares: bigint;
    slashableAmount: bigint;
  }[];
  /** the account's loss, ETH wei, and where it falls */
  lossEth: bigint;
  byPosition: PositionLoss[];
  lending: LendingAfter[];
  /** how each LRT the account holds takes the loss in */
  recognition: Recognition[];
  sentence: string;
}

export interface AllAtOnce {
  events: number;
  lossEth: bigint;
  byPosition: PositionLoss[];
  lending: LendingAfter[];
  recognition: Recognition[];
}

export type RiskLayerKind = "consensus" | "lst" | "restaking" | "operator" | "avs" | "lrt" | "bridge" | "lending";

export interface RiskLayer {
  order: number;
  layer: RiskLayerKind;
  id: string;
  label: string;
  details: Record<string, unknown>;
}

export interface ExitPath {
  position: string;
  path: string;
  /** how much of the position this path can take now, in `unit` */
  amount: bigint;
  unit: string;
  /** estimated ETH received (null: not estimated) */
  receiveEth: bigint | null;
  /** minimum time to exit this way, seconds (null: not bounded on-chain, e.g. an operator-run queue) */
  delaySeconds: bigint | null;
  available: boolean;
  blockers: string[];
  notes: string[];
}

export interface ExposureStack {
  account: Address;
  block: bigint;
  timestamp: bigint;
  marketTimestamp: bigint;
  positions: ExposureNode[];
  totals: {
    /** Σ positions: assets less debt */
    netEth: bigint;
    assetsEth: bigint;
    debtEth: bigint;
    worstEventLossEth: bigint;
    allAtOnceLossEth: bigint;
  };
  /** every slashing event that costs the account something, worst first */
  events: EventLoss[];
  allAtOnce: AllAtOnce;
  riskLayers: RiskLayer[];
  exits: ExitPath[];
  notes: string[];
}

/* ------------------------------------------------------------------ context */

interface LossSource {
  position: string;
  loss(sc: Scenario): bigint;
}

interface LendingSource {
  position: string;
  healthFactor: bigint;
  /** HF after, given each collateral's value ratio (WAD) under a scenario */
  after(sc: Scenario): bigint | null;
}

/** Everything one evaluation reads, computed once. */
export class ExposureContext {
  readonly w: RiskWorld;
  readonly lw: LrtWorld;
  readonly block: bigint;
  readonly now: bigint;
  readonly marketTimestamp: bigint;
  readonly mctx: Pick<MarketContext, "timestamp" | "rates">;
  readonly assets: AssetMap;
  readonly spb: bigint;
  readonly neutral: NeutralView;
  readonly events: SlashEvent[];
  readonly ethOracle: string | null;
  readonly prices: Record<string, bigint>;
  /** core tokens met without a price */
  readonly unpriced = new Set<string>();
  private readonly models = new Map<string, LrtModel>();

  constructor(w: RiskWorld, opts: ExposureOptions = {}) {
    this.w = w;
    this.lw = lrtWorld(w);
    this.block = opts.block ?? worldBlock(w);
    this.now = opts.timestamp ?? worldTimestamp(w);
    this.marketTimestamp = opts.marketTimestamp ?? w.markets.globals.get("timestamp") ?? 0n;
    this.mctx = { timestamp: this.marketTimestamp, rates: opts.rates ?? lrtRateProvider(w) };
    this.assets = { ...defaultAssetMap(w), ...(opts.assets ?? {}) };
    this.spb = opts.secondsPerBlock ?? 12n;
    this.neutral = eigenNeutralView(w.eigen, this.block);
    this.events = slashEvents(w.eigen, this.block, this.neutral);
    this.ethOracle = opts.ethOracle ?? findEthOracle(w, this.assets);
    this.prices = Object.fromEntries(Object.entries(opts.prices ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** ETH per unit of a core asset: native ETH, an LST at its rate, else the `prices` option (0 when absent). */
  price(asset: Address): bigint {
    const p = assetPrice(this.lw, asset);
    if (p > 0n) return p;
    const given = this.prices[asset];
    if (given === undefined) this.unpriced.add(asset);
    return given ?? 0n;
  }

  model(id: string): LrtModel {
    let m = this.models.get(id);
    if (m === undefined) {
      m = new LrtModel(this.lw, id, this.block, this.now);
      this.models.set(id, m);
    }
    return m;
  }

  link(asset: AssetId): AssetLink {
    return this.assets[asset] ?? { kind: "none" };
  }
}

function worldBlock(w: RiskWorld): bigint {
  const a = w.eigen.globals.get("block") ?? 0n;
  const b = w.lrt.globals.get("block") ?? 0n;
  return a > b ? a : b;
}

function worldTimestamp(w: RiskWorld): bigint {
  const a = w.eigen.globals.get("timestamp") ?? 0n;
  const b = w.lrt.globals.get("timestamp") ?? 0n;
  return a > b ? a : b;
}

function findEthOracle(w: RiskWorld, assets: AssetMap): string | null {
  for (const r of w.markets.reserves.values()) if (assets[r.asset]?.kind === "eth") return r.oracle;
  return w.markets.oracles.has("ETH") ? "ETH" : null;
}

/* ------------------------------------------------------------------ small helpers */

const ethValue = (amount: bigint, price: bigint): bigint => (amount * price) / WAD;

function sumNodes(nodes: ExposureNode[]): bigint {
  return nodes.reduce((a, n) => a + n.valueEth, 0n);
}

function short(a: string): string {
  return a.startsWith("0x") && a.length === 42 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

/** x/of as a percentage with two decimals (truncated). */
export function percent(x: bigint, of: bigint): string {
  if (of === 0n) return "0 %";
  return `${formatWei((x * WAD * 100n) / of, 2)} %`;
}

export function formatWei(v: bigint, digits = 6): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = ((a % WAD) * 10n ** BigInt(digits)) / WAD;
  return `${neg ? "-" : ""}${a / WAD}.${frac.toString().padStart(digits, "0")}`;
}

function assetName(ctx: ExposureContext, asset: string): string {
  if (asset === NATIVE_ETH) return "ETH";
  for (const l of ctx.w.lrt.lsts.values()) if (l.token === asset) return l.symbol;
  return ctx.w.eigen.tokens.get(asset as Address)?.symbol ?? asset;
}

function lstIdOf(ctx: ExposureContext, asset: string): string | null {
  for (const l of ctx.w.lrt.lsts.values()) if (l.token === asset) return l.id;
  return null;
}

/* ------------------------------------------------------------------ core look-through: strategy → operator → sets */

interface CoreSlice {
  /** the delegation's operator (null: not delegated) */
  operator: Address | null;
  strategy: Address;
  /** queued withdrawal: its last slashable block; past it, nothing can slash it */
  queuedUntil?: bigint;
  label: string;
  idPrefix: string;
}

/** An operator node whose children split `valueEth` by what each operator set could take (and what none can). */
function operatorNode(
  ctx: ExposureContext,
  slice: CoreSlice,
  valueEth: bigint,
  amount: bigint,
  unit: string,
): ExposureNode {
  const { operator, strategy } = slice;
  const id = `${slice.idPrefix}/op:${operator ?? "none"}${slice.queuedUntil !== undefined ? ":queued" : ""}`;
  const children: ExposureNode[] = [];
  const outOfWindow = slice.queuedUntil !== undefined && slice.queuedUntil < ctx.block;
  const evs = outOfWindow ? [] : eventsOn(ctx.events, operator, strategy);
  const max = operator === null ? WAD : (cviews.maxMagnitudes(ctx.w.eigen, operator, [strategy]) as [bigint])[0];
  const mags = evs.map((e) => e.strategies.find((x) => x.strategy === strategy)!.currentMagnitude);
  const allocated = mags.reduce((a, m) => a + m, 0n);
  const rest = max > allocated ? max - allocated : 0n;
  const parts = apportion(valueEth, [...mags, rest]);
  evs.forEach((e, i) => {
    children.push({
      layer: "operatorSet",
      id: `${id}/set:${e.serviceSet}`,
      label: `AVS ${short(e.avs)} operator set ${e.operatorSetId} can slash ${percent(mags[i]!, max)} of it`,
      amount: null,
      unit: null,
      valueEth: parts[i]!,
      children: [],
      details: {
        avs: e.avs,
        operatorSetId: e.operatorSetId,
        slasher: e.slasher,
        redistributionRecipient: e.redistributionRecipient,
        currentMagnitude: mags[i],
        maxMagnitude: max,
        fractionWad: max === 0n ? 0n : (mags[i]! * WAD) / max,
        slashableUntil: e.slashableUntil,
      },
    });
  });
  const why =
    operator === null
      ? "not delegated: no operator set can slash it"
      : outOfWindow
        ? `queued withdrawal past its slashable window (block ${slice.queuedUntil})`
        : evs.length === 0
          ? "not allocated to any operator set"
          : "not allocated to any operator set (unallocated magnitude)";
  const restPart = parts[parts.length - 1]!;
  if (restPart !== 0n || children.length === 0) {
    children.push({
      layer: "notSlashable",
      id: `${id}/unallocated`,
      label: why,
      amount: null,
      unit: null,
      valueEth: restPart,
      children: [],
    });
  }
  return {
    layer: "operator",
    id,
    label: slice.label,
    amount,
    unit,
    valueEth,
    children,
    details: {
      operator,
      strategy,
      maxMagnitude: max,
      ...(slice.queuedUntil !== undefined ? { queuedWithdrawalSlashableUntil: slice.queuedUntil } : {}),
    },
  };
}

/* ------------------------------------------------------------------ LRT look-through */

/** The look-through of `valueEth` of an LRT: asset → where it sits (strategy, buffer, …) → operator → operator sets. */
function lrtLookThrough(ctx: ExposureContext, m: LrtModel, valueEth: bigint, idPrefix: string): ExposureNode[] {
  const rec = m.rec;
  const weights = m.holdings.map((h) => (countsTowardValue(rec, h) ? ethValue(h.amount, m.priceOf(h.asset)) : 0n));
  const parts = apportion(valueEth, weights);
  const byAsset = new Map<string, { i: number; part: bigint }[]>();
  m.holdings.forEach((h, i) => {
    if (weights[i] === 0n && parts[i] === 0n) return;
    const list = byAsset.get(h.asset) ?? [];
    list.push({ i, part: parts[i]! });
    byAsset.set(h.asset, list);
  });
  const assetNodes: ExposureNode[] = [];
  for (const [asset, items] of [...byAsset.entries()].sort(([a], [b]) => cmp(a, b))) {
    const aid = `${idPrefix}/asset:${asset}`;
    const locations = new Map<string, ExposureNode>();
    for (const { i, part } of items) {
      const h = m.holdings[i]!;
      const amountShare = weights[i] === 0n ? 0n : (h.amount * part) / weights[i]!;
      if (h.kind === "restaked" || h.kind === "unstaking") {
        const st = h.strategy!;
        const key = `strategy:${st}`;
        let node = locations.get(key);
        if (node === undefined) {
          node = {
            layer: "strategy",
            id: `${aid}/strategy:${st}`,
            label: `EigenLayer strategy ${st === BEACON_CHAIN_ETH_STRATEGY ? "beaconChainETH (native restaking)" : short(st)}`,
            amount: 0n,
            unit: assetName(ctx, asset),
            valueEth: 0n,
            children: [],
            details: { strategy: st },
          };
          locations.set(key, node);
        }
        let operator: Address | null;
        let queuedUntil: bigint | undefined;
        if (h.kind === "unstaking") {
          const q = cviews
            .queuedWithdrawals(ctx.w.eigen, ctx.block, h.delegator!)
            .find((x) => x.withdrawal.root === h.withdrawalRoot);
          operator = q?.withdrawal.delegatedTo ?? null;
          queuedUntil = q?.slashableUntil;
        } else {
          operator = dm.delegatedTo(ctx.w.eigen, h.delegator!);
        }
        node.children.push(
          operatorNode(
            ctx,
            {
              operator,
              strategy: st,
              queuedUntil,
              label:
                `operator ${operator === null ? "(none)" : short(operator)} via delegator ${short(h.delegator!)}` +
                (h.kind === "unstaking" ? " — queued withdrawal" : ""),
              idPrefix: `${node.id}/d:${h.delegator}${h.withdrawalRoot ? `:${h.withdrawalRoot.slice(0, 10)}` : ""}`,
            },
            part,
            amountShare,
            assetName(ctx, asset),
          ),
        );
        node.valueEth += part;
        node.amount = (node.amount ?? 0n) + amountShare;
      } else {
        const labels: Record<string, string> = {
          buffer: "deposit pool (not restaked)",
          escrow: "withdrawal queue escrow",
          idle: `idle at delegator ${short(h.delegator ?? "")}`,
          beaconPending: `sent to the beacon deposit contract, not yet verified (delegator ${short(h.delegator ?? "")})`,
        };
        const key = `${h.kind}:${h.account}`;
        const prev = locations.get(key);
        if (prev !== undefined) {
          prev.valueEth += part;
          prev.amount = (prev.amount ?? 0n) + amountShare;
        } else {
          locations.set(key, {
            layer: "holding",
            id: `${aid}/${h.kind}:${h.account}`,
            label: `${labels[h.kind] ?? h.kind}: no operator set can slash it`,
            amount: amountShare,
            unit: assetName(ctx, asset),
            valueEth: part,
            children: [],
            details: { kind: h.kind, account: h.account },
          });
        }
      }
    }
    const children = [...locations.values()];
    const lst = lstIdOf(ctx, asset);
    assetNodes.push({
      layer: asset === NATIVE_ETH ? "eth" : "lst",
      id: aid,
      label: asset === NATIVE_ETH ? "native ETH" : `${assetName(ctx, asset)} (LST ${lst ?? short(asset)})`,
      amount: children.reduce((a, c) => a + (c.amount ?? 0n), 0n),
      unit: assetName(ctx, asset),
      valueEth: sumNodes(children),
      children,
      details: lst === null ? { asset } : { asset, lst, rate: lstRate(ctx.w.lrt.lsts.get(lst)!) },
    });
  }
  return assetNodes;
}

/** An LRT position of `units` pricing units (eETH shares and weETH, or the LRT token). */
function lrtNode(
  ctx: ExposureContext,
  lrt: string,
  token: string,
  chain: string,
  units: bigint,
  id: string,
  label: string,
  sources: LossSource[],
  rootId: string,
): ExposureNode {
  const m = ctx.model(lrt);
  const booked = m.booked();
  const valueEth = unitValue(booked, units);
  const recognisedNow = unitValue(m.recognise(NO_SLASH), units);
  sources.push({
    position: rootId,
    loss: (sc) => recognisedNow - unitValue(m.recognise(sc), units),
  });
  return {
    layer: "lrt",
    id,
    label,
    amount: units,
    unit: token,
    valueEth,
    children: lrtLookThrough(ctx, m, valueEth, id),
    details: {
      lrt,
      protocol: m.rec.protocol,
      token,
      chain,
      rate: m.nav.rate,
      navPerToken: m.nav.navPerToken,
      /** the value once the protocol's accounting catches up with the core (≠ valueEth while a report is due) */
      recognisedValueEth: recognisedNow,
      paused: lrtViews.pausedFlags(m.rec),
    },
  };
}

/** Wraps an L2 position in its bridge layer. */
function bridgeNode(ctx: ExposureContext, lrt: string, chain: string, child: ExposureNode, id: string): ExposureNode {
  const route = ctx.w.lrt.routes.get(`${lrt}|${chain}`);
  const supply = supplyByChain(ctx.lw, lrt);
  return {
    layer: "bridge",
    id,
    label: route
      ? `${child.unit} on ${chain}, bridged ${route.mechanism} (verifier ${short(route.verifier)}, 1-of-1)`
      : `${child.unit} on ${chain} (no route)`,
    amount: child.amount,
    unit: child.unit,
    valueEth: child.valueEth,
    children: [child],
    details: {
      chain,
      mechanism: route?.mechanism ?? null,
      verifier: route?.verifier ?? null,
      escrow: route?.escrow ?? null,
      chainSupply: supply.chains.find((c) => c.chain === chain)?.supply ?? 0n,
      unbacked: supply.unbacked,
      supplyInvariantHolds: supply.holds,
    },
  };
}

/* ------------------------------------------------------------------ positions */

function lrtBalances(
  ctx: ExposureContext,
  account: Address,
): { lrt: string; token: string; chain: string; units: bigint }[] {
  const out: { lrt: string; token: string; chain: string; units: bigint }[] = [];
  for (const [k, v] of ctx.w.lrt.balances.entries()) {
    if (v === 0n) continue;
    const parts = k.split("|");
    if (parts.length !== 4 || parts[3] !== account) continue;
    out.push({ lrt: parts[0]!, token: parts[1]!, chain: parts[2]!, units: v });
  }
  return out.sort((a, b) => cmp(`${a.lrt}|${a.chain}|${a.token}`, `${b.lrt}|${b.chain}|${b.token}`));
}

function lrtPositions(ctx: ExposureContext, account: Address, sources: LossSource[]): ExposureNode[] {
  const out: ExposureNode[] = [];
  for (const b of lrtBalances(ctx, account)) {
    const rec = ctx.w.lrt.lrts.get(b.lrt);
    if (rec === undefined) continue;
    const base = `lrt:${b.lrt}:${b.token}@${b.chain}`;
    if (b.chain === L1) {
      out.push(
        lrtNode(
          ctx,
          b.lrt,
          b.token,
          b.chain,
          b.units,
          base,
          `${b.token} (${protocolName(rec)}) on ${L1}`,
          sources,
          base,
        ),
      );
    } else {
      const inner = lrtNode(
        ctx,
        b.lrt,
        b.token,
        b.chain,
        b.units,
        `${base}/lrt`,
        `${b.token} (${protocolName(rec)})`,
        sources,
        base,
      );
      out.push(bridgeNode(ctx, b.lrt, b.chain, inner, base));
    }
  }
  return out;
}

function protocolName(rec: LrtRecord): string {
  return { etherfi: "ether.fi", renzo: "Renzo", kelp: "Kelp", puffer: "Puffer", swell: "Swell" }[rec.protocol];
}

function requestPositions(ctx: ExposureContext, account: Address, sources: LossSource[]): ExposureNode[] {
  const out: ExposureNode[] = [];
  const reqs: WithdrawalRequest[] = [];
  for (const r of ctx.w.lrt.requests.values())
    if (r.owner === account && (r.status === "pending" || r.status === "finalized")) reqs.push(r);
  reqs.sort((a, b) => cmp(a.lrt, b.lrt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of reqs) {
    const m = ctx.model(r.lrt);
    const payout = lrtViews.payoutNow(ctx.lw, m.rec, r, ctx.block, ctx.now);
    const price = assetPrice(ctx.lw, r.asset);
    const valueEth = ethValue(payout, price);
    const id = `request:${r.lrt}:${r.id}`;
    if (r.status === "pending") {
      const base = ethValue(m.requestPayout(r, m.recognise(NO_SLASH)), price);
      sources.push({ position: id, loss: (sc) => base - ethValue(m.requestPayout(r, m.recognise(sc)), price) });
    }
    out.push({
      layer: "lrtRequest",
      id,
      label:
        r.status === "pending"
          ? `${m.rec.symbol} withdrawal request #${r.id} (pending: pays min(value at request, value when finalized))`
          : `${m.rec.symbol} withdrawal request #${r.id} (finalized: payout fixed, claimable)`,
      amount: r.shares,
      unit: m.rec.symbol,
      valueEth,
      children: [],
      details: {
        lrt: r.lrt,
        requestId: r.id,
        status: r.status,
        asset: r.asset,
        payoutNow: payout,
        amountAtRequest: r.amountAtRequest,
        requestedAt: r.requestedAt,
        ...(m.rec.protocol === "etherfi" && r.status === "pending"
          ? {
              note: "ether.fi finalizes at the next report with the rate of that moment: a loss not yet recognised then does not reach this request (its loss here is an upper bound)",
            }
          : {}),
      },
    });
  }
  return out;
}

function lstAndEthPositions(ctx: ExposureContext, account: Address): ExposureNode[] {
  const out: ExposureNode[] = [];
  const eth = coreBalanceOf(ctx.w.eigen, NATIVE_ETH, account);
  if (eth > 0n) {
    out.push({
      layer: "eth",
      id: "eth",
      label: "native ETH (not staked)",
      amount: eth,
      unit: "ETH",
      valueEth: eth,
      children: [],
    });
  }
  for (const l of [...ctx.w.lrt.lsts.values()].sort((a, b) => cmp(a.id, b.id))) {
    const shares = coreBalanceOf(ctx.w.eigen, l.token, account);
    if (shares === 0n) continue;
    out.push(lstNode(ctx, l.id, shares, `lst:${l.id}`));
  }
  return out;
}

function lstNode(ctx: ExposureContext, lst: string, shares: bigint, id: string): ExposureNode {
  const l = ctx.w.lrt.lsts.get(lst)!;
  return {
    layer: "lst",
    id,
    label: `${l.symbol} (${l.kind === "rebasing" ? "rebasing" : "exchange-rate"} LST, not restaked)`,
    amount: shares,
    unit: `${l.symbol} shares`,
    valueEth: ethValue(shares, lstRate(l)),
    children: [],
    details: { lst, rate: lstRate(l), withdrawalDelaySeconds: l.withdrawalDelaySeconds, oracle: l.oracle },
  };
}

/** The account's own restaked and queued core shares: asset → strategy → operator → sets. */
function corePositions(ctx: ExposureContext, account: Address, sources: LossSource[]): ExposureNode[] {
  const s = ctx.w.eigen;
  const entries: {
    asset: Address;
    strategy: Address;
    node: (valueEth: bigint, amount: bigint) => ExposureNode;
    value: bigint;
    amount: bigint;
  }[] = [];
  const operator = dm.delegatedTo(s, account);
  for (const st of cviews.stakerStrategies(s, account)) {
    const asset = assetOfStrategy(ctx, st);
    const price = ctx.price(asset);
    const value = (sc: Scenario) => ethValue(sharesToAsset(s, st, withdrawableUnder(s, account, st, sc)), price);
    const v0 = value(NO_SLASH);
    const amount = sharesToAsset(s, st, withdrawableUnder(s, account, st, NO_SLASH));
    const pos = `core:${st}`;
    sources.push({ position: pos, loss: (sc) => v0 - value(sc) });
    entries.push({
      asset,
      strategy: st,
      value: v0,
      amount,
      node: (valueEth, amt) =>
        operatorNode(
          ctx,
          {
            operator,
            strategy: st,
            label: `operator ${operator === null ? "(none: not delegated)" : short(operator)} — restaked`,
            idPrefix: pos,
          },
          valueEth,
          amt,
          assetName(ctx, asset),
        ),
    });
  }
  for (const q of cviews.queuedWithdrawals(s, ctx.block, account)) {
    q.withdrawal.strategies.forEach((st, i) => {
      const asset = assetOfStrategy(ctx, st);
      const price = ctx.price(asset);
      const value = (sc: Scenario) => ethValue(sharesToAsset(s, st, queuedUnder(s, ctx.block, q, i, sc)), price);
      const v0 = value(NO_SLASH);
      const pos = `core:${st}:queued:${q.withdrawal.root.slice(0, 10)}`;
      sources.push({ position: pos, loss: (sc) => v0 - value(sc) });
      entries.push({
        asset,
        strategy: st,
        value: v0,
        amount: sharesToAsset(s, st, q.shares[i]!),
        node: (valueEth, amt) =>
          operatorNode(
            ctx,
            {
              operator: q.withdrawal.delegatedTo,
              strategy: st,
              queuedUntil: q.slashableUntil,
              label: `operator ${short(q.withdrawal.delegatedTo ?? "(none)")} — queued withdrawal, completable from block ${q.completableFrom}`,
              idPrefix: pos,
            },
            valueEth,
            amt,
            assetName(ctx, asset),
          ),
      });
    });
  }
  const out: ExposureNode[] = [];
  for (const e of entries) {
    const opNode = e.node(e.value, e.amount);
    const strategyNode: ExposureNode = {
      layer: "strategy",
      id: `${opNode.id.split("/op:")[0]}`,
      label: `EigenLayer strategy ${e.strategy === BEACON_CHAIN_ETH_STRATEGY ? "beaconChainETH (native restaking)" : short(e.strategy)}`,
      amount: e.amount,
      unit: assetName(ctx, e.asset),
      valueEth: e.value,
      children: [opNode],
      details: { strategy: e.strategy, staker: account },
    };
    out.push({
      layer: e.asset === NATIVE_ETH ? "eth" : "lst",
      id: strategyNode.id,
      label: `${assetName(ctx, e.asset)} restaked directly in EigenLayer`,
      amount: e.amount,
      unit: assetName(ctx, e.asset),
      valueEth: e.value,
      children: [{ ...strategyNode, id: `${strategyNode.id}/strategy` }],
      details: { asset: e.asset, ...(ctx.price(e.asset) === 0n ? { unpriced: true } : {}) },
    });
  }
  return out;
}

function assetOfStrategy(ctx: ExposureContext, st: Address): Address {
  if (st === BEACON_CHAIN_ETH_STRATEGY) return NATIVE_ETH;
  return ctx.w.eigen.strategies.get(st)?.token ?? NATIVE_ETH;
}

/* ------------------------------------------------------------------ markets */

/** Value of `amount` of a market asset in ETH through the market's oracles (null without an ETH oracle). */
function oracleEthValue(ctx: ExposureContext, asset: AssetId, amount: bigint): bigint | null {
  const oracle = marketOracleOf(ctx, asset);
  if (oracle === null || ctx.ethOracle === null) return null;
  try {
    const p = oracles.price(ctx.w.markets, ctx.mctx, oracle);
    const pe = oracles.price(ctx.w.markets, ctx.mctx, ctx.ethOracle);
    const dec = BigInt(ctx.w.markets.assets.get(asset)?.decimals ?? 18);
    return pe === 0n ? null : (amount * p * WAD) / (10n ** dec * pe);
  } catch {
    return null;
  }
}

function marketOracleOf(ctx: ExposureContext, asset: AssetId): string | null {
  const r = ctx.w.markets.reserves.get(asset);
  if (r !== undefined) return r.oracle;
  for (const m of ctx.w.markets.morphoMarkets.values()) {
    if (m.collateralToken === asset) return m.collateralOracle;
    if (m.loanToken === asset) return m.loanOracle;
  }
  return ctx.w.markets.oracles.has(asset) ? asset : null;
}

interface Mapped {
  node: ExposureNode;
  /** the per-unit value ratio under a scenario (WAD), for the lending HF estimate; null when unaffected */
  ratio: ((sc: Scenario) => bigint) | null;
}

/** A market asset held somewhere in the markets layer, as the layers below see it. */
function mappedNode(
  ctx: ExposureContext,
  asset: AssetId,
  amount: bigint,
  id: string,
  where: string,
  sources: LossSource[],
  rootId: string,
): Mapped {
  const link = ctx.link(asset);
  switch (link.kind) {
    case "eth":
      return {
        node: {
          layer: "eth",
          id,
          label: `${asset} ${where} (ETH)`,
          amount,
          unit: asset,
          valueEth: amount,
          children: [],
        },
        ratio: null,
      };
    case "lst": {
      const n = lstNode(ctx, link.lst, amount, id);
      return { node: { ...n, label: `${asset} ${where} (${n.label})`, unit: asset }, ratio: null };
    }
    case "lrt": {
      const rec = ctx.w.lrt.lrts.get(link.lrt);
      if (rec === undefined) break;
      const token = link.token ?? rec.wrappedSymbol ?? rec.symbol;
      const chain = link.chain ?? L1;
      const m = ctx.model(link.lrt);
      const label = `${asset} ${where} = ${token} (${protocolName(rec)})${chain === L1 ? "" : ` on ${chain}`}`;
      const inner = lrtNode(
        ctx,
        link.lrt,
        token,
        chain,
        amount,
        chain === L1 ? id : `${id}/lrt`,
        label,
        sources,
        rootId,
      );
      const node = chain === L1 ? inner : bridgeNode(ctx, link.lrt, chain, inner, id);
      const r0 = unitValue(m.recognise(NO_SLASH), WAD);
      return { node, ratio: (sc) => (r0 === 0n ? WAD : (unitValue(m.recognise(sc), WAD) * WAD) / r0) };
    }
    case "strategy": {
      const s = ctx.w.eigen;
      const st = link.strategy;
      const a = assetOfStrategy(ctx, st);
      const price = ctx.price(a);
      const w0 = withdrawableUnder(s, link.staker, st, NO_SLASH);
      const value = (sc: Scenario) => {
        const wsc = withdrawableUnder(s, link.staker, st, sc);
        const shares = w0 === 0n ? 0n : (amount * wsc) / w0;
        return ethValue(sharesToAsset(s, st, shares), price);
      };
      const v0 = value(NO_SLASH);
      sources.push({ position: rootId, loss: (sc) => v0 - value(sc) });
      const operator = dm.delegatedTo(s, link.staker);
      const op = operatorNode(
        ctx,
        {
          operator,
          strategy: st,
          label: `operator ${short(operator ?? "(none)")} via vault staker ${short(link.staker)}`,
          idPrefix: id,
        },
        v0,
        sharesToAsset(s, st, amount),
        assetName(ctx, a),
      );
      return {
        node: {
          layer: "strategy",
          id,
          label: `${asset} ${where} (vault over strategy ${short(st)} shares of ${short(link.staker)})`,
          amount,
          unit: asset,
          valueEth: v0,
          children: [op],
          details: { strategy: st, staker: link.staker },
        },
        ratio: (sc) => (v0 === 0n ? WAD : (value(sc) * WAD) / v0),
      };
    }
    case "none":
      break;
  }
  const v = oracleEthValue(ctx, asset, amount);
  return {
    node: {
      layer: "other",
      id,
      label: `${asset} ${where}${v === null ? " (no ETH price)" : ""}`,
      amount,
      unit: asset,
      valueEth: v ?? 0n,
      children: [],
      details: { valuedBy: v === null ? null : "market oracles" },
    },
    ratio: null,
  };
}

function debtNode(ctx: ExposureContext, asset: AssetId, amount: bigint, id: string, where: string): ExposureNode {
  const link = ctx.link(asset);
  const v = link.kind === "eth" ? amount : (oracleEthValue(ctx, asset, amount) ?? 0n);
  return {
    layer: "debt",
    id,
    label: `${asset} borrowed ${where}`,
    amount,
    unit: asset,
    valueEth: -v,
    children: [],
  };
}

function oracleInfo(ctx: ExposureContext, oracleId: string): Record<string, unknown> {
  const o = ctx.w.markets.oracles.get(oracleId);
  if (o === undefined) return { oracle: oracleId };
  const src = o.source;
  const live =
    (src.kind === "exchangeRate" || src.kind === "capo") &&
    ctx.mctx.rates?.exchangeRate(src.source, ctx.marketTimestamp) !== undefined;
  return {
    oracle: oracleId,
    kind: src.kind,
    ...(src.kind === "exchangeRate" || src.kind === "capo" ? { source: src.source, followsLrtLive: live } : {}),
    ...(src.kind === "dex" ? { pool: src.pool } : {}),
    frozen: o.frozen !== null,
  };
}

function marketPositions(
  ctx: ExposureContext,
  account: Address,
  sources: LossSource[],
  lending: LendingSource[],
): ExposureNode[] {
  const s = ctx.w.markets;
  const out: ExposureNode[] = [];
  const pv = mviews.positionView(s, ctx.mctx, account);
  for (const wlt of pv.wallet) {
    const id = `market:wallet:${wlt.asset}`;
    const mapped = mappedNode(ctx, wlt.asset, wlt.amount, `${id}/asset`, "in the market wallet", sources, id);
    out.push({
      layer: "wallet",
      id,
      label: `${wlt.asset} in the markets' wallet`,
      amount: wlt.amount,
      unit: wlt.asset,
      valueEth: mapped.node.valueEth,
      children: [mapped.node],
    });
  }
  for (const lp of pv.lp) {
    const pool = s.pools.get(lp.pool);
    if (pool === undefined) continue;
    const id = `market:pool:${lp.pool}`;
    const balances = pool.kind === "stableswap" ? pool.balances : pool.reserves;
    const children = pool.assets.map((a, i) => {
      const amt = pool.totalSupply === 0n ? 0n : (lp.amount * balances[i]!) / pool.totalSupply;
      return mappedNode(ctx, a, amt, `${id}/coin:${a}`, `(share of pool ${lp.pool})`, sources, id).node;
    });
    out.push({
      layer: "pool",
      id,
      label: `LP share of pool ${lp.pool}`,
      amount: lp.amount,
      unit: `${lp.pool} LP`,
      valueEth: sumNodes(children),
      children,
      details: { pool: lp.pool, kind: pool.kind },
    });
  }
  if (pv.aave !== null) {
    const a = pv.aave;
    const id = "market:aave";
    const ratios: { valueBase: bigint; lt: bigint; ratio: ((sc: Scenario) => bigint) | null }[] = [];
    const children: ExposureNode[] = [];
    for (const c of a.collateral) {
      const mapped = mappedNode(
        ctx,
        c.asset,
        c.amount,
        `${id}/collateral:${c.asset}`,
        c.usedAsCollateral ? "supplied as collateral" : "supplied (not collateral)",
        sources,
        id,
      );
      const r = s.reserves.get(c.asset);
      const lt = r === undefined ? 0n : collateralLt(ctx, c.asset, a.eMode);
      mapped.node.details = {
        ...(mapped.node.details ?? {}),
        lending: {
          venue: "aave",
          ...oracleInfo(ctx, r?.oracle ?? ""),
          liquidationThreshold: lt,
          usedAsCollateral: c.usedAsCollateral,
        },
      };
      children.push(mapped.node);
      if (c.usedAsCollateral)
        ratios.push({ valueBase: c.valueBase, lt, ratio: followsRate(ctx, r?.oracle) ? mapped.ratio : null });
    }
    for (const d of a.debt)
      children.push(debtNode(ctx, d.asset, d.amount, `${id}/debt:${d.asset}`, "on the Aave-style pool"));
    const hf = a.healthFactor;
    lending.push({
      position: id,
      healthFactor: hf,
      after: (sc) => {
        if (a.totalDebtBase === 0n) return null;
        let weighted = 0n;
        for (const x of ratios) weighted += (x.valueBase * x.lt * (x.ratio === null ? WAD : x.ratio(sc))) / WAD;
        return (weighted * WAD) / (a.totalDebtBase * 10_000n);
      },
    });
    out.push({
      layer: "lending",
      id,
      label: `Aave-style pool position (e-mode ${a.eMode})`,
      amount: null,
      unit: null,
      valueEth: sumNodes(children),
      children,
      details: {
        venue: "aave",
        eMode: a.eMode,
        healthFactor: hf,
        ltvBps: a.ltv,
        liquidationThresholdBps: a.liquidationThreshold,
        leverage: a.leverage,
        liquidationPrices: a.liquidationPrices,
        totalCollateralBase: a.totalCollateralBase,
        totalDebtBase: a.totalDebtBase,
      },
    });
  }
  for (const mp of pv.morpho) {
    const mk = s.morphoMarkets.get(mp.market);
    if (mk === undefined) continue;
    if (mp.collateral === 0n && mp.supplied === 0n && mp.borrowed === 0n) continue;
    const id = `market:morpho:${mp.market}`;
    const children: ExposureNode[] = [];
    let collateralRatio: ((sc: Scenario) => bigint) | null = null;
    if (mp.collateral > 0n) {
      const mapped = mappedNode(
        ctx,
        mk.collateralToken,
        mp.collateral,
        `${id}/collateral`,
        `as collateral in Morpho market ${mp.market}`,
        sources,
        id,
      );
      mapped.node.details = {
        ...(mapped.node.details ?? {}),
        lending: { venue: "morpho", lltv: mk.lltv, ...oracleInfo(ctx, mk.collateralOracle) },
      };
      children.push(mapped.node);
      collateralRatio = followsRate(ctx, mk.collateralOracle) ? mapped.ratio : null;
    }
    if (mp.supplied > 0n) {
      const mapped = mappedNode(
        ctx,
        mk.loanToken,
        mp.supplied,
        `${id}/supplied`,
        `lent in Morpho market ${mp.market}`,
        sources,
        id,
      );
      mapped.node.details = {
        ...(mapped.node.details ?? {}),
        note: `a lender here bears the market's bad debt if ${mk.collateralToken} collateral falls below the loans`,
      };
      children.push(mapped.node);
    }
    if (mp.borrowed > 0n)
      children.push(debtNode(ctx, mk.loanToken, mp.borrowed, `${id}/debt`, `in Morpho market ${mp.market}`));
    const hf = mp.healthFactor;
    if (mp.borrowed > 0n) {
      lending.push({
        position: id,
        healthFactor: hf,
        after: (sc) => (collateralRatio === null ? hf : (hf * collateralRatio(sc)) / WAD),
      });
    }
    out.push({
      layer: "lending",
      id,
      label: `Morpho market ${mp.market} (${mk.collateralToken}/${mk.loanToken}, LLTV ${formatWei(mk.lltv, 2)})`,
      amount: null,
      unit: null,
      valueEth: sumNodes(children),
      children,
      details: {
        venue: "morpho",
        market: mp.market,
        lltv: mk.lltv,
        healthFactor: hf,
        ltv: mp.ltv,
        leverage: mp.leverage,
        liquidationPrice: mp.liquidationPrice,
      },
    });
  }
  return out;
}

function collateralLt(ctx: ExposureContext, asset: AssetId, eMode: number): bigint {
  const r = ctx.w.markets.reserves.get(asset)!;
  const cat = eMode === 0 ? undefined : ctx.w.markets.eModes.get(String(eMode));
  return cat?.collateralAssets.includes(asset) ? cat.liquidationThreshold : r.liquidationThreshold;
}

/** Whether a market oracle moves with the token's exchange rate (exchange-rate and CAPO oracles, unless frozen). */
function followsRate(ctx: ExposureContext, oracleId: string | undefined): boolean {
  if (oracleId === undefined) return false;
  const o = ctx.w.markets.oracles.get(oracleId);
  if (o === undefined || o.frozen !== null) return false;
  return o.source.kind === "exchangeRate" || o.source.kind === "capo";
}

/* ------------------------------------------------------------------ losses */

function lossesUnder(
  sources: LossSource[],
  lending: LendingSource[],
  sc: Scenario,
): { lossEth: bigint; byPosition: PositionLoss[]; lending: LendingAfter[] } {
  const by = new Map<string, bigint>();
  for (const s of sources) {
    const l = s.loss(sc);
    if (l !== 0n) by.set(s.position, (by.get(s.position) ?? 0n) + l);
  }
  const byPosition = [...by.entries()].map(([position, lossEth]) => ({ position, lossEth }));
  return {
    lossEth: byPosition.reduce((a, p) => a + p.lossEth, 0n),
    byPosition,
    lending: lending.map((l) => {
      const after = l.after(sc);
      return {
        position: l.position,
        healthFactor: l.healthFactor,
        healthFactorAfter: after,
        liquidatable: after !== null && after < WAD,
      };
    }),
  };
}

function recognitions(ctx: ExposureContext, lrts: Set<string>, sc: Scenario): Recognition[] {
  return [...lrts].sort().map((id) => {
    const m = ctx.model(id);
    return { lrt: id, protocol: m.rec.protocol, ...m.detail(sc) };
  });
}

/* ------------------------------------------------------------------ risk layers */

function collect(nodes: ExposureNode[], f: (n: ExposureNode) => void): void {
  for (const n of nodes) {
    f(n);
    collect(n.children, f);
  }
}

function riskLayers(ctx: ExposureContext, positions: ExposureNode[]): RiskLayer[] {
  const lsts = new Set<string>();
  const lrts = new Set<string>();
  const bridges = new Set<string>();
  const operators = new Set<Address>();
  const sets = new Set<string>();
  const lendingNodes: ExposureNode[] = [];
  let native = false;
  let restaking = false;
  collect(positions, (n) => {
    const d = n.details ?? {};
    if (n.layer === "lst" && typeof d.lst === "string") lsts.add(d.lst);
    if (n.layer === "lrt" && typeof d.lrt === "string") lrts.add(d.lrt);
    if (n.layer === "bridge" && typeof d.chain === "string") {
      const lrtChild = n.children[0]?.details?.lrt;
      if (typeof lrtChild === "string") bridges.add(`${lrtChild}|${d.chain}`);
    }
    if (n.layer === "strategy") {
      restaking = true;
      if (d.strategy === BEACON_CHAIN_ETH_STRATEGY) native = true;
    }
    if (n.layer === "operator" && typeof d.operator === "string") operators.add(d.operator as Address);
    if (n.layer === "operatorSet") sets.add(`${d.avs}/${d.operatorSetId}`);
    if (n.layer === "lending") lendingNodes.push(n);
  });
  const out: Omit<RiskLayer, "order">[] = [];
  if (native) {
    out.push({
      layer: "consensus",
      id: "ethereum-consensus",
      label:
        "Ethereum consensus: the validators behind native restaking (beacon-chain slashing) and the beacon reporter the engine trusts for their balances",
      details: { beaconReporter: ctx.w.eigen.params.beaconReporter },
    });
  }
  for (const id of [...lsts].sort()) {
    const l = ctx.w.lrt.lsts.get(id)!;
    out.push({
      layer: "lst",
      id: `lst:${id}`,
      label: `${l.symbol} contract (${l.kind}) and its oracle`,
      details: {
        lst: id,
        token: l.token,
        oracle: l.oracle,
        admin: l.admin,
        feeBps: l.feeBps,
        rate: lstRate(l),
        withdrawalDelaySeconds: l.withdrawalDelaySeconds,
        lastReportTimestamp: l.lastReportTimestamp,
      },
    });
  }
  if (restaking) {
    const p = ctx.w.eigen.params;
    const paused: Record<string, bigint> = {};
    for (const [k, v] of ctx.w.eigen.paused.entries()) if (v !== 0n) paused[k] = v;
    out.push({
      layer: "restaking",
      id: "eigenlayer",
      label: "EigenLayer core contracts (delegation, allocation, slashing, withdrawals)",
      details: {
        protocol: "eigenlayer",
        admin: p.admin,
        minWithdrawalDelayBlocks: p.minWithdrawalDelayBlocks,
        deallocationDelayBlocks: p.deallocationDelayBlocks,
        allocationConfigurationDelayBlocks: p.allocationConfigurationDelayBlocks,
        slashResolutionDelayBlocks: p.slashResolutionDelayBlocks,
        paused,
      },
    });
  }
  for (const op of [...operators].sort()) {
    const n = ctx.neutral.operators.find((o) => o.operator === op);
    const evs = ctx.events.filter((e) => e.operator === op);
    out.push({
      layer: "operator",
      id: `operator:${op}`,
      label: `operator ${short(op)}: ${evs.length} operator set(s) can slash it`,
      details: {
        operator: op,
        stakers: n?.stakers ?? 0,
        delegated: n?.delegated ?? [],
        operatorSets: evs.map((e) => e.serviceSet),
      },
    });
  }
  const setKeys = [...sets].sort();
  for (const key of setKeys) {
    const rec = ctx.w.eigen.operatorSets.get(key);
    const evs = ctx.events.filter((e) => e.serviceSet === key);
    out.push({
      layer: "avs",
      id: `avs:${key}`,
      label: `AVS ${short(rec?.avs ?? key)} operator set ${rec?.id ?? ""}: slashable by ${short(evs[0]?.slasher ?? "?")}, ${rec?.redistributionRecipient ? `redistributed to ${short(rec.redistributionRecipient)}` : "slashed funds burned"}`,
      details: {
        avs: rec?.avs,
        operatorSetId: rec?.id,
        slasher: evs[0]?.slasher ?? null,
        redistributionRecipient: rec?.redistributionRecipient ?? null,
        strategies: rec?.strategies ?? [],
        members: rec?.members ?? [],
        slashCount: rec?.slashCount ?? 0n,
        allocations: evs.map((e) => ({
          operator: e.operator,
          slashableUntil: e.slashableUntil,
          strategies: e.strategies.map((x) => ({ strategy: x.strategy, fractionWad: x.fractionWad, shares: x.shares })),
        })),
        metadataURI: rec ? (ctx.w.eigen.avss.get(rec.avs)?.metadataURI ?? null) : null,
      },
    });
  }
  for (const id of [...lrts].sort()) {
    const m = ctx.model(id);
    const rec = m.rec;
    out.push({
      layer: "lrt",
      id: `lrt:${id}`,
      label: `${protocolName(rec)} ${rec.symbol} contracts and their oracle (${oracleModel(rec)})`,
      details: {
        lrt: id,
        protocol: rec.protocol,
        roles: rec.roles,
        paused: lrtViews.pausedFlags(rec),
        rate: m.nav.rate,
        nav: m.nav.nav,
        protocolValue: m.nav.protocolValue,
        /** the live NAV less what the protocol's rate is computed on: what its next report would recognise */
        unrecognised: m.liveValue(NO_SLASH) - m.nav.protocolValue,
        lastReportTimestamp: rec.lastReportTimestamp,
        oracleModel: oracleModel(rec),
      },
    });
  }
  for (const key of [...bridges].sort()) {
    const [lrt, chain] = key.split("|") as [string, string];
    const route = ctx.w.lrt.routes.get(key);
    const supply = supplyByChain(ctx.lw, lrt);
    out.push({
      layer: "bridge",
      id: `bridge:${key}`,
      label: `bridge of ${lrt} to ${chain}: ${route?.mechanism ?? "?"}, verified by one account (1-of-1)`,
      details: {
        lrt,
        chain,
        mechanism: route?.mechanism ?? null,
        verifier: route?.verifier ?? null,
        escrow: route?.escrow ?? null,
        unbacked: supply.unbacked,
        supplyInvariantHolds: supply.holds,
        chains: supply.chains,
      },
    });
  }
  for (const n of lendingNodes) {
    const d = n.details ?? {};
    const oracleNodes: unknown[] = [];
    collect(n.children, (c) => {
      if (c.details?.lending) oracleNodes.push({ asset: c.unit, ...(c.details.lending as object) });
    });
    out.push({
      layer: "lending",
      id: `lending:${n.id}`,
      label: `${n.label} and its oracle(s)`,
      details: { ...d, collateral: oracleNodes },
    });
  }
  return out.map((l, i) => ({ order: i + 1, ...l }));
}

export function oracleModel(rec: LrtRecord): string {
  switch (rec.protocol) {
    case "etherfi":
      return `oracle rebase, +${rec.params.maxPositiveRebaseBps}/−${rec.params.maxNegativeRebaseBps} bps per report, APR guard ${rec.params.acceptableRebaseAprBps} bps`;
    case "renzo":
      return `TVL summed live, token feeds at most ${rec.params.oracleMaxAgeSeconds} s old`;
    case "kelp":
      return `permissionless price update, refused beyond ${rec.params.pricePercentageLimit} % (0: no limit)`;
    case "puffer":
      return "guardian report of lockedETH; node-operator bonds absorb losses first";
    case "swell":
      return `oracle reprice, refused beyond ${rec.params.maxRepriceDiffBps} bps`;
  }
}

/* ------------------------------------------------------------------ exits */

const DAY = 86_400n;

function coreDelaySeconds(ctx: ExposureContext): bigint {
  return (ctx.w.eigen.params.minWithdrawalDelayBlocks + 1n) * ctx.spb;
}

/** The LRT's own ways out for `units` of its token (L1), and the DEX pools that trade it. */
export function lrtExitPaths(
  ctx: ExposureContext,
  lrt: string,
  units: bigint,
  position: string,
  via: string[] = [],
): ExitPath[] {
  const m = ctx.model(lrt);
  const rec = m.rec;
  const paused = lrtViews.pausedFlags(rec);
  const valueEth = unitValue(m.booked(), units);
  const q = lrtViews.queue(ctx.lw, lrt, { block: ctx.block, timestamp: ctx.now });
  const liq = lrtViews.liquidity(ctx.lw, lrt, { block: ctx.block, timestamp: ctx.now });
  const ethLiq = liq.assets.find((a) => a.asset === NATIVE_ETH);
  const backlog = q.pendingPayoutNow.reduce((a, [asset, v]) => a + ethValue(v, assetPrice(ctx.lw, asset)), 0n);
  const out: ExitPath[] = [];
  const blockers: string[] = [];
  const notes: string[] = [...via];
  if (paused.includes("withdrawRequests")) blockers.push("withdrawal requests are paused");
  if (paused.includes("claims")) blockers.push("claims are paused");
  notes.push(`queue now: ${q.pending} pending request(s) worth ${formatWei(backlog)} ETH ahead`);
  let delay: bigint | null = null;
  const core = coreDelaySeconds(ctx);
  const b = rec.book;
  switch (b.kind) {
    case "etherfi": {
      const liquid = ethLiq === undefined ? 0n : ethLiq.pool < b.inLp ? ethLiq.pool : b.inLp;
      const next = rec.lastReportTimestamp + rec.params.minReportIntervalSeconds - ctx.now;
      delay = next > 0n ? next : 0n;
      notes.push("finalized by the next oracle report at its frozen rate, then claimable");
      if (backlog + valueEth > liquid) {
        delay += core;
        notes.push(
          `the liquidity pool holds ${formatWei(liquid)} ETH < backlog + this ${formatWei(backlog + valueEth)} ETH: the protocol must first exit EigenLayer (${core} s)`,
        );
      }
      const cap = rec.params.maxFinalizedPerDay;
      if (cap > 0n && backlog + valueEth > cap) {
        const days = (backlog + valueEth + cap - 1n) / cap;
        delay += (days - 1n) * DAY;
        notes.push(`at most ${formatWei(cap)} ETH finalized per day: ${days} day(s) of finalizations`);
      }
      break;
    }
    case "renzo": {
      const cooldown =
        b.riskCooldownSeconds > rec.params.cooldownSeconds ? b.riskCooldownSeconds : rec.params.cooldownSeconds;
      delay = cooldown;
      const avail = ethLiq?.available ?? 0n;
      notes.push(
        `claimable after the cooldown (${cooldown} s); the request reserves its amount from the withdraw buffer`,
      );
      if (valueEth > avail) {
        blockers.push(
          `withdraw buffer holds ${formatWei(avail)} ETH free < ${formatWei(valueEth)} ETH: the request reverts until it is refilled`,
        );
        delay += core;
      }
      break;
    }
    case "kelp": {
      delay = rec.params.withdrawalDelayBlocks * ctx.spb;
      const avail = ethLiq?.available ?? 0n;
      notes.push(
        `unlocked by the manager within price bounds, claimable ${rec.params.withdrawalDelayBlocks} blocks after the request`,
      );
      if (valueEth > avail) {
        notes.push(
          `the deposit pool has ${formatWei(avail)} ETH uncommitted < ${formatWei(valueEth)} ETH: the manager must unstake first (${core} s)`,
        );
        delay += core;
      }
      break;
    }
    case "puffer": {
      const size = rec.params.batchSize;
      const inBatch = size === 0n ? 0n : BigInt(q.pending) % size;
      delay = null;
      notes.push(
        `finalized by the manager in full batches of ${size}: ${size === 0n ? 0n : size - inBatch - 1n} more request(s) needed after this one to fill its batch`,
      );
      break;
    }
    case "swell":
      delay = null;
      notes.push("processed by the manager (no on-chain delay); pays min(rate at request, rate when processed)");
      if (valueEth > (ethLiq?.pool ?? 0n))
        notes.push(
          `the pool holds ${formatWei(ethLiq?.pool ?? 0n)} ETH < ${formatWei(valueEth)} ETH: it must unstake first (${core} s)`,
        );
      break;
  }
  out.push({
    position,
    path: `${protocolName(rec)} withdrawal queue`,
    amount: units,
    unit: rec.symbol,
    receiveEth: valueEth,
    delaySeconds: delay,
    available: blockers.length === 0 && units > 0n,
    blockers,
    notes,
  });
  if (rec.protocol === "etherfi" || rec.protocol === "puffer") {
    const ib: string[] = [];
    if (paused.includes("instantWithdrawals")) ib.push("instant withdrawals are paused");
    let receive: bigint;
    if (rec.protocol === "etherfi") {
      const fee = (valueEth * rec.params.exitFeeBps) / 10_000n;
      receive = valueEth - fee;
      const cap = liq.instantRedeemable ?? 0n;
      if (receive > cap)
        ib.push(
          `instant redemption limited to ${formatWei(cap)} ETH now (bucket, low watermark ${formatWei(liq.lowWatermark ?? 0n)} ETH, liquidity)`,
        );
    } else {
      const fees = rec.params.exitFeeBps + rec.params.treasuryExitFeeBps;
      receive = valueEth - (valueEth * fees + 9_999n) / 10_000n;
      if (receive > (ethLiq?.pool ?? 0n))
        ib.push(`the vault holds ${formatWei(ethLiq?.pool ?? 0n)} ETH < ${formatWei(receive)} ETH`);
    }
    out.push({
      position,
      path: `${protocolName(rec)} instant redemption`,
      amount: units,
      unit: rec.symbol,
      receiveEth: receive,
      delaySeconds: 0n,
      available: ib.length === 0 && units > 0n,
      blockers: ib,
      notes: [
        ...via,
        `exit fee ${rec.protocol === "etherfi" ? rec.params.exitFeeBps : rec.params.exitFeeBps + rec.params.treasuryExitFeeBps} bps`,
      ],
    });
  }
  out.push(...dexPaths(ctx, lrt, units, position, via));
  return out;
}

/** Selling into the market pools that list a token mapped to this LRT (quoted on the pool's current state). */
function dexPaths(ctx: ExposureContext, lrt: string, units: bigint, position: string, via: string[]): ExitPath[] {
  const out: ExitPath[] = [];
  if (units === 0n) return out;
  for (const pool of [...ctx.w.markets.pools.values()].sort((a, b) => cmp(a.id, b.id))) {
    const mine = pool.assets.find((a) => {
      const l = ctx.link(a);
      return l.kind === "lrt" && l.lrt === lrt;
    });
    if (mine === undefined) continue;
    for (const other of pool.assets) {
      if (other === mine) continue;
      const l = ctx.link(other);
      if (l.kind !== "eth") continue;
      try {
        const q = quoteSwap(ctx.w.markets, pool.id, mine, other, units, ctx.marketTimestamp);
        out.push({
          position,
          path: `sell on ${pool.id}`,
          amount: units,
          unit: mine,
          receiveEth: q.amountOut,
          delaySeconds: 0n,
          available: q.amountOut > 0n,
          blockers: [],
          notes: [
            ...via,
            `price impact ${formatWei(q.priceImpact * 100n, 2)} %, spot ${formatWei(q.spotBefore, 4)} → ${formatWei(q.spotAfter, 4)}`,
          ],
        });
      } catch (e) {
        out.push({
          position,
          path: `sell on ${pool.id}`,
          amount: units,
          unit: mine,
          receiveEth: null,
          delaySeconds: 0n,
          available: false,
          blockers: [(e as Error).message],
          notes: [...via],
        });
      }
    }
  }
  return out;
}

function exitPaths(ctx: ExposureContext, positions: ExposureNode[]): ExitPath[] {
  const out: ExitPath[] = [];
  for (const p of positions) {
    const d = p.details ?? {};
    if (p.layer === "lrt" && typeof d.lrt === "string") {
      out.push(...lrtExitPaths(ctx, d.lrt, p.amount ?? 0n, p.id));
    } else if (p.layer === "bridge" && typeof d.chain === "string") {
      const inner = p.children[0]!;
      const lrt = inner.details?.lrt as string;
      const route = ctx.w.lrt.routes.get(`${lrt}|${d.chain}`);
      const rec = ctx.model(lrt).rec;
      const blockers: string[] = [];
      if (lrtViews.pausedFlags(rec).includes("bridge")) blockers.push("the bridge is paused");
      if (route?.mechanism === "lockAndMint") {
        const locked = ctx.w.lrt.balances.get(`${lrt}|${inner.unit}|${L1}|${route.escrow}`) ?? 0n;
        if (locked < (p.amount ?? 0n))
          blockers.push(
            `the L1 adapter holds ${formatWei(locked)} < ${formatWei(p.amount ?? 0n)} locked: the release would revert`,
          );
      }
      const via = [
        `bridge ${d.chain} → ${L1} first (${route?.mechanism ?? "no route"}; delivered on the verifier's attestation)`,
      ];
      out.push({
        position: p.id,
        path: `bridge to ${L1}`,
        amount: p.amount ?? 0n,
        unit: p.unit ?? "",
        receiveEth: null,
        delaySeconds: 0n,
        available: blockers.length === 0 && route !== undefined,
        blockers,
        notes: ["no delay is modelled for message delivery"],
      });
      out.push(...lrtExitPaths(ctx, lrt, p.amount ?? 0n, p.id, via));
    } else if (p.layer === "lrtRequest") {
      out.push(requestExit(ctx, p));
    } else if ((p.layer === "lst" || p.layer === "eth") && p.id.startsWith("core:")) {
      out.push(...coreExits(ctx, p));
    } else if (p.layer === "lst" && typeof d.lst === "string") {
      out.push(lstExit(ctx, d.lst, p.amount ?? 0n, p.id));
    } else if (p.layer === "lending") {
      out.push(lendingExit(ctx, p));
    } else if (p.layer === "wallet" || p.layer === "pool") {
      for (const c of p.children) {
        const l = c.layer === "bridge" ? c.children[0] : c;
        if (l?.layer === "lrt" && typeof l.details?.lrt === "string") {
          out.push(...dexPaths(ctx, l.details.lrt, l.amount ?? 0n, p.id, [`${c.unit} held in the markets layer`]));
        }
      }
    }
  }
  return out;
}

function requestExit(ctx: ExposureContext, p: ExposureNode): ExitPath {
  const d = p.details ?? {};
  const rec = ctx.model(d.lrt as string).rec;
  const finalized = d.status === "finalized";
  const notes: string[] = [];
  let delay: bigint | null = 0n;
  if (rec.protocol === "kelp") {
    const req = ctx.w.lrt.requests.get(`${rec.id}|${d.requestId}`)!;
    const from = req.requestedBlock + rec.params.withdrawalDelayBlocks;
    delay = from > ctx.block ? (from - ctx.block) * ctx.spb : 0n;
    notes.push(`claimable from block ${from}${finalized ? "" : " once unlocked by the manager"}`);
  } else if (rec.protocol === "renzo") {
    const req = ctx.w.lrt.requests.get(`${rec.id}|${d.requestId}`)!;
    const b = rec.book.kind === "renzo" ? rec.book : null;
    const cooldown =
      b && b.riskCooldownSeconds > rec.params.cooldownSeconds ? b.riskCooldownSeconds : rec.params.cooldownSeconds;
    const at = req.requestedAt + cooldown;
    delay = at > ctx.now ? at - ctx.now : 0n;
    notes.push(`claimable after the cooldown, at ${at}`);
  } else if (!finalized) {
    delay = rec.protocol === "etherfi" ? 0n : null;
    notes.push(rec.protocol === "etherfi" ? "finalized by the next oracle report" : "finalized by the manager");
  }
  return {
    position: p.id,
    path: finalized ? "claim" : "wait for finalization, then claim",
    amount: p.amount ?? 0n,
    unit: p.unit ?? "",
    receiveEth: p.valueEth,
    delaySeconds: delay,
    available: !lrtViews.pausedFlags(rec).includes("claims"),
    blockers: lrtViews.pausedFlags(rec).includes("claims") ? ["claims are paused"] : [],
    notes,
  };
}

function coreExits(ctx: ExposureContext, p: ExposureNode): ExitPath[] {
  const out: ExitPath[] = [];
  collect(p.children, (n) => {
    if (n.layer !== "operator") return;
    const d = n.details ?? {};
    const queued = d.queuedWithdrawalSlashableUntil as bigint | undefined;
    if (queued !== undefined) {
      const from = queued + 1n;
      out.push({
        position: p.id,
        path: "complete the queued EigenLayer withdrawal",
        amount: n.amount ?? 0n,
        unit: n.unit ?? "",
        receiveEth: n.valueEth,
        delaySeconds: from > ctx.block ? (from - ctx.block) * ctx.spb : 0n,
        available: true,
        blockers: [],
        notes: [`completable from block ${from}; slashable until block ${queued}`],
      });
    } else {
      const native = d.strategy === BEACON_CHAIN_ETH_STRATEGY;
      out.push({
        position: p.id,
        path: "queue an EigenLayer withdrawal",
        amount: n.amount ?? 0n,
        unit: n.unit ?? "",
        receiveEth: n.valueEth,
        delaySeconds: coreDelaySeconds(ctx),
        available: true,
        blockers: [],
        notes: [
          `minWithdrawalDelayBlocks ${ctx.w.eigen.params.minWithdrawalDelayBlocks}; slashable throughout`,
          ...(native ? ["native ETH also needs a validator exit on the beacon chain (not modelled)"] : []),
        ],
      });
    }
  });
  return out;
}

function lstExit(ctx: ExposureContext, lst: string, shares: bigint, position: string): ExitPath {
  const l = ctx.w.lrt.lsts.get(lst)!;
  const value = ethValue(shares, lstRate(l));
  const pool = coreBalanceOf(ctx.w.eigen, NATIVE_ETH, l.pool);
  const notes = [`pays min(value at request, value at claim) after ${l.withdrawalDelaySeconds} s`];
  if (pool < value) notes.push(`the LST pool holds ${formatWei(pool)} ETH < ${formatWei(value)} ETH now`);
  return {
    position,
    path: `${l.symbol} withdrawal queue`,
    amount: shares,
    unit: `${l.symbol} shares`,
    receiveEth: value,
    delaySeconds: l.withdrawalDelaySeconds,
    available: true,
    blockers: [],
    notes,
  };
}

function lendingExit(ctx: ExposureContext, p: ExposureNode): ExitPath {
  const debts = p.children.filter((c) => c.layer === "debt");
  const debtEth = -sumNodes(debts);
  const notes = debts.map((d) => `repay ${formatWei(d.amount ?? 0n)} ${d.unit}`);
  const blockers: string[] = [];
  if (p.details?.venue === "aave") {
    for (const c of p.children) {
      if (c.layer === "debt" || c.unit === null) continue;
      const asset = (c.label.split(" ")[0] ?? "") as AssetId;
      const r = ctx.w.markets.reserves.get(asset);
      if (r === undefined) continue;
      try {
        const rv = mviews.reserveView(ctx.w.markets, ctx.mctx, asset);
        if (rv.availableLiquidity < (c.amount ?? 0n))
          blockers.push(
            `the ${asset} reserve has ${formatWei(rv.availableLiquidity)} available < ${formatWei(c.amount ?? 0n)} to withdraw`,
          );
        if (rv.paused) blockers.push(`the ${asset} reserve is paused`);
      } catch {
        // an oracle that cannot price: the reserve view is unavailable
      }
    }
  }
  return {
    position: p.id,
    path: "repay the debt, withdraw the collateral, then exit it",
    amount: 0n,
    unit: "",
    receiveEth: p.valueEth,
    delaySeconds: 0n,
    available: blockers.length === 0,
    blockers,
    notes: [
      ...notes,
      ...(debtEth > 0n ? [`needs ${formatWei(debtEth)} ETH of debt assets up front (or a flash loan and a sale)`] : []),
    ],
  };
}

/* ------------------------------------------------------------------ the stack */

/** The exposure stack of `account` in `world` (pure; see the module comment). */
export function exposureStack(world: RiskWorld, account: Address, opts: ExposureOptions = {}): ExposureStack {
  const acct = account.toLowerCase() as Address;
  const ctx = new ExposureContext(world, opts);
  const sources: LossSource[] = [];
  const lending: LendingSource[] = [];
  const positions: ExposureNode[] = [
    ...marketPositions(ctx, acct, sources, lending),
    ...lrtPositions(ctx, acct, sources),
    ...requestPositions(ctx, acct, sources),
    ...corePositions(ctx, acct, sources),
    ...lstAndEthPositions(ctx, acct),
  ];
  const lrts = new Set<string>();
  collect(positions, (n) => {
    if (n.layer === "lrt" && typeof n.details?.lrt === "string") lrts.add(n.details.lrt);
  });
  // the events that can reach the account's stake, priced or not
  const reaches = new Set<string>();
  collect(positions, (n) => {
    if (n.layer !== "operator" || typeof n.details?.operator !== "string") return;
    for (const c of n.children) {
      if (c.layer === "operatorSet") reaches.add(`${c.details?.avs}/${c.details?.operatorSetId}#${n.details.operator}`);
    }
  });
  const events: EventLoss[] = [];
  for (const e of ctx.events) {
    const sc = scenarioOf(ctx.w.eigen, [e]);
    const r = lossesUnder(sources, lending, sc);
    const hfMoves = r.lending.some((l) => l.healthFactorAfter !== l.healthFactor);
    if (r.lossEth === 0n && !hfMoves && !reaches.has(e.id)) continue;
    const touched = new Set<string>();
    for (const id of lrts) if (ctx.model(id).detail(sc).live !== ctx.model(id).detail(NO_SLASH).live) touched.add(id);
    events.push({
      event: e.id,
      avs: e.avs,
      operatorSetId: e.operatorSetId,
      operator: e.operator,
      slasher: e.slasher,
      redistributionRecipient: e.redistributionRecipient,
      slashableUntil: e.slashableUntil,
      strategies: e.strategies.map((x) => ({
        strategy: x.strategy,
        asset: x.asset,
        fractionWad: x.fractionWad,
        slashableShares: x.shares,
        slashableAmount: x.assetAmount,
      })),
      lossEth: r.lossEth,
      byPosition: r.byPosition,
      lending: r.lending,
      recognition: recognitions(ctx, touched, sc),
      sentence: `if AVS ${short(e.avs)} (operator set ${e.operatorSetId}) slashes operator ${short(e.operator)} by its maximum, this account loses ${formatWei(r.lossEth)} ETH`,
    });
  }
  events.sort((a, b) => (a.lossEth === b.lossEth ? cmp(a.event, b.event) : a.lossEth > b.lossEth ? -1 : 1));
  const all = scenarioOf(ctx.w.eigen, ctx.events);
  const allR = lossesUnder(sources, lending, all);
  const assetsEth = positions.reduce((a, p) => a + positiveValue(p), 0n);
  const netEth = sumNodes(positions);
  const notes: string[] = [
    "values are ETH wei; each node's children sum to it exactly (largest-remainder apportionment of the LRT's holdings by current value)",
    "a slashing event is one operator set slashing one operator by its maximum (every strategy at 100 % of the allocation); losses are exact in wei once each LRT's accounting has recognised the slash",
  ];
  if (ctx.unpriced.size > 0) {
    notes.push(
      `no ETH price for core token(s) ${[...ctx.unpriced].sort().join(", ")}: their positions count 0 ETH here (pass \`prices\`); their slashing events are listed with the loss in ETH left at 0`,
    );
  }
  if (world.markets.assets.size > 0) {
    notes.push(
      "market tokens are valued as claims on the layers below them through the asset map; the markets layer keeps its own token ledger",
    );
  }
  return {
    account: acct,
    block: ctx.block,
    timestamp: ctx.now,
    marketTimestamp: ctx.marketTimestamp,
    positions,
    totals: {
      netEth,
      assetsEth,
      debtEth: assetsEth - netEth,
      worstEventLossEth: events[0]?.lossEth ?? 0n,
      allAtOnceLossEth: allR.lossEth,
    },
    events,
    allAtOnce: {
      events: ctx.events.length,
      lossEth: allR.lossEth,
      byPosition: allR.byPosition,
      lending: allR.lending,
      recognition: recognitions(ctx, lrts, all),
    },
    riskLayers: riskLayers(ctx, positions),
    exits: exitPaths(ctx, positions),
    notes,
  };
}

/** A root's assets (debt excluded). */
function positiveValue(n: ExposureNode): bigint {
  if (n.layer === "debt") return 0n;
  if (n.children.length === 0) return n.valueEth > 0n ? n.valueEth : 0n;
  if (n.layer === "lending") return n.children.reduce((a, c) => a + positiveValue(c), 0n);
  return n.valueEth > 0n ? n.valueEth : 0n;
}
