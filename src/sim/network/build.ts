import type { EigenCommand } from "../../core/eigenlayer/commands.ts";
import { NATIVE_ETH } from "../../core/eigenlayer/eigenPodManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY, type EigenParams } from "../../core/eigenlayer/params.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import { balanceOf } from "../../core/eigenlayer/tokens.ts";
import { WAD } from "../../core/shared/math.ts";
import type { LrtCommand } from "../../lrt/commands.ts";
import { BEACON_DEPOSIT_CONTRACT, deriveAddress, getLrt, getLst, tokenBalance } from "../../lrt/context.ts";
import { LST_PRESETS, presetCommand } from "../../lrt/presets.ts";
import type { LrtRoles } from "../../lrt/state.ts";
import * as lrtViews from "../../lrt/views.ts";
import type { MarketCommand } from "../../markets/commands.ts";
import { LRT_CURVE, WETH_CURVE } from "../../markets/curves.ts";
import { createWorld } from "../../node/world.ts";
import type { AssetMap } from "../../risk/exposureWorld.ts";
import { SimChain, type SimSink } from "../chain.ts";
import type { NetworkSpec } from "../scenario/types.ts";
import { movableToMarket, toMarket } from "./gateway.ts";
import { dexOracleId, ETH_ORACLE, marketAssetOf, morphoId, poolId, rateOracleId, WETH } from "./names.ts";
import {
  ACCOUNT_KIND,
  type LstId,
  loopLimits,
  loopRounds,
  type NetworkPlan,
  networkDelays,
  planNetwork,
  type StrategyKey,
  simAddress,
} from "./plan.ts";
import { E_MODE, LIQUIDATION_PROTOCOL_FEE, LRT_RESERVES, WETH_RESERVE } from "./presets.ts";
import { apportion, share } from "./random.ts";
import type { SimAvs, SimLooper, SimLrt, SimNetwork, SimOperator, SimPod } from "./types.ts";

/**
 * Builds a network through real commands only — the same doors a signed transaction uses — so the whole set-up is
 * the chain's recorded entries and `replayEntries` rebuilds it. Deterministic from (spec, seed).
 *
 * Order (what must exist before what):
 * 1. block 1: the LSTs and their strategies; operators register; AVSs create their operator sets (the AVS is its
 *    own slasher) and operators register for them; the LRTs are created with their operator delegators and bridge
 *    routes; the markets list WETH and each LRT's asset, the ETH price and an exchange-rate oracle per LRT, empty
 *    LRT/WETH pools, the Aave-style reserves and the ETH-correlated e-mode;
 * 2. after the allocation configuration delay: every operator allocates (one modifyAllocations each);
 * 3. Renzo's oracle reports (its feeds go stale after a day), then the LRT holders deposit (ETH, or an LST bought
 *    with ETH); bridgers deposit and bridge; pool LPs deposit, move the tokens to the markets and add liquidity;
 * 4. DEX oracles and Morpho markets; lenders supply WETH; loopers deposit ETH into their LRT, move it to the markets
 *    and `loop`; after each loop the pool's LP restores the pool's balance by selling freshly minted LRT into it;
 * 5. direct stakers: ETH into an LST then its strategy, or into validators through a pod (the beacon reporter
 *    verifies their credentials); then they delegate;
 * 6. each LRT's manager restakes its LSTs across its delegators by weight and stakes its ETH into 32-ETH
 *    validators (keeping its buffer); a block later the beacon reporter verifies the validators.
 * Native validators are created last on purpose: Renzo's TVL scans every validator record, so deposits into it
 * before any exist cost nothing extra.
 */

export interface BuildOptions {
  /** receives every applied command, from the first (for a recording or a replay check) */
  sink?: SimSink;
  /** a fresh, empty chain to build on (default: a new world with the network's core delays, at block 1) */
  chain?: SimChain;
}

/** The core parameters a network's world is created with (its delays): replay a recorded build into createWorld(them). */
export function networkWorldParams(spec: NetworkSpec): Partial<EigenParams> {
  return { ...networkDelays(spec) };
}

