import type { Address } from "../core/eigenlayer/state.ts";
import { WAD } from "../core/shared/math.ts";
import { supplyByChain } from "../lrt/bridge.ts";
import { lstRate } from "../lrt/lst.ts";
import * as lrtViews from "../lrt/views.ts";
import { maxLoopLeverage, priceDropToLiquidation } from "../markets/strategies.ts";
import type { AssetId } from "../markets/types.ts";
import * as mviews from "../markets/views.ts";
import { ExposureContext, type ExposureOptions, formatWei, lrtExitPaths, oracleModel, percent } from "./exposure.ts";
import { BEACON_CHAIN_ETH_STRATEGY, cmp, NATIVE_ETH, NO_SLASH, type SlashEvent, scenarioOf } from "./exposureCore.ts";
import { assetPrice, unitValue } from "./exposureLrt.ts";
import type { RiskWorld } from "./exposureWorld.ts";

/**
 * The evaluation checklist of the LRT guide (the seed's "Evaluation checklist"), computed for one LRT from the state:
 * what is actually restaked; which AVSs, right now; their slashing conditions; the operator set; where the token is
 * deployed and its bridge; the redemption queue and its backlog; points versus real yield; the leverage built on it
 * in lending markets. Each item has a severity from fixed thresholds (`CHECKLIST_THRESHOLDS`, docs/risk-exposure.md),
 * the findings that set it, and the numbers behind them. Pure, like the exposure stack it builds on.
 */

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

export type ChecklistKey =
  | "restaked"
  | "avs"
  | "slashing"
  | "operators"
  | "deployment"
  | "redemption"
  | "yield"
  | "leverage"
  | "audit";

export interface ChecklistItem {
  key: ChecklistKey;
  /** the guide's question */
  question: string;
  severity: Severity;
  summary: string;
  /** each finding names the threshold it crossed */
  findings: string[];
  /** false: the state cannot answer this (the item is listed so the checklist stays complete) */
  computed: boolean;
  data: Record<string, unknown>;
}

export interface LrtChecklist {
  lrt: string;
  protocol: string;
  symbol: string;
  block: bigint;
  timestamp: bigint;
  nav: bigint;
  supply: bigint;
  rate: bigint;
  /** the worst item */
  severity: Severity;
  items: ChecklistItem[];
  thresholds: typeof CHECKLIST_THRESHOLDS;
}

/**
 * Every threshold the checklist uses. Shares of NAV and of supply are in basis points; times in seconds; leverage and
 * health factors in WAD. An item takes the highest severity any of its rules gives.
 */
export const CHECKLIST_THRESHOLDS = {
  restaked: {
    /** native ETH only: info; any LST adds its contract and oracle: low; an LRT held by an LRT: medium */
    lstLayer: "low",
    lrtOfLrt: "medium",
  },
  avs: {
    /** the LRT's largest loss to one AVS (all its operator sets, every operator at its maximum), share of NAV */
    singleAvsHighBps: 5_000n,
    singleAvsMediumBps: 2_000n,
    /** this many AVSs or more can slash the LRT: medium (correlated slashing across many conditions) */
    manyAvs: 5,
  },
  slashing: {
    /** the LRT's loss if every operator set slashes every operator at once, share of NAV */
    allAtOnceCriticalBps: 5_000n,
    allAtOnceHighBps: 2_500n,
    allAtOnceMediumBps: 1_000n,
    /** the worst single slashing event, share of NAV */
    singleEventHighBps: 2_500n,
    /** a set that redistributes slashed funds to a recipient (the slasher's side may profit): at least medium */
    redistributing: "medium",
    /** the LRT's own guard refuses to pass a loss on until governance acts (Kelp, Swell): at least medium */
    recognitionBlocked: "medium",
    /** ether.fi needs longer than this to recognise the worst event (requests finalized meanwhile escape it) */
    slowRecognitionSeconds: 30n * 86_400n,
  },
  operators: {
    /** a single operator: high */
    single: "high",
    /** the largest operator's share of the LRT's delegated value */
    largestMediumBps: 5_000n,
    /** Herfindahl–Hirschman index over operators, ×10⁴ (DoJ/FTC: > 2 500 highly concentrated) */
    hhiMedium: 2_500n,
  },
  deployment: {
    /** any supply not backed by the L1 (a forged bridge mint): critical */
    unbacked: "critical",
    /** share of supply on L2s behind a 1-of-1 verifier */
    l2HighBps: 2_000n,
    /** any L2 supply behind a 1-of-1 verifier: medium */
    l2Medium: "medium",
  },
  redemption: {
    /** withdrawal requests or claims paused: critical */
    paused: "critical",
    /** pending withdrawals exceed the ETH the LRT can pay without unstaking: high */
    backlogOverLiquidity: "high",
    /** pending withdrawals, share of NAV */
    backlogMediumBps: 1_000n,
    /** the queue's minimum time for a small request */
    slowExitSeconds: 14n * 86_400n,
  },
  yield: {
    /** slashable without any AVS rewards funded on-chain: medium */
    unpaidRisk: "medium",
    /** AVS rewards only in tokens the state cannot price in ETH: low */
    unpricedRewards: "low",
  },
  leverage: {
    /** a borrower against the LRT already liquidatable: critical; below this health factor: high */
    hfHigh: (105n * WAD) / 100n,
    /** the maximum loop leverage a listing allows (1/(1 − LTV)) at or above this, with loops present: high */
    maxLoopHigh: 10n * WAD,
    /** a position at or above this leverage counts as a loop */
    loop: 3n * WAD,
    /** anyone borrowing against it: medium; listed as collateral only: low */
    borrowing: "medium",
    listed: "low",
  },
} as const;

