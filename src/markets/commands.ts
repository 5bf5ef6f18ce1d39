import { ProtocolError, require } from "../core/shared/errors.ts";
import { transact } from "../core/shared/transact.ts";
import * as aave from "./aave.ts";
import * as ledger from "./ledger.ts";
import { UINT256_MAX } from "./math.ts";
import * as morpho from "./morpho.ts";
import * as oracles from "./oracles.ts";
import * as pools from "./pools.ts";
import type { MarketState } from "./state.ts";
import * as strategies from "./strategies.ts";
import type { Address, AssetId, MarketContext, MarketEvent, MorphoMarketId, OracleId, PoolId } from "./types.ts";
import { type Events, emit } from "./types.ts";

/**
 * Every state-changing operation of the markets layer, as one tagged union (like the core's EigenCommand). The acting
 * account is not a field: it is `ctx.caller`. Amounts are bigints in the asset's base units; basis points, WAD and
 * Curve's 1e10 fee units are named in each field. Node integration signs exactly these objects.
 */
export type MarketCommand =
  // assets and wallets
  | { type: "listAsset"; asset: AssetId; decimals: number }
  | { type: "mint"; asset: AssetId; to: Address; amount: bigint }
  | { type: "transfer"; asset: AssetId; to: Address; amount: bigint }
  // oracles
  | oracles.CreateOracle
  | { type: "setOraclePrice"; oracle: OracleId; price: bigint }
  | { type: "setExchangeRate"; source: string; rate: bigint }
  | {
      type: "setCapoSnapshot";
      oracle: OracleId;
      snapshotRatio: bigint;
      snapshotTimestamp: bigint;
      maxYearlyRatioGrowthBps: bigint;
    }
  | { type: "setOracleFrozen"; oracle: OracleId; frozen: boolean }
  // DEX pools
  | pools.CreateStableSwapPool
  | pools.CreateConstantProductPool
  | pools.RampA
  | { type: "stopRampA"; pool: PoolId }
  | { type: "setPoolRates"; pool: PoolId; rateMultipliers: bigint[] }
  | pools.SwapCommand
  | pools.AddLiquidity
  | pools.RemoveLiquidity
  | pools.RemoveLiquidityImbalance
  | pools.RemoveLiquidityOneCoin
  | { type: "withdrawAdminFees"; pool: PoolId }
  // Aave-style lending
  | aave.AaveInitReserve
  | aave.AaveSetReserveConfig
  | { type: "aaveSetReserveFreeze"; asset: AssetId; frozen: boolean }
  | { type: "aaveSetReservePause"; asset: AssetId; paused: boolean }
  | aave.AaveSetEModeCategory
  | aave.AaveSupply
  | aave.AaveWithdraw
  | aave.AaveBorrow
  | aave.AaveRepay
  | { type: "aaveSetUserEMode"; categoryId: number }
  | { type: "aaveSetUseReserveAsCollateral"; asset: AssetId; useAsCollateral: boolean }
  | aave.AaveLiquidationCall
  // Morpho-style isolated markets
  | morpho.CreateMorphoMarket
  | ({ type: "morphoSupply" } & morpho.MorphoAmount)
  | ({ type: "morphoWithdraw" } & morpho.MorphoAmount)
  | ({ type: "morphoBorrow" } & morpho.MorphoAmount)
  | ({ type: "morphoRepay" } & morpho.MorphoAmount)
  | { type: "morphoSupplyCollateral"; market: MorphoMarketId; assets: bigint; onBehalf?: Address }
  | { type: "morphoWithdrawCollateral"; market: MorphoMarketId; assets: bigint }
  | morpho.MorphoLiquidate
  | { type: "morphoAccrueInterest"; market: MorphoMarketId }
  // strategies
  | strategies.LoopCommand
  | strategies.LiquidateAndSwap;

export type MarketCommandType = MarketCommand["type"];

export interface MarketExecuteResult {
  /** the same state object, advanced (a failing command leaves it untouched) */
  state: MarketState;
  events: MarketEvent[];
  result: Record<string, unknown>;
}

const ADDRESS = /^0x[0-9a-f]{40}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
/** Fields that are JavaScript numbers (small integers); every other number must be a bigint. */
const NUMBER_FIELDS = new Set(["decimals", "id", "categoryId"]);
const ADDRESS_FIELDS = new Set(["to", "onBehalfOf", "onBehalf", "user", "borrower", "feeRecipient"]);
const ID_FIELDS = new Set([
  "asset",
  "assetIn",
  "assetOut",
  "oracle",
  "pool",
  "market",
  "collateral",
  "debt",
  "collateralAsset",
  "debtAsset",
  "loanToken",
  "collateralToken",
  "collateralOracle",
  "loanOracle",
  "base",
  "quote",
  "assets",
  "collateralAssets",
  "borrowableAssets",
]);