export function buildNetwork(spec: NetworkSpec, seed: number, opts: BuildOptions = {}): SimNetwork {
  const plan = planNetwork(spec, seed);
  const chain = opts.chain ?? new SimChain(createWorld({ ...plan.delays }));
  if (opts.sink !== undefined) chain.onApply(opts.sink);
  // the world's full parameters, so that a replay into createWorld(worldParams) starts from the same world
  return new Builder(chain, plan, { ...chain.world.eigen.params }).build();
}

const GWEI = 10n ** 9n;
const VALIDATOR_GWEI = 32n * GWEI;
/** EIP-7251: a compounding validator holds up to 2,048 ETH (direct stakers use them; LRTs stake 32 ETH each). */
const MAX_EFFECTIVE_GWEI = 2_048n * GWEI;
/** Commands take at most this many validators (stakeNative's own limit is 1,000). */
const VALIDATORS_PER_COMMAND = 1_000;

class Builder {
  private readonly admin: Address;
  private readonly reporter: Address;
  private readonly net: SimNetwork;
  private readonly strategies: Record<StrategyKey, Address>;
  private readonly lstTokens: Record<LstId, Address> = {} as Record<LstId, Address>;
  private nextValidator = 1n;

  constructor(
    private readonly chain: SimChain,
    private readonly plan: NetworkPlan,
    worldParams: Partial<EigenParams>,
  ) {
    const params = chain.world.eigen.params;
    this.admin = params.admin;
    this.reporter = params.beaconReporter;
    const agent = (i: number) => simAddress(ACCOUNT_KIND.agent, i);
    this.strategies = {
      beacon: BEACON_CHAIN_ETH_STRATEGY,
      steth: deriveAddress("sim/strategy/steth"),
      reth: deriveAddress("sim/strategy/reth"),
      cbeth: deriveAddress("sim/strategy/cbeth"),
    };
    this.net = {
      chain,
      startBlock: chain.block,
      admin: this.admin,
      marketAdmin: chain.world.markets.params.admin,
      gateway: deriveAddress("sim/gateway"),
      operators: [],
      avss: [],
      lrts: [],
      stakers: [],
      lrtHolders: [],
      loopers: [],
      weth: WETH,
      aaveAssets: [],
      morphoMarkets: [],
      assetMap: { [WETH]: { kind: "eth" } } as AssetMap,
      accounts: {
        attacker: agent(0),
        shockSeller: agent(1),
        liquidator: agent(2),
        arbitrageurs: Array.from({ length: 8 }, (_, i) => agent(10 + i)),
        riskAdmin: chain.world.markets.params.admin,
      },
      injected: { eth: 0n, marketWeth: 0n },
      worldParams,
      beaconReporter: this.reporter,
      lsts: [],
      pods: [],
      lenders: [],
    };
  }

  build(): SimNetwork {
    this.deployLsts();
    this.deployOperatorsAndAvss();
    this.deployLrts();
    this.deployMarkets();
    this.chain.advance(this.chain.world.eigen.params.allocationConfigurationDelayBlocks + 1n);
    this.allocate();
    this.reportRenzo();
    this.depositHolders();
    this.bridge();
    this.provideLiquidity();
    this.chain.advance(1n);
    this.lend();
    this.loop();
    this.chain.advance(1n);
    this.stakeDirect();
    this.restakeLrts();
    this.chain.advance(1n);
    this.net.startBlock = this.chain.block;
    return this.net;
  }

  // ── command helpers ────────────────────────────────────────────────────────────────────────────────────────

  private core(caller: Address, command: EigenCommand): Record<string, unknown> {
    return this.chain.apply(caller, { layer: "eigen", command });
  }

  private lrt(caller: Address, command: LrtCommand): Record<string, unknown> {
    return this.chain.apply(caller, { layer: "lrt", command });
  }

  private market(caller: Address, command: MarketCommand): Record<string, unknown> {
    return this.chain.apply(caller, { layer: "market", command });
  }

  /** The core admin's faucet: native ETH minted (injected). */
  private fundEth(to: Address, amount: bigint): void {
    this.core(this.admin, { type: "mint", token: NATIVE_ETH, to, amount });
    this.net.injected.eth += amount;
  }

  /** The market admin's faucet: WETH minted in the markets (injected). */
  private fundWeth(to: Address, amount: bigint): void {
    this.market(this.net.marketAdmin, { type: "mint", asset: WETH, to, amount });
    this.net.injected.marketWeth += amount;
  }