const QUESTIONS: Record<ChecklistKey, string> = {
  restaked: "What's actually restaked? Native ETH, an LST, or an LRT-of-LRT? Each adds a risk layer.",
  avs: "Which AVSs is the protocol opted into right now?",
  slashing: "What slashing conditions do those AVSs impose? Read the actual slashing math, not the marketing.",
  operators: "What's the operator set? One curated provider, a permissionless market, or a multi-tier system?",
  deployment:
    "Where are the contracts deployed? If it's a bridged LRT on an L2, who runs the bridge and what is their verifier setup?",
  redemption: "What's the redemption queue? Native withdrawal time, current backlog, and any per-day caps.",
  yield: "Points or real yield? What does the protocol actually earn for the risk it takes?",
  leverage: "How much leverage is built on it through lending? (Looping is leverage.)",
  audit: "Has the protocol been audited since the last upgrade?",
};

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const worst = (...s: Severity[]): Severity => s.reduce((a, b) => (rank(b) > rank(a) ? b : a), "info" as Severity);
const bps = (x: bigint, of: bigint): bigint => (of === 0n ? 0n : (x * 10_000n) / of);
const ev = (amount: bigint, price: bigint): bigint => (amount * price) / WAD;

function short(a: string): string {
  return a.startsWith("0x") && a.length === 42 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

class Item {
  severity: Severity = "info";
  findings: string[] = [];
  raise(s: Severity, finding: string): void {
    this.severity = worst(this.severity, s);
    this.findings.push(`[${s}] ${finding}`);
  }
}

/** The checklist for one LRT (pure). */
export function lrtChecklist(world: RiskWorld, lrtId: string, opts: ExposureOptions = {}): LrtChecklist {
  const ctx = new ExposureContext(world, opts);
  const m = ctx.model(lrtId);
  const rec = m.rec;
  const nav = m.nav.nav;
  const live0 = m.liveValue(NO_SLASH);
  const T = CHECKLIST_THRESHOLDS;
  const items: ChecklistItem[] = [];
  const push = (key: ChecklistKey, it: Item, summary: string, data: Record<string, unknown>, computed = true) =>
    items.push({
      key,
      question: QUESTIONS[key],
      severity: it.severity,
      summary,
      findings: it.findings,
      computed,
      data,
    });

  /* 1. what is actually restaked */
  {
    const it = new Item();
    const byAsset = new Map<string, Record<string, bigint>>();
    for (const h of m.holdings) {
      const sym = symbolOf(world, h.asset);
      const row = byAsset.get(sym) ?? {};
      row[h.kind] = (row[h.kind] ?? 0n) + h.value;
      byAsset.set(sym, row);
    }
    const restaked = m.holdings.filter((h) => h.kind === "restaked" || h.kind === "unstaking");
    const restakedValue = restaked.reduce((a, h) => a + h.value, 0n);
    const native = restaked.some((h) => h.strategy === BEACON_CHAIN_ETH_STRATEGY);
    const lsts = [
      ...new Set(m.holdings.filter((h) => h.asset !== NATIVE_ETH).map((h) => symbolOf(world, h.asset))),
    ].sort();
    // the engine's LRTs take native ETH and LST core tokens; any other deposit asset would be a further layer
    const unknown = rec.assets.filter(
      (a) => a !== NATIVE_ETH && ![...world.lrt.lsts.values()].some((l) => l.token === a),
    );
    const lrtOfLrt = unknown.length > 0;
    if (lsts.length > 0)
      it.raise(T.restaked.lstLayer, `holds LSTs (${lsts.join(", ")}): each adds its contract and oracle as a layer`);
    if (lrtOfLrt)
      it.raise(
        T.restaked.lrtOfLrt,
        `accepts ${unknown.length} asset(s) that are neither ETH nor a known LST (another LRT would be a second LRT layer)`,
      );
    if (native)
      it.findings.push(
        "[info] native ETH restaked through EigenPods: the beacon chain's own slashing and the beacon reporter apply",
      );
    push(
      "restaked",
      it,
      `${percent(restakedValue, nav)} of NAV restaked in EigenLayer${native ? " (incl. native ETH)" : ""}; ${lsts.length > 0 ? `LSTs: ${lsts.join(", ")}` : "no LSTs"}`,
      {
        nav,
        restakedValue,
        restakedShareBps: bps(restakedValue, nav),
        native,
        lsts,
        lrtOfLrt,
        byAsset: Object.fromEntries([...byAsset.entries()].sort(([a], [b]) => cmp(a, b))),
        layers: 1 + (native ? 1 : 0) + lsts.length + (lrtOfLrt ? 1 : 0),
      },
    );
  }

  /* 2 and 3. AVSs and slashing conditions, from the slashing events that reach the LRT */
  const lossOf = (events: SlashEvent[]) => live0 - m.liveValue(scenarioOf(world.eigen, events));
  const reaching = ctx.events
    .map((e) => ({ e, loss: lossOf([e]) }))
    .filter((x) => x.loss > 0n)
    .sort((a, b) => (a.loss === b.loss ? cmp(a.e.id, b.e.id) : a.loss > b.loss ? -1 : 1));
  const allEvents = reaching.map((x) => x.e);
  const allAtOnce = allEvents.length === 0 ? 0n : lossOf(allEvents);
  const avsRows = new Map<Address, { avs: Address; sets: Set<string>; operators: Set<Address>; loss: bigint }>();
  for (const { e } of reaching) {
    const row = avsRows.get(e.avs) ?? { avs: e.avs, sets: new Set(), operators: new Set(), loss: 0n };
    row.sets.add(e.serviceSet);
    row.operators.add(e.operator);
    avsRows.set(e.avs, row);
  }
  for (const row of avsRows.values()) row.loss = lossOf(reaching.filter((x) => x.e.avs === row.avs).map((x) => x.e));
  {
    const it = new Item();
    const rows = [...avsRows.values()].sort((a, b) =>
      a.loss === b.loss ? cmp(a.avs, b.avs) : a.loss > b.loss ? -1 : 1,
    );
    const top = rows[0];
    if (top !== undefined) {
      const share = bps(top.loss, nav);
      const s =
        share >= T.avs.singleAvsHighBps ? "high" : share >= T.avs.singleAvsMediumBps ? "medium" : ("low" as Severity);
      it.raise(
        s,
        `AVS ${short(top.avs)} alone can take ${percent(top.loss, nav)} of NAV (thresholds ${T.avs.singleAvsMediumBps / 100n} % / ${T.avs.singleAvsHighBps / 100n} %)`,
      );
    }
    if (rows.length >= T.avs.manyAvs)
      it.raise(
        "medium",
        `${rows.length} AVSs can slash it (≥ ${T.avs.manyAvs}): correlated slashing across many conditions`,
      );
    push(
      "avs",
      it,
      rows.length === 0
        ? "no AVS can slash the LRT's stake now"
        : `${rows.length} AVS(s), ${reaching.length} operator-set/operator pair(s) can slash it now; the largest single-AVS loss is ${percent(top!.loss, nav)} of NAV`,
      {
        avss: rows.map((r) => ({
          avs: r.avs,
          metadataURI: world.eigen.avss.get(r.avs)?.metadataURI ?? null,
          operatorSets: [...r.sets].sort(),
          operators: [...r.operators].sort(),
          maxLossEth: r.loss,
          maxLossShareBps: bps(r.loss, nav),
        })),
      },
    );
  }
  {
    const it = new Item();
    const share = bps(allAtOnce, nav);
    if (allAtOnce > 0n) {
      const s =
        share >= T.slashing.allAtOnceCriticalBps
          ? "critical"
          : share >= T.slashing.allAtOnceHighBps
            ? "high"
            : share >= T.slashing.allAtOnceMediumBps
              ? "medium"
              : ("low" as Severity);
      it.raise(s, `every slashable allocation slashed at once takes ${percent(allAtOnce, nav)} of NAV`);
    }
    const top = reaching[0];
    if (top !== undefined && bps(top.loss, nav) >= T.slashing.singleEventHighBps) {
      it.raise(
        "high",
        `one event (${short(top.e.avs)}/${top.e.operatorSetId} slashing ${short(top.e.operator)}) takes ${percent(top.loss, nav)} of NAV`,
      );
    }
    const sets = new Map<string, SlashEvent[]>();
    for (const { e } of reaching) sets.set(e.serviceSet, [...(sets.get(e.serviceSet) ?? []), e]);
    for (const [key, evs] of sets) {
      const r = evs[0]!.redistributionRecipient;
      if (r !== null)
        it.raise(
          T.slashing.redistributing as Severity,
          `operator set ${short(key)} redistributes slashed funds to ${short(r)} instead of burning them`,
        );
      const rec2 = world.eigen.operatorSets.get(key);
      if (rec2 !== undefined && rec2.slashCount > 0n)
        it.findings.push(`[info] operator set ${short(key)} has slashed ${rec2.slashCount} time(s) before`);
    }
    const recognition = top === undefined ? null : m.detail(scenarioOf(world.eigen, [top.e]));
    if (recognition?.blockedBy)
      it.raise(
        T.slashing.recognitionBlocked as Severity,
        `the worst event trips the LRT's ${recognition.blockedBy} guard: the rate stays stale until the admin acts`,
      );
    if (recognition?.seconds != null && recognition.seconds > T.slashing.slowRecognitionSeconds) {
      it.raise(
        "medium",
        `${recognition.reports} oracle reports (≥ ${recognition.seconds / 86_400n} days) to recognise the worst event; requests finalized meanwhile escape it`,
      );
    }
    const perToken = (events: SlashEvent[]) => {
      const sc = scenarioOf(world.eigen, events);
      return unitValue(m.recognise(NO_SLASH), WAD) - unitValue(m.recognise(sc), WAD);
    };
    push(
      "slashing",
      it,
      reaching.length === 0
        ? "no slashing condition reaches the LRT"
        : `worst single event ${percent(top!.loss, nav)} of NAV; everything at once ${percent(allAtOnce, nav)}`,
      {
        operatorSets: [...sets.entries()]
          .sort(([a], [b]) => cmp(a, b))
          .map(([key, evs]) => {
            const set = world.eigen.operatorSets.get(key);
            return {
              operatorSet: key,
              avs: set?.avs,
              operatorSetId: set?.id,
              slasher: evs[0]!.slasher,
              redistributionRecipient: evs[0]!.redistributionRecipient,
              strategies: set?.strategies ?? [],
              slashCount: set?.slashCount ?? 0n,
              operators: evs.map((e) => ({
                operator: e.operator,
                slashableUntil: e.slashableUntil,
                allocations: e.strategies.map((x) => ({ strategy: x.strategy, fractionWad: x.fractionWad })),
                lrtLossEth: reaching.find((r) => r.e.id === e.id)!.loss,
              })),
            };
          }),
        worstEvent:
          top === undefined
            ? null
            : {
                event: top.e.id,
                lossEth: top.loss,
                lossShareBps: bps(top.loss, nav),
                perTokenLoss: perToken([top.e]),
                recognition,
              },
        allAtOnce: {
          lossEth: allAtOnce,
          lossShareBps: share,
          perTokenLoss: allEvents.length > 0 ? perToken(allEvents) : 0n,
        },
        oracleModel: oracleModel(rec),
      },
    );
  }

  /* 4. the operator set */
  {
    const it = new Item();
    const alloc = lrtViews.allocation(ctx.lw, lrtId, { block: ctx.block, timestamp: ctx.now });
    const delegated = alloc.delegators.reduce((a, d) => a + d.value, 0n);
    const shares = alloc.delegators.map((d) => bps(d.value, delegated));
    const hhi = shares.reduce((a, s) => a + (s * s) / 10_000n, 0n);
    const largest = shares.reduce((a, s) => (s > a ? s : a), 0n);
    const ops = new Set(alloc.delegators.map((d) => d.operator));
    const active = new Set(alloc.delegators.filter((d) => d.value > 0n).map((d) => d.operator));
    if (active.size === 1) {
      it.raise(
        T.operators.single as Severity,
        `a single operator holds all the delegated stake (${ops.size} configured)`,
      );
    }
    if (active.size > 1 && largest >= T.operators.largestMediumBps) {
      it.raise("medium", `the largest operator holds ${Number(largest) / 100} % of the delegated value`);
    }
    if (active.size > 1 && hhi >= T.operators.hhiMedium)
      it.raise("medium", `HHI ${hhi} ≥ ${T.operators.hhiMedium}: concentrated`);
    if (active.size > 1 && it.findings.length === 0) it.raise("low", `${active.size} operators, HHI ${hhi}`);
    const undelegated = alloc.delegators.filter((d) => d.delegatedTo === null);
    if (undelegated.length > 0) it.raise("medium", `${undelegated.length} delegator(s) not delegated in the core`);
    push(
      "operators",
      it,
      ops.size === 0
        ? "no operator delegators"
        : active.size === 0
          ? `${ops.size} operator(s) configured by the LRT's admin, none holds stake yet`
          : `${active.size} of ${ops.size} operator(s) hold stake, curated by the LRT's admin (${short(rec.roles.admin)}); largest ${Number(largest) / 100} %, HHI ${hhi}`,
      {
        model: "curated: the LRT's admin adds operator delegators and sets their target weights",
        admin: rec.roles.admin,
        hhi,
        largestShareBps: largest,
        delegators: alloc.delegators.map((d) => {
          const n = ctx.neutral.operators.find((o) => o.operator === d.operator);
          return {
            operator: d.operator,
            delegator: d.delegator,
            delegatedTo: d.delegatedTo,
            targetBps: d.weightBps,
            actualBps: d.actualBps,
            valueEth: d.value,
            operatorStakers: n?.stakers ?? 0,
            operatorSets: ctx.events.filter((e) => e.operator === d.operator).map((e) => e.serviceSet),
          };
        }),
      },
    );
  }

  /* 5. deployment and bridges */
  {
    const it = new Item();
    const s = supplyByChain(ctx.lw, lrtId);
    const routes = [...world.lrt.routes.values()].filter((r) => r.lrt === lrtId).sort((a, b) => cmp(a.chain, b.chain));
    const total = s.canonicalL1 + s.l2Total + s.inFlight;
    if (s.unbacked !== 0n)
      it.raise(
        T.deployment.unbacked as Severity,
        `${formatWei(s.unbacked)} ${s.token} in circulation is not backed (a bridge mint without a burn)`,
      );
    if (s.l2Total > 0n) {
      const share = bps(s.l2Total, total);
      it.raise(
        share >= T.deployment.l2HighBps ? "high" : (T.deployment.l2Medium as Severity),
        `${percent(s.l2Total, total)} of the supply lives on L2s, each delivered on one verifier's attestation (1-of-1)`,
      );
    } else if (routes.length > 0) it.raise("low", `${routes.length} bridge route(s), no L2 supply yet`);
    const verifiers = new Set(routes.map((r) => r.verifier));
    if (routes.length > 1 && verifiers.size === 1) it.findings.push("[info] one account verifies every route");
    if (lrtViews.pausedFlags(rec).includes("bridge")) it.findings.push("[info] bridging is paused");
    push(
      "deployment",
      it,
      routes.length === 0
        ? "L1 only (no bridge routes)"
        : `L1 plus ${routes.map((r) => r.chain).join(", ")}; ${percent(s.l2Total, total)} of supply on L2s${s.unbacked !== 0n ? `; UNBACKED ${formatWei(s.unbacked)}` : ""}`,
      {
        token: s.token,
        chains: s.chains,
        canonicalL1: s.canonicalL1,
        l2Total: s.l2Total,
        inFlight: s.inFlight,
        backed: s.backed,
        unbacked: s.unbacked,
        supplyInvariantHolds: s.holds,
        routes: routes.map((r) => ({
          chain: r.chain,
          mechanism: r.mechanism,
          verifier: r.verifier,
          verifierModel: "1-of-1",
          escrow: r.escrow,
        })),
      },
    );
  }

  /* 6. redemption queue */
  {
    const it = new Item();
    const q = lrtViews.queue(ctx.lw, lrtId, { block: ctx.block, timestamp: ctx.now });
    const liq = lrtViews.liquidity(ctx.lw, lrtId, { block: ctx.block, timestamp: ctx.now });
    const backlog = q.pendingPayoutNow.reduce((a, [asset, v]) => a + ev(v, assetPrice(ctx.lw, asset)), 0n);
    const owed = q.finalizedOwed.reduce((a, [asset, v]) => a + ev(v, assetPrice(ctx.lw, asset)), 0n);
    const liquid = liq.assets.reduce(
      (a, x) => a + ev(x.available > 0n ? x.available : 0n, assetPrice(ctx.lw, x.asset)),
      0n,
    );
    const paused = lrtViews.pausedFlags(rec);
    if (paused.includes("withdrawRequests") || paused.includes("claims")) {
      it.raise(T.redemption.paused as Severity, `withdrawals are paused (${paused.join(", ")})`);
    }
    if (backlog > liquid)
      it.raise(
        T.redemption.backlogOverLiquidity as Severity,
        `pending withdrawals (${formatWei(backlog)} ETH) exceed the liquid buffer (${formatWei(liquid)} ETH): they wait for unstaking`,
      );
    if (bps(backlog, nav) >= T.redemption.backlogMediumBps)
      it.raise("medium", `the backlog is ${percent(backlog, nav)} of NAV`);
    const probe = lrtExitPaths(ctx, lrtId, WAD / 1000n, "probe");
    const queuePath = probe[0]!;
    if (queuePath.delaySeconds !== null && queuePath.delaySeconds > T.redemption.slowExitSeconds) {
      it.raise("medium", `a small request takes at least ${queuePath.delaySeconds / 86_400n} days`);
    }
    if (it.findings.length === 0) it.raise("low", "the queue is moving within its buffer");
    const p = rec.params;
    push(
      "redemption",
      it,
      `${q.pending} pending (${formatWei(backlog)} ETH, ${percent(backlog, nav)} of NAV) against ${formatWei(liquid)} ETH liquid; ${queuePath.delaySeconds === null ? "operator-run queue (no on-chain delay)" : `≥ ${formatDuration(queuePath.delaySeconds)} for a small request`}`,
      {
        pending: q.pending,
        backlogEth: backlog,
        finalizedOwedEth: owed,
        liquidEth: liquid,
        liquidity: liq,
        paused,
        coreWithdrawalDelayBlocks: world.eigen.params.minWithdrawalDelayBlocks,
        coreWithdrawalDelaySeconds: (world.eigen.params.minWithdrawalDelayBlocks + 1n) * ctx.spb,
        caps: {
          minWithdrawal: p.minWithdrawal,
          maxWithdrawal: p.maxWithdrawal,
          maxFinalizedPerDay: p.maxFinalizedPerDay,
          instantBucketCapacity: p.bucketCapacity,
          instantRedeemableNow: liq.instantRedeemable ?? null,
          batchSize: p.batchSize,
          withdrawalDelayBlocks: p.withdrawalDelayBlocks,
          cooldownSeconds: p.cooldownSeconds,
        },
        paths: probe.map((x) => ({
          path: x.path,
          delaySeconds: x.delaySeconds,
          available: x.available,
          blockers: x.blockers,
          notes: x.notes,
        })),
      },
    );
  }

  /* 7. points versus real yield */
  {
    const it = new Item();
    const exposedAvs = new Set(reaching.map((x) => x.e.avs));
    const exposedSets = new Set(reaching.map((x) => x.e.serviceSet));
    const operators = new Set(rec.delegators.map((d) => d.operator));
    const rewards: {
      kind: string;
      avs: Address | null;
      token: Address;
      amount: bigint;
      duration: bigint;
      perYear: bigint;
      perYearEth: bigint | null;
      startTimestamp: bigint;
    }[] = [];
    for (const sub of world.eigen.rewardsSubmissions.values()) {
      const relevant =
        sub.avs === null ||
        exposedAvs.has(sub.avs) ||
        (sub.operatorSet !== null && exposedSets.has(sub.operatorSet)) ||
        sub.operatorRewards.some((r) => operators.has(r.operator));
      if (!relevant) continue;
      const perYear = sub.duration === 0n ? 0n : (sub.amount * 365n * 86_400n) / sub.duration;
      const price =
        sub.token === NATIVE_ETH || [...world.lrt.lsts.values()].some((l) => l.token === sub.token)
          ? assetPrice(ctx.lw, sub.token)
          : null;
      rewards.push({
        kind: sub.kind,
        avs: sub.avs,
        token: sub.token,
        amount: sub.amount,
        duration: sub.duration,
        perYear,
        perYearEth: price === null ? null : ev(perYear, price),
        startTimestamp: sub.startTimestamp,
      });
    }
    rewards.sort((a, b) => cmp(`${a.avs}|${a.token}`, `${b.avs}|${b.token}`));
    const pricedPerYear = rewards.reduce((a, r) => a + (r.perYearEth ?? 0n), 0n);
    const slashable = allAtOnce;
    if (slashable > 0n && rewards.length === 0) {
      it.raise(
        T.yield.unpaidRisk as Severity,
        "its stake is slashable but no AVS it secures has funded rewards on-chain: the restaking risk is unpaid (points, if any, are not in the state)",
      );
    } else if (rewards.length > 0 && pricedPerYear === 0n) {
      it.raise(
        T.yield.unpricedRewards as Severity,
        "AVS rewards are funded only in tokens the state cannot price in ETH",
      );
    }
    const lstYield = m.holdings.filter((h) => h.asset !== NATIVE_ETH).reduce((a, h) => a + h.value, 0n);
    push(
      "yield",
      it,
      rewards.length === 0
        ? "no AVS rewards funded on-chain for what it secures; its only yield is the staking yield underneath (and its rate since launch)"
        : `${rewards.length} AVS reward submission(s) reach it; ${formatWei(pricedPerYear)} ETH/year in ETH-priced tokens across all stakers`,
      {
        points: "no points programme exists in the state: points are a claim on a future token, not yield",
        rateSinceLaunch: m.nav.rate,
        cumulativeReturnWad: m.nav.rate > WAD ? m.nav.rate - WAD : 0n,
        protocolFeeBps: rec.params.feeBps,
        valueInLstsEth: lstYield,
        lstRates: [...world.lrt.lsts.values()].map((l) => ({ lst: l.id, rate: lstRate(l) })),
        avsRewards: rewards,
        avsRewardsPerYearEth: pricedPerYear,
        slashableEth: slashable,
        rewardsPerYearOverSlashableBps: bps(pricedPerYear, slashable),
      },
    );
  }

  /* 8. leverage through lending */
  {
    const it = new Item();
    const s = world.markets;
    const mine = [...s.assets.keys()].filter((a) => {
      const l = ctx.link(a);
      return l.kind === "lrt" && l.lrt === lrtId;
    });
    const listings: Record<string, unknown>[] = [];
    let maxLoop = 0n;
    for (const a of mine) {
      const r = s.reserves.get(a);
      if (r !== undefined) {
        const modes = [...s.eModes.values()].filter((e) => e.collateralAssets.includes(a));
        const ltvs = [r.ltv, ...modes.map((e) => e.ltv)];
        for (const l of ltvs)
          if (l > 0n && l < 10_000n) {
            const x = maxLoopLeverage(l);
            if (x > maxLoop) maxLoop = x;
          }
        listings.push({
          venue: "aave",
          asset: a,
          ltvBps: r.ltv,
          liquidationThresholdBps: r.liquidationThreshold,
          frozen: r.frozen,
          supplyCap: r.supplyCap,
          oracle: r.oracle,
          oracleKind: s.oracles.get(r.oracle)?.source.kind ?? null,
          eModes: modes.map((e) => ({
            id: e.id,
            label: e.label,
            ltvBps: e.ltv,
            liquidationThresholdBps: e.liquidationThreshold,
            maxLoopLeverage: e.ltv < 10_000n ? maxLoopLeverage(e.ltv) : null,
            priceDropToLiquidation:
              e.liquidationThreshold > 0n ? priceDropToLiquidation(e.ltv, e.liquidationThreshold) : null,
          })),
        });
      }
      for (const mk of [...s.morphoMarkets.values()].sort((x, y) => cmp(x.id, y.id))) {
        if (mk.collateralToken !== a) continue;
        const lltvBps = (mk.lltv * 10_000n) / WAD;
        if (lltvBps > 0n && lltvBps < 10_000n) {
          const x = maxLoopLeverage(lltvBps);
          if (x > maxLoop) maxLoop = x;
        }
        listings.push({
          venue: "morpho",
          market: mk.id,
          asset: a,
          lltv: mk.lltv,
          oracle: mk.collateralOracle,
          oracleKind: s.oracles.get(mk.collateralOracle)?.source.kind ?? null,
          totalBorrowAssets: mk.totalBorrowAssets,
        });
      }
    }
    const borrowers: {
      account: Address;
      venue: string;
      market: string;
      collateral: AssetId;
      amount: bigint;
      healthFactor: bigint;
      leverage: bigint | null;
      healthFactorAfterWorstEvent: bigint | null;
    }[] = [];
    let pledged = 0n;
    let debtEth = 0n;
    const worstSc = reaching[0] === undefined ? null : scenarioOf(world.eigen, [reaching[0].e]);
    const rate0 = unitValue(m.recognise(NO_SLASH), WAD);
    const ratio = worstSc === null || rate0 === 0n ? WAD : (unitValue(m.recognise(worstSc), WAD) * WAD) / rate0;
    if (mine.length > 0) {
      for (const acct of mviews.accounts(s)) {
        const pv = mviews.positionView(s, ctx.mctx, acct);
        if (pv.aave !== null) {
          for (const c of pv.aave.collateral) {
            if (!mine.includes(c.asset)) continue;
            pledged += c.amount;
            if (pv.aave.totalDebtBase === 0n) continue;
            debtEth += pv.aave.debt.reduce((x, d) => x + (ctx.link(d.asset).kind === "eth" ? d.amount : 0n), 0n);
            const share = pv.aave.totalCollateralBase === 0n ? 0n : (c.valueBase * WAD) / pv.aave.totalCollateralBase;
            const after = pv.aave.healthFactor - (pv.aave.healthFactor * share * (WAD - ratio)) / (WAD * WAD);
            borrowers.push({
              account: acct,
              venue: "aave",
              market: `e-mode ${pv.aave.eMode}`,
              collateral: c.asset,
              amount: c.amount,
              healthFactor: pv.aave.healthFactor,
              leverage: pv.aave.leverage,
              healthFactorAfterWorstEvent: after,
            });
          }
        }
        for (const mp of pv.morpho) {
          const mk = s.morphoMarkets.get(mp.market);
          if (mk === undefined || !mine.includes(mk.collateralToken) || mp.collateral === 0n) continue;
          pledged += mp.collateral;
          if (mp.borrowed === 0n) continue;
          if (ctx.link(mk.loanToken).kind === "eth") debtEth += mp.borrowed;
          borrowers.push({
            account: acct,
            venue: "morpho",
            market: mp.market,
            collateral: mk.collateralToken,
            amount: mp.collateral,
            healthFactor: mp.healthFactor,
            leverage: mp.leverage,
            healthFactorAfterWorstEvent: (mp.healthFactor * ratio) / WAD,
          });
        }
      }
    }
    borrowers.sort((a, b) =>
      a.healthFactor === b.healthFactor ? cmp(a.account, b.account) : a.healthFactor < b.healthFactor ? -1 : 1,
    );
    const loops = borrowers.filter((b) => b.leverage !== null && b.leverage >= T.leverage.loop);
    const minHf = borrowers[0]?.healthFactor ?? null;
    if (minHf !== null && minHf < WAD)
      it.raise("critical", `a position against it is already liquidatable (HF ${formatWei(minHf, 4)})`);
    else if (minHf !== null && minHf < T.leverage.hfHigh)
      it.raise("high", `a position against it has HF ${formatWei(minHf, 4)} < ${formatWei(T.leverage.hfHigh, 2)}`);
    if (loops.length > 0 && maxLoop >= T.leverage.maxLoopHigh) {
      it.raise(
        "high",
        `${loops.length} looped position(s) (≥ ${formatWei(T.leverage.loop, 0)}×) where listings allow up to ${formatWei(maxLoop, 2)}×`,
      );
    }
    const liquidatedByWorst = borrowers.filter(
      (b) => b.healthFactorAfterWorstEvent !== null && b.healthFactorAfterWorstEvent < WAD,
    );
    if (liquidatedByWorst.length > 0) {
      it.raise(
        "high",
        `${liquidatedByWorst.length} position(s) would become liquidatable if the worst slashing event reached the oracle`,
      );
    }
    if (borrowers.length > 0)
      it.raise(T.leverage.borrowing as Severity, `${borrowers.length} position(s) borrow against it`);
    else if (listings.length > 0)
      it.raise(T.leverage.listed as Severity, "listed as collateral, nobody borrows against it");
    push(
      "leverage",
      it,
      mine.length === 0
        ? "not listed in any lending market of this world"
        : `${listings.length} listing(s); ${formatWei(pledged)} ${mine.join("/")} pledged, ${formatWei(debtEth)} ETH borrowed against it by ${borrowers.length} position(s); up to ${formatWei(maxLoop, 2)}× by looping`,
      {
        marketAssets: mine,
        listings,
        pledged,
        pledgedShareOfSupplyBps: bps(pledged, rec.supply),
        debtEth,
        maxLoopLeverage: maxLoop,
        loops: loops.length,
        borrowers,
        worstEventRateRatio: ratio,
      },
    );
  }

  /* 9. audits: not in the state */
  {
    const it = new Item();
    push("audit", it, "not answerable from state: audits and upgrade history live outside the engine", {}, false);
  }

  return {
    lrt: rec.id,
    protocol: rec.protocol,
    symbol: rec.symbol,
    block: ctx.block,
    timestamp: ctx.now,
    nav,
    supply: rec.supply,
    rate: m.nav.rate,
    severity: worst(...items.map((i) => i.severity)),
    items,
    thresholds: CHECKLIST_THRESHOLDS,
  };
}

function symbolOf(w: RiskWorld, asset: string): string {
  if (asset === NATIVE_ETH) return "ETH";
  for (const l of w.lrt.lsts.values()) if (l.token === asset) return l.symbol;
  return asset;
}

export function formatDuration(seconds: bigint): string {
  if (seconds >= 86_400n) return `${(Number(seconds) / 86_400).toFixed(1)} days`;
  if (seconds >= 3_600n) return `${(Number(seconds) / 3_600).toFixed(1)} h`;
  return `${seconds} s`;
}