/** Rejects malformed inputs before anything runs: out-of-range integers, bad addresses and ids. */
function checkInput(value: unknown, path: string, key: string): void {
  if (typeof value === "bigint") {
    if (value < 0n || value > UINT256_MAX) {
      throw new ProtocolError("InputOutOfRange", `${path} must be a uint256`, { path, value: value.toString() });
    }
  } else if (typeof value === "number") {
    require(NUMBER_FIELDS.has(key) &&
      Number.isSafeInteger(value) &&
      value >=
        0, "InputOutOfRange", `${path} must be ${NUMBER_FIELDS.has(key) ? "a non-negative integer" : "a bigint"}`, {
      path,
    });
  } else if (typeof value === "string") {
    if (ADDRESS_FIELDS.has(key)) require(ADDRESS.test(value), "InvalidAddress", `${path} must be a lower-case address`);
    if (ID_FIELDS.has(key)) require(ID.test(value), "InvalidId", `${path} is not a valid id`, { path, value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkInput(v, `${path}[${i}]`, key);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkInput(v, path ? `${path}.${k}` : k, k);
  }
}

function checkContext(s: MarketState, ctx: MarketContext): void {
  require(typeof ctx.timestamp === "bigint" && ctx.timestamp >= 0n, "InputOutOfRange", "timestamp");
  require(ADDRESS.test(ctx.caller), "InvalidAddress", "caller must be a lower-case 20-byte hex address");
  const last = s.globals.get("timestamp") ?? 0n;
  require(ctx.timestamp >= last, "TimestampInPast", "timestamps never go backwards", {
    timestamp: ctx.timestamp,
    last,
  });
}

function listAsset(s: MarketState, ctx: MarketContext, ev: Events, c: { asset: AssetId; decimals: number }): void {
  require(ctx.caller === s.params.admin, "OnlyAdmin");
  require(!s.assets.has(c.asset), "AssetAlreadyExists");
  require(Number.isInteger(c.decimals) && c.decimals >= 0 && c.decimals <= 36, "InvalidDecimals");
  s.assets.set(c.asset, { id: c.asset, decimals: c.decimals });
  emit(ev, "AssetListed", { asset: c.asset, decimals: c.decimals });
}

function dispatch(s: MarketState, ctx: MarketContext, ev: Events, c: MarketCommand): Record<string, unknown> {
  const admin = (): void => require(ctx.caller === s.params.admin, "OnlyAdmin");
  switch (c.type) {
    case "listAsset":
      listAsset(s, ctx, ev, c);
      return {};
    case "mint":
      admin();
      ledger.asset(s, c.asset);
      require(c.amount > 0n, "ZeroAmount");
      ledger.credit(s, c.asset, c.to, c.amount);
      emit(ev, "Transfer", { asset: c.asset, from: null, to: c.to, amount: c.amount });
      return {};
    case "transfer":
      ledger.asset(s, c.asset);
      require(c.amount > 0n, "ZeroAmount");
      ledger.transfer(s, c.asset, ctx.caller, c.to, c.amount);
      emit(ev, "Transfer", { asset: c.asset, from: ctx.caller, to: c.to, amount: c.amount });
      return {};
    case "createOracle":
      oracles.createOracle(s, ctx, ev, c);
      return {};
    case "setOraclePrice":
      oracles.setOraclePrice(s, ctx, ev, c);
      return {};
    case "setExchangeRate":
      oracles.setExchangeRate(s, ctx, ev, c);
      return {};
    case "setCapoSnapshot":
      oracles.setCapoSnapshot(s, ctx, ev, c);
      return {};
    case "setOracleFrozen":
      oracles.setOracleFrozen(s, ctx, ev, c);
      return {};
    case "createStableSwapPool":
      pools.createStableSwapPool(s, ctx, ev, c);
      return {};
    case "createConstantProductPool":
      pools.createConstantProductPool(s, ctx, ev, c);
      return {};
    case "rampA":
      pools.rampA(s, ctx, ev, c);
      return {};
    case "stopRampA":
      pools.stopRampA(s, ctx, ev, c);
      return {};
    case "setPoolRates":
      pools.setPoolRates(s, ctx, ev, c);
      return {};
    case "swap":
      return { amountOut: pools.swapFor(s, ctx, ev, ctx.caller, c) };
    case "addLiquidity":
      return { lpMinted: pools.addLiquidity(s, ctx, ev, c) };
    case "removeLiquidity":
      return { amounts: pools.removeLiquidity(s, ctx, ev, c) };
    case "removeLiquidityImbalance":
      return { lpBurned: pools.removeLiquidityImbalance(s, ctx, ev, c) };
    case "removeLiquidityOneCoin":
      return { amount: pools.removeLiquidityOneCoin(s, ctx, ev, c) };
    case "withdrawAdminFees":
      return { amounts: pools.withdrawAdminFees(s, ctx, ev, c) };
    case "aaveInitReserve":
      aave.initReserve(s, ctx, ev, c);
      return {};
    case "aaveSetReserveConfig":
      aave.setReserveConfig(s, ctx, ev, c);
      return {};
    case "aaveSetReserveFreeze":
      aave.setReserveFreeze(s, ctx, ev, c);
      return {};
    case "aaveSetReservePause":
      aave.setReservePause(s, ctx, ev, c);
      return {};
    case "aaveSetEModeCategory":
      aave.setEModeCategory(s, ctx, ev, c);
      return {};
    case "aaveSupply":
      aave.supply(s, ctx, ev, c);
      return {};
    case "aaveWithdraw":
      return { amount: aave.withdraw(s, ctx, ev, c) };
    case "aaveBorrow":
      aave.borrow(s, ctx, ev, c);
      return {};
    case "aaveRepay":
      return { amount: aave.repay(s, ctx, ev, c) };
    case "aaveSetUserEMode":
      aave.setUserEMode(s, ctx, ev, c);
      return {};
    case "aaveSetUseReserveAsCollateral":
      aave.setUseReserveAsCollateral(s, ctx, ev, c);
      return {};
    case "aaveLiquidationCall":
      return { ...aave.liquidationCall(s, ctx, ev, c) };
    case "createMorphoMarket":
      morpho.createMarket(s, ctx, ev, c);
      return {};
    case "morphoSupply": {
      const [assets, shares] = morpho.supply(s, ctx, ev, c);
      return { assets, shares };
    }
    case "morphoWithdraw": {
      const [assets, shares] = morpho.withdraw(s, ctx, ev, c);
      return { assets, shares };
    }
    case "morphoBorrow": {
      const [assets, shares] = morpho.borrow(s, ctx, ev, c);
      return { assets, shares };
    }
    case "morphoRepay": {
      const [assets, shares] = morpho.repay(s, ctx, ev, c);
      return { assets, shares };
    }
    case "morphoSupplyCollateral":
      morpho.supplyCollateral(s, ctx, ev, c);
      return {};
    case "morphoWithdrawCollateral":
      morpho.withdrawCollateral(s, ctx, ev, c);
      return {};
    case "morphoLiquidate":
      return { ...morpho.liquidate(s, ctx, ev, c) };
    case "morphoAccrueInterest":
      morpho.accrue(s, ctx, ev, c);
      return {};
    case "loop":
      return { ...strategies.loop(s, ctx, ev, c) };
    case "liquidateAndSwap":
      return { ...strategies.liquidateAndSwap(s, ctx, ev, c) };
    default: {
      const unknown = (c as { type?: unknown }).type;
      throw new ProtocolError("UnknownCommand", `unknown command ${String(unknown)}`, { type: unknown });
    }
  }
}

/**
 * Applies one market command. On success the state has advanced and the events are returned; on failure a
 * ProtocolError (or, for a bug, an InvariantViolation) is thrown and the state is exactly as before. The state's
 * journal may be shared with the core's, so a transaction spanning both layers commits or rolls back as one.
 */
export function executeMarket(s: MarketState, ctx: MarketContext, command: MarketCommand): MarketExecuteResult {
  return transact(s.journal, (command as { type?: unknown } | null)?.type, () => {
    checkContext(s, ctx);
    require(command !== null && typeof command === "object", "UnknownCommand", "a command is an object");
    checkInput(command, "", "");
    const events: MarketEvent[] = [];
    const result = dispatch(s, ctx, events, command);
    if (ctx.timestamp !== (s.globals.get("timestamp") ?? 0n)) s.globals.set("timestamp", ctx.timestamp);
    return { state: s, events, result };
  });
}

/**
 * Runs `fn` against the state and undoes everything it did, whatever happens: a dry run (quotes, a liquidator's
 * profitability check). Returns fn's value, or the ProtocolError it threw.
 */
export function simulate<T>(s: MarketState, fn: () => T): T | ProtocolError {
  const mark = s.journal.begin();
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  } finally {
    s.journal.rollback(mark);
  }
}