  private get lw() {
    return { eigen: this.chain.world.eigen, lrt: this.chain.world.lrt };
  }

  // ── 1. deployment ──────────────────────────────────────────────────────────────────────────────────────────

  private deployLsts(): void {
    const oracle = deriveAddress("sim/lst-oracle");
    for (const p of LST_PRESETS) {
      this.lrt(this.admin, { type: "createLst", ...p, oracle, admin: this.admin });
      const token = getLst(this.lw, p.id).token;
      const strategy = this.strategies[p.id];
      this.core(this.admin, { type: "addStrategy", strategy, token });
      this.lstTokens[p.id] = token;
      this.net.lsts.push({ id: p.id, token, strategy });
    }
  }

  /** Strategy addresses of a set, sorted, with the index map back to the plan's order. */
  private sortedStrategies(keys: readonly StrategyKey[]): { addresses: Address[]; order: number[] } {
    const order = keys
      .map((_, i) => i)
      .sort((a, b) => (this.strategies[keys[a]!] < this.strategies[keys[b]!] ? -1 : 1));
    return { addresses: order.map((i) => this.strategies[keys[i]!]), order };
  }

  private deployOperatorsAndAvss(): void {
    const { plan } = this;
    for (const o of plan.operators) {
      this.core(o.address, { type: "registerAsOperator", allocationDelay: 0n, metadataURI: `sim:${o.id}` });
      this.net.operators.push({ id: o.id, address: o.address, clients: o.clients } satisfies SimOperator);
    }
    for (const a of plan.avss) {
      this.core(a.address, { type: "updateAVSMetadataURI", avs: a.address, metadataURI: `sim:${a.id}` });
      this.core(a.address, {
        type: "createOperatorSets",
        avs: a.address,
        operatorSets: a.sets.map((s) => ({
          operatorSetId: s.id,
          strategies: this.sortedStrategies(s.strategies).addresses,
          slasher: a.address,
        })),
      });
      // one registration per member, for every set of the AVS it belongs to
      const setsOf = new Map<number, bigint[]>();
      for (const s of a.sets) for (const o of s.members) setsOf.set(o, [...(setsOf.get(o) ?? []), s.id]);
      for (const [o, ids] of [...setsOf.entries()].sort((x, y) => x[0] - y[0])) {
        const operator = plan.operators[o]!.address;
        this.core(operator, { type: "registerForOperatorSets", operator, avs: a.address, operatorSetIds: ids });
      }
      this.net.avss.push({
        id: a.id,
        address: a.address,
        slasher: a.address,
        client: a.client,
        operatorSets: a.sets.map((s) => ({
          id: s.id,
          strategies: this.sortedStrategies(s.strategies).addresses,
          operators: s.members.map((o) => plan.operators[o]!.id),
        })),
        slashPolicy: a.slashPolicy,
      } satisfies SimAvs);
    }
  }

  private roles(id: string): LrtRoles {
    const r = (name: string) => deriveAddress(`sim/lrt/${id}/${name}`);
    return {
      admin: r("admin"),
      oracle: r("oracle"),
      manager: r("manager"),
      pauser: r("pauser"),
      riskOracle: r("risk-oracle"),
      treasury: r("treasury"),
      nodeOperatorRewards: r("node-operators"),
    };
  }

  private deployLrts(): void {
    const assets = { stETH: this.lstTokens.steth, rETH: this.lstTokens.reth, cbETH: this.lstTokens.cbeth };
    this.plan.lrts.forEach((l, j) => {
      const roles = this.roles(l.id);
      const params = { ...l.params };
      // Renzo's withdraw buffer: ETH deposits fill the withdraw queue up to the target first
      if (l.kind === "renzo") params.bufferTargets = [[NATIVE_ETH, share(l.deposits, l.bufferShare)]];
      this.lrt(this.admin, presetCommand(l.kind, roles, assets, { id: l.id, params }));
      for (const d of l.delegators) {
        const operator = this.plan.operators[d.operator]!.address;
        this.lrt(roles.admin, { type: "addDelegator", lrt: l.id, operator, weightBps: d.weightBps });
      }
      const bridges: SimLrt["bridges"] = l.bridges.map((b) => {
        const verifier = deriveAddress(`sim/lrt/${l.id}/verifier/${b.chain}`);
        this.lrt(roles.admin, { type: "addBridgeRoute", lrt: l.id, chain: b.chain, mechanism: b.mechanism, verifier });
        return { chain: b.chain, verifier, holder: simAddress(ACCOUNT_KIND.bridger, j), amount: b.amount };
      });
      const asset = marketAssetOf(l.id);
      this.net.lrts.push({
        id: l.id,
        protocol: l.kind,
        marketAsset: asset,
        ...(l.pool !== null
          ? { pool: poolId(asset), dexOracle: dexOracleId(asset), lp: simAddress(ACCOUNT_KIND.lp, j) }
          : {}),
        rateOracle: rateOracleId(asset),
        roles: { admin: roles.admin, oracle: roles.oracle, manager: roles.manager, pauser: roles.pauser },
        bridges,
      });
      this.net.assetMap[asset] = { kind: "lrt", lrt: l.id, token: asset };
    });
  }

