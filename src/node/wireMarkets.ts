// zod as extended by @hono/zod-openapi, so these schemas also describe the API (OpenAPI) wherever they are loaded.
import { z } from "@hono/zod-openapi";
import { MAX_RESERVES_COUNT } from "../markets/aave.ts";
import type { MarketCommand, MarketCommandType } from "../markets/commands.ts";
import { UINT256_MAX } from "../markets/math.ts";
import { MAX_COINS } from "../markets/stableswap.ts";
import type { Address } from "../markets/types.ts";

/**
 * Wire schemas of the markets layer's commands (`executeMarket`, src/markets). On the wire their names carry the
 * prefix "market." (`mint`, `transfer` would otherwise clash with core commands). Amounts are decimal strings (bigints
 * out, at most 2²⁵⁶−1, so the layer's "everything" sentinel UINT256_MAX is expressible); the layer's small integers
 * (`decimals`, `id`, `categoryId`) are JSON numbers; ids (assets, pools, oracles, Morpho markets, rate sources) match
 * the layer's id pattern; addresses are hex and come out lower-case, as the layer requires. Every object is strict:
 * unknown fields are rejected, at any depth. The acting account is never a field: it is the transaction's signer.
 */
export const MARKET_WIRE_PREFIX = "market.";

/*
 * `address` and `uint` exactly as wire.ts defines them (same patterns, messages and bound; the tests check that both
 * accept and produce the same values). They are not imported: wire.ts imports this module (parseTx,
 * ALL_COMMAND_NAMES), and both build their schemas when loaded, so a cycle leaves one of them reading the other's
 * bindings before they exist, whichever is loaded first. Moving both primitives to a leaf module would remove the copy.
 */
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase() as Address);
const uint = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, "expected a non-negative integer as a decimal string")
  .transform((v) => BigInt(v))
  .refine((v) => v <= UINT256_MAX, "exceeds uint256");

/** The layer's id pattern (src/markets/commands.ts, `ID`): 1–64 characters, letters, digits and `._:/-`. */
const marketId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, "expected an id: 1–64 letters, digits or ._:/- (not first)");
/** uint8 e-mode category ids; 0 is "no e-mode" (the layer refuses to define category 0, with its own code) */
const eModeId = z.number().int().min(0).max(255);
/** pool coins and per-coin arrays: at most MAX_COINS (8) entries; fewer than needed reach the layer's own check */
const perCoin = z.array(uint).max(MAX_COINS);
const poolAssets = z.array(marketId).max(MAX_COINS);
/** e-mode asset lists: at most one entry per reserve */
const reserveAssets = z.array(marketId).max(MAX_RESERVES_COUNT);

const rateCurve = z.strictObject({
  optimalUsageRatio: uint,
  baseVariableBorrowRate: uint,
  variableRateSlope1: uint,
  variableRateSlope2: uint,
});

const reserveConfig = z.strictObject({
  oracle: marketId,
  ltv: uint,
  liquidationThreshold: uint,
  liquidationBonus: uint,
  liquidationProtocolFee: uint,
  reserveFactor: uint,
  supplyCap: uint,
  borrowCap: uint,
  borrowingEnabled: z.boolean(),
  rate: rateCurve,
});

const oracleSpec = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), price: uint }),
  z.strictObject({ kind: z.literal("exchangeRate"), source: marketId, base: marketId }),
  z.strictObject({
    kind: z.literal("capo"),
    source: marketId,
    base: marketId,
    snapshotRatio: uint,
    snapshotTimestamp: uint,
    maxYearlyRatioGrowthBps: uint,
  }),
  z.strictObject({ kind: z.literal("dex"), pool: marketId, asset: marketId, quote: marketId, base: marketId }),
]);

const morphoIrm = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({ kind: z.literal("fixed"), aprBps: uint }),
  z.strictObject({ kind: z.literal("kink"), curve: rateCurve }),
]);

const morphoAmount = z.strictObject({ market: marketId, assets: uint, shares: uint, onBehalf: address.optional() });
const venue = z.enum(["aave", "morpho"]);

export const marketCommandSchemas = {
  // assets and wallets
  listAsset: z.strictObject({ asset: marketId, decimals: z.number().int().min(0).max(36) }),
  mint: z.strictObject({ asset: marketId, to: address, amount: uint }),
  transfer: z.strictObject({ asset: marketId, to: address, amount: uint }),
  // oracles
  createOracle: z.strictObject({ oracle: marketId, spec: oracleSpec }),
  setOraclePrice: z.strictObject({ oracle: marketId, price: uint }),
  setExchangeRate: z.strictObject({ source: marketId, rate: uint }),
  setCapoSnapshot: z.strictObject({
    oracle: marketId,
    snapshotRatio: uint,
    snapshotTimestamp: uint,
    maxYearlyRatioGrowthBps: uint,
  }),
  setOracleFrozen: z.strictObject({ oracle: marketId, frozen: z.boolean() }),
  // DEX pools
  createStableSwapPool: z.strictObject({
    pool: marketId,
    assets: poolAssets,
    amplification: uint,
    fee: uint,
    adminFee: uint,
    rateMultipliers: perCoin.optional(),
  }),
  createConstantProductPool: z.strictObject({ pool: marketId, assets: z.tuple([marketId, marketId]), feeBps: uint }),
  rampA: z.strictObject({ pool: marketId, futureA: uint, futureTime: uint }),
  stopRampA: z.strictObject({ pool: marketId }),
  setPoolRates: z.strictObject({ pool: marketId, rateMultipliers: perCoin }),
  swap: z.strictObject({ pool: marketId, assetIn: marketId, assetOut: marketId, amountIn: uint, minAmountOut: uint }),
  addLiquidity: z.strictObject({ pool: marketId, amounts: perCoin, minLpOut: uint }),
  removeLiquidity: z.strictObject({ pool: marketId, lpAmount: uint, minAmounts: perCoin }),
  removeLiquidityImbalance: z.strictObject({ pool: marketId, amounts: perCoin, maxLpBurn: uint }),
  removeLiquidityOneCoin: z.strictObject({ pool: marketId, lpAmount: uint, asset: marketId, minAmount: uint }),
  withdrawAdminFees: z.strictObject({ pool: marketId }),
  // Aave-style lending
  aaveInitReserve: z.strictObject({ asset: marketId, config: reserveConfig }),
  aaveSetReserveConfig: z.strictObject({ asset: marketId, config: reserveConfig.partial() }),
  aaveSetReserveFreeze: z.strictObject({ asset: marketId, frozen: z.boolean() }),
  aaveSetReservePause: z.strictObject({ asset: marketId, paused: z.boolean() }),
  aaveSetEModeCategory: z.strictObject({
    id: eModeId,
    label: z.string().max(64),
    ltv: uint,
    liquidationThreshold: uint,
    liquidationBonus: uint,
    collateralAssets: reserveAssets,
    borrowableAssets: reserveAssets,
  }),
  aaveSupply: z.strictObject({ asset: marketId, amount: uint, onBehalfOf: address.optional() }),
  aaveWithdraw: z.strictObject({ asset: marketId, amount: uint, to: address.optional() }),
  aaveBorrow: z.strictObject({ asset: marketId, amount: uint }),
  aaveRepay: z.strictObject({ asset: marketId, amount: uint, onBehalfOf: address.optional() }),
  aaveSetUserEMode: z.strictObject({ categoryId: eModeId }),
  aaveSetUseReserveAsCollateral: z.strictObject({ asset: marketId, useAsCollateral: z.boolean() }),
  aaveLiquidationCall: z.strictObject({
    collateralAsset: marketId,
    debtAsset: marketId,
    user: address,
    debtToCover: uint,
    receiveAToken: z.boolean().optional(),
  }),
  // Morpho-style isolated markets
  createMorphoMarket: z.strictObject({
    market: marketId,
    loanToken: marketId,
    collateralToken: marketId,
    collateralOracle: marketId,
    loanOracle: marketId,
    irm: morphoIrm,
    lltv: uint,
    fee: uint.optional(),
    feeRecipient: address.optional(),
  }),
  morphoSupply: morphoAmount,
  morphoWithdraw: morphoAmount,
  morphoBorrow: morphoAmount,
  morphoRepay: morphoAmount,
  morphoSupplyCollateral: z.strictObject({ market: marketId, assets: uint, onBehalf: address.optional() }),
  morphoWithdrawCollateral: z.strictObject({ market: marketId, assets: uint }),
  morphoLiquidate: z.strictObject({ market: marketId, borrower: address, seizedAssets: uint, repaidShares: uint }),
  morphoAccrueInterest: z.strictObject({ market: marketId }),
  // strategies
  loop: z.strictObject({
    venue,
    market: marketId.optional(),
    collateral: marketId.optional(),
    debt: marketId.optional(),
    pool: marketId,
    initialAmount: uint,
    iterations: uint,
    borrowFractionBps: uint,
    minSwapPrice: uint.optional(),
  }),
  liquidateAndSwap: z.strictObject({
    venue,
    borrower: address,
    collateral: marketId.optional(),
    debt: marketId.optional(),
    debtToCover: uint.optional(),
    market: marketId.optional(),
    seizedAssets: uint.optional(),
    repaidShares: uint.optional(),
    pool: marketId,
    minProfit: uint,
    flash: z.boolean().optional(),
  }),
} satisfies Record<MarketCommandType, z.ZodType>;

/*
 * Compile-time check: each schema outputs exactly its command's parameters. Both types must be assignable to each
 * other and have the same top-level keys, so a field added, removed, renamed or retyped in the layer breaks the build
 * here.
 */
type MarketParams<T extends MarketCommandType> = Omit<Extract<MarketCommand, { type: T }>, "type">;
type MarketWire<T extends MarketCommandType> = z.output<(typeof marketCommandSchemas)[T]>;
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
type DriftedMarketSchemas = {
  [T in MarketCommandType]: Same<MarketWire<T>, MarketParams<T>> extends true ? never : T;
}[MarketCommandType];
/** a drift fails here with "Type '{}' is missing the following properties …: <the drifted commands>" */
const driftedMarketSchemas: Record<DriftedMarketSchemas, never> = {};
void driftedMarketSchemas;

export const MARKET_COMMAND_NAMES: string[] = Object.keys(marketCommandSchemas).map((n) => `${MARKET_WIRE_PREFIX}${n}`);

export function isMarketCommandType(type: string): type is MarketCommandType {
  return Object.hasOwn(marketCommandSchemas, type);
}

/** Parses a "market.<command>" transaction's parameters into a market command; returns zod issues on failure. */
export function parseMarketCommand(
  name: string,
  params: unknown,
): { ok: true; command: MarketCommand } | { ok: false; issues: string[] } {
  const type = name.startsWith(MARKET_WIRE_PREFIX) ? name.slice(MARKET_WIRE_PREFIX.length) : null;
  if (type === null || !isMarketCommandType(type)) {
    return { ok: false, issues: [`unknown market command ${JSON.stringify(name)}`] };
  }
  const r = (marketCommandSchemas[type] as z.ZodType).safeParse(params);
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`) };
  return { ok: true, command: { type, ...(r.data as object) } as MarketCommand };
}