  private deployMarkets(): void {
    const admin = this.net.marketAdmin;
    this.market(admin, { type: "listAsset", asset: WETH, decimals: 18 });
    this.market(admin, { type: "createOracle", oracle: ETH_ORACLE, spec: { kind: "fixed", price: this.plan.ethUsd } });
    for (const l of this.plan.lrts) {
      const asset = marketAssetOf(l.id);
      this.market(admin, { type: "listAsset", asset, decimals: 18 });
      this.market(admin, {
        type: "createOracle",
        oracle: rateOracleId(asset),
        spec: { kind: "exchangeRate", source: l.id, base: ETH_ORACLE },
      });
      if (l.pool !== null) {
        this.market(admin, {
          type: "createStableSwapPool",
          pool: poolId(asset),
          assets: [asset, WETH],
          amplification: l.pool.amplification,
          fee: 4_000_000n, // 0.04 %, Curve's stETH pool
          adminFee: 5_000_000_000n, // half the fee
          rateMultipliers: [this.rateOf(l.id), WAD],
        });
      }
    }
    const aave = this.plan.lending.aave;
    if (aave === null) return;
    const reserve = (asset: string, oracle: string, r: typeof WETH_RESERVE, rate: typeof WETH_CURVE) =>
      this.market(admin, {
        type: "aaveInitReserve",
        asset,
        config: {
          oracle,
          ltv: r.ltv,
          liquidationThreshold: r.liquidationThreshold,
          liquidationBonus: r.liquidationBonus,
          liquidationProtocolFee: LIQUIDATION_PROTOCOL_FEE,
          reserveFactor: r.reserveFactor,
          supplyCap: 0n,
          borrowCap: 0n,
          borrowingEnabled: r.borrowingEnabled,
          rate,
        },
      });
    reserve(WETH, ETH_ORACLE, WETH_RESERVE, WETH_CURVE);
    this.net.aaveAssets.push(WETH);
    for (const id of aave.lrts) {
      const asset = marketAssetOf(id);
      reserve(asset, rateOracleId(asset), LRT_RESERVES[id]!, LRT_CURVE);
      this.net.aaveAssets.push(asset);
    }
    if (aave.eMode) {
      this.market(admin, {
        type: "aaveSetEModeCategory",
        id: E_MODE.id,
        label: E_MODE.label,
        ltv: E_MODE.ltv,
        liquidationThreshold: E_MODE.liquidationThreshold,
        liquidationBonus: E_MODE.liquidationBonus,
        collateralAssets: [WETH, ...aave.lrts.map(marketAssetOf)],
        borrowableAssets: [WETH],
      });
    }
  }

  // ── 2. allocations ─────────────────────────────────────────────────────────────────────────────────────────

  private allocate(): void {
    this.plan.allocations.forEach((allocs, o) => {
      if (allocs.length === 0) return;
      const operator = this.plan.operators[o]!.address;
      this.core(operator, {
        type: "modifyAllocations",
        operator,
        allocations: allocs.map((a) => {
          const avs = this.plan.avss[a.avs]!;
          const set = avs.sets.find((s) => s.id === a.set)!;
          const { addresses, order } = this.sortedStrategies(set.strategies);
          return {
            avs: avs.address,
            operatorSetId: a.set,
            strategies: addresses,
            newMagnitudes: order.map((i) => a.magnitudes[i]!),
          };
        }),
      });
    });
  }

  // ── 3. deposits ────────────────────────────────────────────────────────────────────────────────────────────

  private reportRenzo(): void {
    for (const l of this.plan.lrts) {
      if (l.kind === "renzo") this.lrt(getLrt(this.lw, l.id).roles.oracle, { type: "report", lrt: l.id });
    }
  }

  private rateOf(lrt: string): bigint {
    return this.chain.world.lrt.lrts.has(lrt) ? lrtViews.rate(this.lw, lrt) : WAD;
  }

  /** A holder deposits `amount` of ETH (or of an LST bought with it) into the LRT. */
  private deposit(holder: Address, lrt: string, asset: "eth" | LstId, amount: bigint): void {
    this.fundEth(holder, amount);
    if (asset === "eth") {
      this.lrt(holder, { type: "deposit", lrt, asset: NATIVE_ETH, amount });
      return;
    }
    const shares = this.lrt(holder, { type: "lstSubmit", lst: asset, amount }).shares as bigint;
    this.lrt(holder, { type: "deposit", lrt, asset: this.lstTokens[asset], amount: shares });
  }

  private depositHolders(): void {
    for (const l of this.plan.lrts) {
      for (const h of l.holders) {
        this.deposit(h.address, l.id, h.asset, h.amount);
        this.net.lrtHolders.push({ address: h.address, lrt: l.id });
      }
    }
  }

  /** An account gets at least `units` of the LRT's market token (ETH deposited at the rate, with a small margin). */
  private mintLrtUnits(holder: Address, lrt: string, units: bigint): void {
    const have = movableToMarket(this.chain, holder, lrt);
    if (have >= units) return;
    const need = units - have;
    const eth = (need * this.rateOf(lrt)) / WAD + need / 1_000_000n + 1_000n;
    this.deposit(holder, lrt, "eth", eth);
  }

  private bridge(): void {
    this.plan.lrts.forEach((l, j) => {
      const sim = this.net.lrts[j]!;
      l.bridges.forEach((b, k) => {
        if (b.amount === 0n) return;
        const holder = sim.bridges[k]!.holder;
        this.mintLrtUnits(holder, l.id, b.amount);
        const rec = getLrt(this.lw, l.id);
        if (rec.wrappedSymbol !== null) {
          this.lrt(holder, { type: "wrap", lrt: l.id, amount: lrtViews.balanceOf_(this.lw, l.id, holder) });
        }
        const amount = tokenBalance(this.lw, l.id, rec.wrappedSymbol ?? rec.symbol, holder);
        const sent = this.lrt(holder, {
          type: "bridgeOut",
          lrt: l.id,
          fromChain: "ethereum",
          toChain: b.chain,
          to: holder,
          amount,
        });
        this.lrt(sim.bridges[k]!.verifier, {
          type: "bridgeIn",
          lrt: l.id,
          fromChain: "ethereum",
          toChain: b.chain,
          nonce: sent.nonce as bigint,
          to: holder,
          amount,
        });
        sim.bridges[k]!.amount = amount;
      });
    });
  }

  private provideLiquidity(): void {
    this.plan.lrts.forEach((l, j) => {
      const sim = this.net.lrts[j]!;
      if (l.pool === null || sim.lp === undefined || sim.pool === undefined) return;
      const rate = this.rateOf(l.id);
      const units = (l.pool.weth * WAD) / rate;
      this.mintLrtUnits(sim.lp, l.id, units);
      toMarket(this.net, sim.lp, l.id, units);
      this.fundWeth(sim.lp, l.pool.weth);
      this.market(sim.lp, { type: "addLiquidity", pool: sim.pool, amounts: [units, l.pool.weth], minLpOut: 0n });
      this.market(this.net.marketAdmin, {
        type: "createOracle",
        oracle: sim.dexOracle!,
        spec: { kind: "dex", pool: sim.pool, asset: sim.marketAsset, quote: WETH, base: ETH_ORACLE },
      });
    });
  }

  // ── 4. lending and loops ───────────────────────────────────────────────────────────────────────────────────

  private lend(): void {
    const { lending } = this.plan;
    const admin = this.net.marketAdmin;
    if (lending.aave !== null) {
      const lender = simAddress(ACCOUNT_KIND.lender, 0);
      this.fundWeth(lender, lending.aave.wethSupply);
      this.market(lender, { type: "aaveSupply", asset: WETH, amount: lending.aave.wethSupply });
      this.net.lenders.push(lender);
    }
    lending.morpho.forEach((m, i) => {
      const asset = marketAssetOf(m.lrt);
      const id = morphoId(asset, m.lltv);
      this.market(admin, {
        type: "createMorphoMarket",
        market: id,
        loanToken: WETH,
        collateralToken: asset,
        collateralOracle: m.oracle === "dex" ? dexOracleId(asset) : rateOracleId(asset),
        loanOracle: ETH_ORACLE,
        irm: { kind: "kink", curve: WETH_CURVE },
        lltv: (WAD * BigInt(Math.round(m.lltv * 10_000))) / 10_000n,
        fee: 0n,
      });
      this.net.morphoMarkets.push({ id, lrt: m.lrt, lltv: m.lltv });
      const lender = simAddress(ACCOUNT_KIND.lender, 1 + i);
      this.fundWeth(lender, m.wethSupply);
      this.market(lender, { type: "morphoSupply", market: id, assets: m.wethSupply, shares: 0n });
      this.net.lenders.push(lender);
    });
  }

  private loop(): void {
    const { lending } = this.plan;
    const eMode = lending.aave?.eMode ?? false;
    for (const p of lending.loopers) {
      const sim = this.net.lrts.find((l) => l.id === p.lrt)!;
      const units = (p.equity * WAD) / this.rateOf(p.lrt);
      this.mintLrtUnits(p.address, p.lrt, units);
      toMarket(this.net, p.address, p.lrt, units);
      const morpho = p.venue === "aave" ? null : lending.morpho[p.venue]!;
      const { ltv, fraction } = loopLimits(p.lrt, morpho === null ? "aave" : { lltv: morpho.lltv }, eMode);
      const iterations = BigInt(loopRounds(p.leverage, ltv, fraction));
      if (morpho === null) {
        if (eMode) this.market(p.address, { type: "aaveSetUserEMode", categoryId: E_MODE.id });
        this.market(p.address, {
          type: "loop",
          venue: "aave",
          collateral: sim.marketAsset,
          debt: WETH,
          pool: sim.pool!,
          initialAmount: units,
          iterations,
          borrowFractionBps: BigInt(Math.round(fraction * 10_000)),
        });
      } else {
        this.market(p.address, {
          type: "loop",
          venue: "morpho",
          market: morphoId(sim.marketAsset, morpho.lltv),
          pool: sim.pool!,
          initialAmount: units,
          iterations,
          borrowFractionBps: BigInt(Math.round(fraction * 10_000)),
        });
      }
      this.net.loopers.push({
        address: p.address,
        lrt: p.lrt,
        market: morpho === null ? "aave" : morphoId(sim.marketAsset, morpho.lltv),
        equity: p.equity,
      } satisfies SimLooper);
      this.rebalance(sim);
    }
  }

  /**
   * The loop bought LRT from the pool with WETH; the pool's LP, acting as an arbitrageur, mints LRT at the rate and
   * sells it back into the pool until the pool holds the two sides at the rate again.
   */
  private rebalance(sim: SimLrt): void {
    const pool = this.chain.world.markets.pools.get(sim.pool!);
    if (pool === undefined || pool.kind !== "stableswap" || sim.lp === undefined) return;
    const [lrtBal, wethBal] = pool.balances as [bigint, bigint];
    const rate = pool.rateMultipliers[0]!;
    const lrtValue = (lrtBal * rate) / WAD;
    if (wethBal <= lrtValue) return;
    const units = ((wethBal - lrtValue) * WAD) / rate / 2n;
    if (units === 0n) return;
    this.mintLrtUnits(sim.lp, sim.id, units);
    toMarket(this.net, sim.lp, sim.id, units);
    this.market(sim.lp, {
      type: "swap",
      pool: sim.pool!,
      assetIn: sim.marketAsset,
      assetOut: WETH,
      amountIn: units,
      minAmountOut: 0n,
    });
  }

  // ── 5. direct stakers ──────────────────────────────────────────────────────────────────────────────────────

  private stakeDirect(): void {
    for (const s of this.plan.stakers) {
      const operator = this.plan.operators[s.operator]!.address;
      this.fundEth(s.address, s.amount);
      if (s.asset === "native") {
        this.core(s.address, { type: "transfer", token: NATIVE_ETH, to: BEACON_DEPOSIT_CONTRACT, amount: s.amount });
        this.core(s.address, { type: "createPod" });
        const gwei = s.amount / GWEI;
        const n = (gwei + MAX_EFFECTIVE_GWEI - 1n) / MAX_EFFECTIVE_GWEI;
        const first = this.nextValidator;
        const validators = Array.from({ length: Number(n) }, (_, i) => ({
          validatorIndex: first + BigInt(i),
          effectiveBalanceGwei: gwei / n + (BigInt(i) < gwei % n ? 1n : 0n),
        }));
        this.nextValidator += n;
        this.core(this.reporter, { type: "verifyWithdrawalCredentials", podOwner: s.address, validators });
        this.net.pods.push({ owner: s.address, lrt: null, firstIndex: first, count: Number(n) } satisfies SimPod);
      } else {
        const shares = this.lrt(s.address, { type: "lstSubmit", lst: s.asset, amount: s.amount }).shares as bigint;
        this.core(s.address, { type: "depositIntoStrategy", strategy: this.strategies[s.asset], amount: shares });
      }
      this.core(s.address, { type: "delegateTo", operator });
      this.net.stakers.push(s.address);
    }
  }

  // ── 6. the LRTs restake ────────────────────────────────────────────────────────────────────────────────────

  private restakeLrts(): void {
    const verify: { owner: Address; lrt: string; first: bigint; count: number }[] = [];
    for (const l of this.plan.lrts) {
      const rec = getLrt(this.lw, l.id);
      const manager = rec.roles.manager;
      const weights = l.delegators.map((d) => Number(d.weightBps));
      const split = (total: bigint): bigint[] => {
        const parts = l.delegators.map((d) => (total * d.weightBps) / 10_000n);
        parts[0] = parts[0]! + total - parts.reduce((a, b) => a + b, 0n);
        return parts;
      };
      // LSTs: all of them into the delegators' strategies, by weight (Renzo routed its LSTs on deposit)
      for (const asset of rec.assets) {
        if (asset === NATIVE_ETH) continue;
        const held = balanceOf(this.chain.world.eigen, asset, rec.accounts.pool);
        split(held).forEach((amount, i) => {
          if (amount > 0n) this.lrt(manager, { type: "restake", lrt: l.id, asset, amount, delegator: BigInt(i) });
        });
      }
      // ETH: validators of 32 ETH, keeping the buffer (Renzo's buffer sits in its withdraw queue)
      const liquid = balanceOf(this.chain.world.eigen, NATIVE_ETH, rec.accounts.pool);
      const keep = l.kind === "renzo" ? 0n : share(l.deposits, l.bufferShare);
      const stakeable = liquid > keep ? liquid - keep : 0n;
      const count = Number(stakeable / (VALIDATOR_GWEI * GWEI));
      apportion(count, weights).forEach((n, i) => {
        if (n === 0) return;
        for (let done = 0; done < n; done += VALIDATORS_PER_COMMAND) {
          const validators = BigInt(Math.min(VALIDATORS_PER_COMMAND, n - done));
          this.lrt(manager, { type: "stakeNative", lrt: l.id, delegator: BigInt(i), validators });
        }
        verify.push({ owner: rec.delegators[i]!.address, lrt: l.id, first: this.nextValidator, count: n });
        this.nextValidator += BigInt(n);
      });
    }
    // the validators are active a block later: the beacon reporter verifies their credentials
    this.chain.advance(1n);
    for (const v of verify) {
      for (let done = 0; done < v.count; done += VALIDATORS_PER_COMMAND) {
        const n = Math.min(VALIDATORS_PER_COMMAND, v.count - done);
        const validators = Array.from({ length: n }, (_, i) => ({
          validatorIndex: v.first + BigInt(done + i),
          effectiveBalanceGwei: VALIDATOR_GWEI,
        }));
        this.core(this.reporter, { type: "verifyWithdrawalCredentials", podOwner: v.owner, validators });
      }
      this.net.pods.push({ owner: v.owner, lrt: v.lrt, firstIndex: v.first, count: v.count });
    }
  }
}
