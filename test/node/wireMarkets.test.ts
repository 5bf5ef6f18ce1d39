import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import { executeMarket, type MarketCommand, type MarketCommandType, simulate } from "../../src/markets/commands.ts";
import { EXAMPLE_ACCOUNTS as A, exampleRun } from "../../src/markets/example.ts";
import { UINT256_MAX } from "../../src/markets/math.ts";
import { marketStateHash } from "../../src/markets/snapshot.ts";
import { createMarketState, DEFAULT_MARKET_ADMIN } from "../../src/markets/state.ts";
import type { Address, RateCurve } from "../../src/markets/types.ts";
import { address as coreAddress, uint as coreUint } from "../../src/node/wire.ts";
import {
  MARKET_COMMAND_NAMES,
  MARKET_WIRE_PREFIX,
  marketCommandSchemas,
  parseMarketCommand,
} from "../../src/node/wireMarkets.ts";

/**
 * Every market command has a strict wire schema ("market.<command>", decimal strings); the wire round trip is exact;
 * every example, parsed from the wire, executes on the built-in example state (dry runs); and every malformed leaf is
 * refused with an issue naming its path.
 */

/** Every MarketCommandType: the layer exports no runtime list, so this one is checked against the union below. */
const MARKET_COMMAND_TYPES = [
  "listAsset",
  "mint",
  "transfer",
  "createOracle",
  "setOraclePrice",
  "setExchangeRate",
  "setCapoSnapshot",
  "setOracleFrozen",
  "createStableSwapPool",
  "createConstantProductPool",
  "rampA",
  "stopRampA",
  "setPoolRates",
  "swap",
  "addLiquidity",
  "removeLiquidity",
  "removeLiquidityImbalance",
  "removeLiquidityOneCoin",
  "withdrawAdminFees",
  "aaveInitReserve",
  "aaveSetReserveConfig",
  "aaveSetReserveFreeze",
  "aaveSetReservePause",
  "aaveSetEModeCategory",
  "aaveSupply",
  "aaveWithdraw",
  "aaveBorrow",
  "aaveRepay",
  "aaveSetUserEMode",
  "aaveSetUseReserveAsCollateral",
  "aaveLiquidationCall",
  "createMorphoMarket",
  "morphoSupply",
  "morphoWithdraw",
  "morphoBorrow",
  "morphoRepay",
  "morphoSupplyCollateral",
  "morphoWithdrawCollateral",
  "morphoLiquidate",
  "morphoAccrueInterest",
  "loop",
  "liquidateAndSwap",
] as const satisfies readonly MarketCommandType[];
// a command type missing from the list fails to compile here, naming it
const missingFromList: Record<Exclude<MarketCommandType, (typeof MARKET_COMMAND_TYPES)[number]>, never> = {};
void missingFromList;

const E18 = 10n ** 18n;
const E8 = 10n ** 8n;
const DAY = 86_400n;
const ADMIN = DEFAULT_MARKET_ADMIN;
const CURVE: RateCurve = {
  optimalUsageRatio: 4_500n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 700n,
  variableRateSlope2: 30_000n,
};
const RESERVE_CONFIG = {
  oracle: "ETH",
  ltv: 7_000n,
  liquidationThreshold: 7_500n,
  liquidationBonus: 10_750n,
  liquidationProtocolFee: 1_000n,
  reserveFactor: 1_500n,
  supplyCap: 10_000n,
  borrowCap: 0n,
  borrowingEnabled: false,
  rate: CURVE,
};

/** the example state's timestamp is `base`; every example runs at base + 2 days (a ramp needs a day since creation) */
const base = exampleRun();
const T = base.timestamp + 2n * DAY;

interface Step {
  caller: Address;
  command: MarketCommand;
}
interface Example extends Step {
  /** run first, inside the same dry run (a listing, a price move that makes a position liquidatable) */
  before?: Step[];
}

const admin = (command: MarketCommand, extra: Partial<Example> = {}): Example => ({ caller: ADMIN, command, ...extra });
const as = (caller: Address, command: MarketCommand, extra: Partial<Example> = {}): Example => ({
  caller,
  command,
  ...extra,
});

/** weETH's reported rate falls to 0.9: Carol (100 weETH supplied, 70 WETH borrowed, outside e-mode) is liquidatable */
const weEthDrops: Step[] = [
  { caller: ADMIN, command: { type: "setExchangeRate", source: "weETH", rate: 9n * 10n ** 17n } },
];
/** 10,000 ezETH dumped into the thin ezETH/WETH pool: the market oracle of the Morpho markets collapses */
const ezEthDump: Step[] = [
  { caller: ADMIN, command: { type: "mint", asset: "ezETH", to: A.liquidator, amount: 10_000n * E18 } },
  {
    caller: A.liquidator,
    command: {
      type: "swap",
      pool: "ezETH-WETH",
      assetIn: "ezETH",
      assetOut: "WETH",
      amountIn: 10_000n * E18,
      minAmountOut: 0n,
    },
  },
];
const listRsEth: Step[] = [{ caller: ADMIN, command: { type: "listAsset", asset: "rsETH", decimals: 18 } }];

const examples: Example[] = [
  // assets and wallets
  admin({ type: "listAsset", asset: "rsETH", decimals: 18 }),
  admin({ type: "mint", asset: "WETH", to: A.bob, amount: E18 }),
  as(A.lp, { type: "transfer", asset: "WETH", to: A.bob, amount: E18 }),
  // oracles, one per spec kind
  admin({ type: "createOracle", oracle: "WETH/fixed", spec: { kind: "fixed", price: 3_000n * E8 } }),
  admin({ type: "createOracle", oracle: "weETH:rate", spec: { kind: "exchangeRate", source: "weETH", base: "ETH" } }),
  admin({
    type: "createOracle",
    oracle: "weETH-capo",
    spec: {
      kind: "capo",
      source: "weETH",
      base: "ETH",
      snapshotRatio: 103n * 10n ** 16n,
      snapshotTimestamp: base.timestamp - DAY,
      maxYearlyRatioGrowthBps: 500n,
    },
  }),
  admin({
    type: "createOracle",
    oracle: "weETH-market",
    spec: { kind: "dex", pool: "weETH-WETH", asset: "weETH", quote: "WETH", base: "ETH" },
  }),
  admin({ type: "setOraclePrice", oracle: "ETH", price: 2_900n * E8 }),
  admin({ type: "setExchangeRate", source: "weETH", rate: 1_041n * 10n ** 15n }),
  admin({
    type: "setCapoSnapshot",
    oracle: "ezETH-capo",
    snapshotRatio: 1_019n * 10n ** 15n,
    snapshotTimestamp: T,
    maxYearlyRatioGrowthBps: 800n,
  }),
  admin({ type: "setOracleFrozen", oracle: "ETH", frozen: true }),
  // DEX pools
  admin({
    type: "createStableSwapPool",
    pool: "weETH-ezETH",
    assets: ["weETH", "ezETH"],
    amplification: 100n,
    fee: 4_000_000n,
    adminFee: 5_000_000_000n,
    rateMultipliers: [104n * 10n ** 16n, 102n * 10n ** 16n],
  }),
  admin({
    type: "createStableSwapPool",
    pool: "3eth",
    assets: ["WETH", "weETH", "ezETH"],
    amplification: 200n,
    fee: 1_000_000n,
    adminFee: 0n,
  }),
  admin({ type: "createConstantProductPool", pool: "weETH-USDC", assets: ["weETH", "USDC"], feeBps: 30n }),
  admin({ type: "rampA", pool: "weETH-WETH", futureA: 200n, futureTime: T + 2n * DAY }),
  admin({ type: "stopRampA", pool: "weETH-WETH" }),
  admin({ type: "setPoolRates", pool: "weETH-WETH", rateMultipliers: [1_041n * 10n ** 15n, E18] }),
  as(A.lp, {
    type: "swap",
    pool: "weETH-WETH",
    assetIn: "WETH",
    assetOut: "weETH",
    amountIn: 10n * E18,
    minAmountOut: 9n * E18,
  }),
  as(A.lp, { type: "addLiquidity", pool: "weETH-WETH", amounts: [0n, 10n * E18], minLpOut: 0n }),
  as(A.lp, { type: "removeLiquidity", pool: "weETH-WETH", lpAmount: E18, minAmounts: [0n, 0n] }),
  as(A.lp, { type: "removeLiquidityImbalance", pool: "weETH-WETH", amounts: [E18, E18], maxLpBurn: 10n * E18 }),
  as(A.lp, { type: "removeLiquidityOneCoin", pool: "weETH-WETH", lpAmount: E18, asset: "WETH", minAmount: 0n }),
  admin({ type: "withdrawAdminFees", pool: "weETH-WETH" }),
  // Aave-style lending
  admin({ type: "aaveInitReserve", asset: "rsETH", config: RESERVE_CONFIG }, { before: listRsEth }),
  admin({ type: "aaveSetReserveConfig", asset: "weETH", config: { supplyCap: 100_000n, rate: CURVE } }),
  admin({ type: "aaveSetReserveConfig", asset: "weETH", config: {} }),
  admin({ type: "aaveSetReserveFreeze", asset: "ezETH", frozen: true }),
  admin({ type: "aaveSetReservePause", asset: "ezETH", paused: true }),
  admin({
    type: "aaveSetEModeCategory",
    id: 3,
    label: "USD correlated",
    ltv: 9_000n,
    liquidationThreshold: 9_300n,
    liquidationBonus: 10_200n,
    collateralAssets: ["USDC"],
    borrowableAssets: ["USDC"],
  }),
  as(A.lp, { type: "aaveSupply", asset: "WETH", amount: E18 }),
  as(A.lp, { type: "aaveSupply", asset: "WETH", amount: E18, onBehalfOf: A.bob }),
  as(A.lp, { type: "aaveWithdraw", asset: "WETH", amount: E18, to: A.bob }),
  as(
    A.bob,
    { type: "aaveWithdraw", asset: "WETH", amount: UINT256_MAX },
    {
      before: [
        { caller: ADMIN, command: { type: "mint", asset: "WETH", to: A.bob, amount: E18 } },
        { caller: A.bob, command: { type: "aaveSupply", asset: "WETH", amount: E18 } },
      ],
    },
  ),
  as(A.carol, { type: "aaveBorrow", asset: "WETH", amount: E18 }),
  as(A.carol, { type: "aaveRepay", asset: "WETH", amount: E18 }),
  as(A.lp, { type: "aaveRepay", asset: "WETH", amount: E18, onBehalfOf: A.carol }),
  as(A.carol, { type: "aaveSetUserEMode", categoryId: 1 }),
  as(A.lp, { type: "aaveSetUseReserveAsCollateral", asset: "WETH", useAsCollateral: false }),
  as(
    A.liquidator,
    {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: A.carol,
      debtToCover: UINT256_MAX,
    },
    { before: weEthDrops },
  ),
  as(
    A.liquidator,
    {
      type: "aaveLiquidationCall",
      collateralAsset: "weETH",
      debtAsset: "WETH",
      user: A.carol,
      debtToCover: 10n * E18,
      receiveAToken: true,
    },
    { before: weEthDrops },
  ),
  // Morpho-style isolated markets, one per IRM kind
  admin({
    type: "createMorphoMarket",
    market: "weETH-WETH-86",
    loanToken: "WETH",
    collateralToken: "weETH",
    collateralOracle: "weETH",
    loanOracle: "ETH",
    irm: { kind: "fixed", aprBps: 300n },
    lltv: 86n * 10n ** 16n,
    fee: 10n ** 17n,
    feeRecipient: A.lp,
  }),
  admin({
    type: "createMorphoMarket",
    market: "weETH-WETH-0",
    loanToken: "WETH",
    collateralToken: "weETH",
    collateralOracle: "weETH",
    loanOracle: "ETH",
    irm: { kind: "none" },
    lltv: 0n,
  }),
  admin({
    type: "createMorphoMarket",
    market: "weETH-WETH-kink",
    loanToken: "WETH",
    collateralToken: "weETH",
    collateralOracle: "weETH",
    loanOracle: "ETH",
    irm: { kind: "kink", curve: CURVE },
    lltv: 77n * 10n ** 16n,
  }),
  as(A.lp, { type: "morphoSupply", market: "ezETH-WETH-86", assets: E18, shares: 0n }),
  as(A.lp, { type: "morphoSupply", market: "ezETH-WETH-86", assets: E18, shares: 0n, onBehalf: A.carol }),
  as(A.lp, { type: "morphoWithdraw", market: "ezETH-WETH-77", assets: E18, shares: 0n }),
  as(A.dave, { type: "morphoBorrow", market: "ezETH-WETH-77", assets: E18, shares: 0n }),
  as(A.dave, { type: "morphoRepay", market: "ezETH-WETH-77", assets: 0n, shares: 10n ** 6n }),
  as(
    A.dave,
    { type: "morphoSupplyCollateral", market: "ezETH-WETH-77", assets: 10n * E18 },
    { before: [{ caller: ADMIN, command: { type: "mint", asset: "ezETH", to: A.dave, amount: 10n * E18 } }] },
  ),
  as(
    A.lp,
    { type: "morphoSupplyCollateral", market: "ezETH-WETH-77", assets: 1n, onBehalf: A.dave },
    { before: [{ caller: ADMIN, command: { type: "mint", asset: "ezETH", to: A.lp, amount: 1n } }] },
  ),
  as(A.dave, { type: "morphoWithdrawCollateral", market: "ezETH-WETH-77", assets: E18 }),
  as(
    A.liquidator,
    { type: "morphoLiquidate", market: "ezETH-WETH-77", borrower: A.dave, seizedAssets: 10n * E18, repaidShares: 0n },
    { before: ezEthDump },
  ),
  as(A.erin, { type: "morphoAccrueInterest", market: "ezETH-WETH-86" }),
  // strategies
  as(
    A.bob,
    {
      type: "loop",
      venue: "aave",
      collateral: "weETH",
      debt: "WETH",
      pool: "weETH-WETH",
      initialAmount: 10n * E18,
      iterations: 3n,
      borrowFractionBps: 5_000n,
      minSwapPrice: 9n * 10n ** 17n,
    },
    { before: [{ caller: ADMIN, command: { type: "mint", asset: "weETH", to: A.bob, amount: 10n * E18 } }] },
  ),
  as(A.dave, {
    type: "loop",
    venue: "morpho",
    market: "ezETH-WETH-77",
    pool: "ezETH-WETH",
    initialAmount: 0n,
    iterations: 1n,
    borrowFractionBps: 1_000n,
  }),
  as(
    A.liquidator,
    {
      type: "liquidateAndSwap",
      venue: "aave",
      borrower: A.carol,
      collateral: "weETH",
      debt: "WETH",
      debtToCover: UINT256_MAX,
      pool: "weETH-WETH",
      minProfit: 0n,
      flash: true,
    },
    { before: weEthDrops },
  ),
  as(
    A.liquidator,
    {
      type: "liquidateAndSwap",
      venue: "morpho",
      borrower: A.dave,
      market: "ezETH-WETH-77",
      seizedAssets: 0n,
      repaidShares: 0n,
      pool: "ezETH-WETH",
      minProfit: 1n,
    },
    { before: ezEthDump },
  ),
];

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** the wire form of a command's parameters: bigints as decimal strings, the type left out */
function wireOf(c: MarketCommand): { name: string; params: Record<string, Json> } {
  const { type, ...params } = c;
  return {
    name: `${MARKET_WIRE_PREFIX}${type}`,
    params: JSON.parse(JSON.stringify(params, (_k, x) => (typeof x === "bigint" ? x.toString() : x))),
  };
}

/** the wire parameters of the first example of a command type */
const paramsOf = (type: MarketCommandType): Record<string, Json> =>
  wireOf(examples.find((e) => e.command.type === type)!.command).params;

type Path = (string | number)[];
type LeafKind = "uint" | "number" | "boolean" | "enum" | "label" | "address" | "id";
const ADDRESS = /^0x[0-9a-f]{40}$/;

/** every leaf of a command's parameters, with what it is */
function leaves(value: unknown, path: Path = []): { path: Path; kind: LeafKind }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  const key = path.findLast((p) => typeof p === "string");
  const kind: LeafKind =
    typeof value === "bigint"
      ? "uint"
      : typeof value === "number"
        ? "number"
        : typeof value === "boolean"
          ? "boolean"
          : key === "kind" || key === "venue"
            ? "enum"
            : key === "label"
              ? "label"
              : ADDRESS.test(String(value))
                ? "address"
                : "id";
  return [{ path, kind }];
}

function withLeaf(params: Record<string, Json>, path: Path, value: Json | undefined): Record<string, Json> {
  const copy = structuredClone(params);
  let node = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function issuesOf(name: string, params: unknown): string[] {
  const r = parseMarketCommand(name, params);
  return r.ok ? [] : r.issues;
}

function expectRejected(name: string, params: unknown, path: Path | string, label: string): void {
  const issues = issuesOf(name, params);
  const at = typeof path === "string" ? path : path.join(".");
  expect(
    issues.some((i) => i.startsWith(`${at || "(params)"}: `)),
    `${label}: expected an issue at ${at}, got ${JSON.stringify(issues)}`,
  ).toBe(true);
}

const parsed = (c: MarketCommand): MarketCommand => {
  const { name, params } = wireOf(c);
  const r = parseMarketCommand(name, params);
  if (!r.ok) throw new Error(`${name}: ${r.issues.join("; ")}`);
  return r.command;
};

// ── tests ────────────────────────────────────────────────────────────────────────────────────────────────────────

describe("market wire schemas: coverage", () => {
  it("one schema per MarketCommandType, one name per schema under the market. prefix", () => {
    expect(new Set(MARKET_COMMAND_TYPES).size).toBe(MARKET_COMMAND_TYPES.length);
    expect(Object.keys(marketCommandSchemas).sort()).toEqual([...MARKET_COMMAND_TYPES].sort());
    expect([...MARKET_COMMAND_NAMES].sort()).toEqual(MARKET_COMMAND_TYPES.map((t) => `market.${t}`).sort());
    expect(MARKET_WIRE_PREFIX).toBe("market.");
  });

  it("the examples cover every command type", () => {
    expect(new Set(examples.map((e) => e.command.type))).toEqual(new Set(MARKET_COMMAND_TYPES));
  });
});

describe("market wire schemas: round trip and execution", () => {
  it.each(examples.map((e, i) => [`${i} ${e.command.type}`, e] as const))("%s round-trips exactly", (_n, e) => {
    const { name, params } = wireOf(e.command);
    const r = parseMarketCommand(name, params);
    expect(r.ok ? r.command : r.issues).toEqual(e.command);
    // and the wire form is plain JSON: nothing but strings, numbers, booleans, arrays and objects
    expect(JSON.parse(JSON.stringify(params))).toEqual(params);
  });

  it("upper-case hex addresses are accepted and come out lower-case", () => {
    const r = parseMarketCommand("market.mint", { asset: "WETH", to: A.bob.replace(/b/g, "B"), amount: "1" });
    expect(r).toEqual({ ok: true, command: { type: "mint", asset: "WETH", to: A.bob, amount: 1n } });
  });

  const baseHash = marketStateHash(base.state);
  it.each(examples.map((e, i) => [`${i} ${e.command.type}`, e] as const))(
    "%s, parsed from the wire, executes on the example state (a dry run)",
    (_n, e) => {
      const s = base.state;
      const command = parsed(e.command);
      const out = simulate(s, () => {
        for (const b of e.before ?? []) executeMarket(s, { timestamp: T, caller: b.caller }, parsed(b.command));
        const before = marketStateHash(s);
        const r = executeMarket(s, { timestamp: T, caller: e.caller }, command);
        return { advanced: marketStateHash(s) !== before, events: r.events.map((ev) => ev.event) };
      });
      if (out instanceof ProtocolError) throw out;
      expect(out.advanced).toBe(true);
      expect(out.events.length).toBeGreaterThan(0);
    },
  );

  it("the dry runs left the example state exactly as it was", () => {
    expect(marketStateHash(base.state)).toBe(baseHash);
  });

  it("well-formed wire commands that the layer refuses fail with its own codes, not input-validation ones", () => {
    const s = base.state;
    const cases: [Address, string, Record<string, Json>, string][] = [
      [A.bob, "market.mint", { asset: "WETH", to: A.bob, amount: "1" }, "OnlyAdmin"],
      [ADMIN, "market.listAsset", { asset: "WETH", decimals: 18 }, "AssetAlreadyExists"],
      [A.bob, "market.aaveBorrow", { asset: "NOPE", amount: "1" }, "AssetNotListed"],
      [ADMIN, "market.aaveSetEModeCategory", { ...paramsOf("aaveSetEModeCategory"), id: 0 }, "EModeCategoryReserved"],
      [A.lp, "market.swap", { ...paramsOf("swap"), minAmountOut: UINT256_MAX.toString() }, "SlippageExceeded"],
    ];
    for (const [caller, name, params, code] of cases) {
      const r = parseMarketCommand(name, params);
      expect(r.ok, name).toBe(true);
      if (!r.ok) continue;
      const out = simulate(s, () => executeMarket(s, { timestamp: T, caller }, r.command));
      expect(out instanceof ProtocolError ? out.code : "ok", name).toBe(code);
    }
  });

  it("a parsed command advances the state exactly like the original", () => {
    const cmd: MarketCommand = { type: "aaveBorrow", asset: "WETH", amount: 2n * E18 };
    const a = exampleRun().state;
    const b = exampleRun().state;
    executeMarket(a, { timestamp: T, caller: A.carol }, cmd);
    executeMarket(b, { timestamp: T, caller: A.carol }, parsed(cmd));
    expect(marketStateHash(b)).toBe(marketStateHash(a));
  });
});

describe("market wire schemas: strictness", () => {
  it("unknown command names, the unprefixed name and prototype keys are refused", () => {
    for (const name of [
      "market.mintForFree",
      "mint",
      "lrt.mint",
      "market.",
      "market.__proto__",
      "market.toString",
      "market.hasOwnProperty",
      "market.constructor",
    ]) {
      expect(parseMarketCommand(name, {}), name).toEqual({
        ok: false,
        issues: [`unknown market command ${JSON.stringify(name)}`],
      });
    }
  });

  it("parameters must be an object", () => {
    for (const p of [null, undefined, [], "x", 1, true]) expectRejected("market.stopRampA", p, "", String(p));
  });

  it("unknown fields are refused, at the top and in every nested object, naming the object", () => {
    /** the paths of every object in the parameters, the parameters themselves first */
    const objects = (v: Json, path: Path = []): Path[] =>
      Array.isArray(v)
        ? v.flatMap((x, i) => objects(x, [...path, i]))
        : v !== null && typeof v === "object"
          ? [path, ...Object.entries(v).flatMap(([k, x]) => objects(x, [...path, k]))]
          : [];
    let checked = 0;
    for (const e of examples) {
      const { name, params } = wireOf(e.command);
      for (const path of objects(params)) {
        const issues = issuesOf(name, withLeaf(params, [...path, "zzz"], "1"));
        const at = path.join(".") || "(params)";
        expect(
          issues.some((i) => i.startsWith(`${at}: `) && i.includes('"zzz"')),
          `${name} ${at}: ${JSON.stringify(issues)}`,
        ).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(examples.length + 10);
    // a partial config is strict too, and a nested curve reports its own missing fields
    expectRejected("market.aaveSetReserveConfig", { asset: "weETH", config: { ltvv: "1" } }, "config", "partial");
    const config = paramsOf("aaveInitReserve").config as Record<string, Json>;
    expectRejected(
      "market.aaveInitReserve",
      { asset: "rsETH", config: { ...config, rate: {} } },
      "config.rate.optimalUsageRatio",
      "empty curve",
    );
  });

  it("every required field is required, every optional one optional", () => {
    for (const e of examples) {
      const { name, params } = wireOf(e.command);
      const schema = marketCommandSchemas[e.command.type];
      for (const k of Object.keys(params)) {
        const r = parseMarketCommand(name, withLeaf(params, [k], undefined));
        const optional = (schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[
          k
        ]!.safeParse(undefined).success;
        expect(r.ok, `${name} without ${k}`).toBe(optional);
        if (!r.ok) expect(r.issues.some((i) => i.startsWith(`${k}: `))).toBe(true);
      }
    }
  });

  it("every leaf of every command refuses null and wrong types, naming its path", () => {
    const wrong: Record<LeafKind, Json[]> = {
      uint: [1, null, true, "", " 1", "1 ", "+1", "1.0", "1e18", "0x10", "01", "-0", "１"],
      number: ["1", null, true, 1.5, -1, 256, Number.NaN, 2 ** 53],
      boolean: ["true", 1, 0, null, "false"],
      enum: ["bogus", "", null, 1, "AAVE"],
      label: [null, 1, "x".repeat(65)],
      address: [
        null,
        1,
        "",
        "0x123",
        `0x${"g".repeat(40)}`,
        "00000000000000000000000000000000000000000b0b",
        `${A.bob}00`,
        ` ${A.bob}`,
      ],
      id: [null, 1, "", "-x", ".x", "a b", "a\nb", "x".repeat(65), "wéETH", "a,b", "a#b", true],
    };
    let checked = 0;
    for (const e of examples) {
      const { name, params } = wireOf(e.command);
      for (const { path, kind } of leaves(
        Object.fromEntries(Object.entries(e.command).filter(([k]) => k !== "type")),
      )) {
        for (const bad of wrong[kind]) {
          expectRejected(name, withLeaf(params, path, bad), path, `${name} ${path.join(".")} = ${JSON.stringify(bad)}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1_000);
  });

  it("amounts: 0 and 2²⁵⁶−1 are accepted everywhere; negatives and anything above 2²⁵⁶−1 are refused", () => {
    for (const e of examples) {
      const { name, params } = wireOf(e.command);
      for (const { path, kind } of leaves(
        Object.fromEntries(Object.entries(e.command).filter(([k]) => k !== "type")),
      )) {
        if (kind !== "uint") continue;
        for (const ok of [0n, UINT256_MAX]) {
          expect(parseMarketCommand(name, withLeaf(params, path, ok.toString())).ok, `${name} ${path}`).toBe(true);
        }
        for (const bad of [-1n, -UINT256_MAX, UINT256_MAX + 1n, 2n ** 300n, 10n ** 78n, 10n ** 100n]) {
          expectRejected(name, withLeaf(params, path, bad.toString()), path, `${name} ${path.join(".")} = ${bad}`);
        }
      }
    }
  });

  it("enums, arrays and small integers have their bounds", () => {
    const coins = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);
    const ss = { pool: "p", amplification: "100", fee: "0", adminFee: "0" };
    expect(parseMarketCommand("market.createStableSwapPool", { ...ss, assets: coins(8) }).ok).toBe(true);
    expectRejected("market.createStableSwapPool", { ...ss, assets: coins(9) }, "assets", "9 coins");
    expectRejected("market.addLiquidity", { pool: "p", amounts: Array(9).fill("1"), minLpOut: "0" }, "amounts", "9");
    expectRejected("market.createConstantProductPool", { pool: "p", assets: ["a"], feeBps: "30" }, "assets", "1");
    expectRejected("market.createConstantProductPool", { pool: "p", assets: coins(3), feeBps: "30" }, "assets", "3");
    const emode = {
      id: 1,
      label: "",
      ltv: "1",
      liquidationThreshold: "1",
      liquidationBonus: "1",
      borrowableAssets: [],
    };
    expect(parseMarketCommand("market.aaveSetEModeCategory", { ...emode, collateralAssets: coins(128) }).ok).toBe(true);
    expectRejected(
      "market.aaveSetEModeCategory",
      { ...emode, collateralAssets: coins(129) },
      "collateralAssets",
      "129",
    );
    expect(parseMarketCommand("market.aaveSetEModeCategory", { ...emode, id: 255, collateralAssets: [] }).ok).toBe(
      true,
    );
    expect(parseMarketCommand("market.aaveSetUserEMode", { categoryId: 0 }).ok).toBe(true);
    expectRejected("market.aaveSetUserEMode", { categoryId: 256 }, "categoryId", "256");
    expect(parseMarketCommand("market.listAsset", { asset: "X", decimals: 36 }).ok).toBe(true);
    expectRejected("market.listAsset", { asset: "X", decimals: 37 }, "decimals", "37");
    expectRejected("market.createOracle", { oracle: "o", spec: { kind: "twap", price: "1" } }, "spec.kind", "kind");
    expectRejected("market.createOracle", { oracle: "o", spec: { kind: "fixed" } }, "spec.price", "missing price");
    expectRejected(
      "market.createOracle",
      { oracle: "o", spec: { kind: "fixed", price: "1", source: "weETH" } },
      "spec",
      "a field of another kind",
    );
    expectRejected("market.createMorphoMarket", { irm: { kind: "adaptive" } }, "irm.kind", "irm kind");
    expectRejected("market.loop", { venue: "compound" }, "venue", "venue");
  });
});

describe("market wire schemas: properties", () => {
  it("any uint256 round-trips; anything outside [0, 2²⁵⁶−1] is refused at its path", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 260n), max: 2n ** 260n }), (v) => {
        const r = parseMarketCommand("market.mint", { asset: "WETH", to: A.bob, amount: v.toString() });
        if (v >= 0n && v <= UINT256_MAX) {
          expect(r).toEqual({ ok: true, command: { type: "mint", asset: "WETH", to: A.bob, amount: v } });
        } else {
          expect(!r.ok && r.issues.length > 0 && r.issues.every((i) => i.startsWith("amount: "))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("amounts and addresses are parsed exactly as wire.ts parses them", () => {
    const digits = fc.string({ unit: fc.constantFrom(..."0123456789-+ .xe".split("")), maxLength: 82 });
    const amounts = fc.oneof(digits, fc.bigInt({ min: -1n, max: 2n ** 257n }).map(String), fc.string());
    const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFgx".split("")), maxLength: 44 });
    const addresses = fc.oneof(
      hex.map((h) => `0x${h}`),
      hex,
      fc.string(),
    );
    fc.assert(
      fc.property(amounts, addresses, (amount, to) => {
        const market = parseMarketCommand("market.mint", { asset: "WETH", to: A.bob, amount });
        const core = coreUint.safeParse(amount);
        expect(market.ok, amount).toBe(core.success);
        if (market.ok && core.success) expect((market.command as { amount: bigint }).amount).toBe(core.data);
        const m2 = parseMarketCommand("market.mint", { asset: "WETH", to, amount: "1" });
        const c2 = coreAddress.safeParse(to);
        expect(m2.ok, to).toBe(c2.success);
        if (m2.ok && c2.success) expect((m2.command as { to: string }).to).toBe(c2.data);
      }),
      { numRuns: 2_000 },
    );
  });

  it("the wire accepts exactly the ids the layer accepts", () => {
    const s = createMarketState();
    const idChars = fc.constantFrom(..."aZ09._:/-  é,#\n".split(""));
    const ids = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.string({ unit: idChars, minLength: 1, maxLength: 70 }),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,70}$/),
    );
    fc.assert(
      fc.property(ids, (id) => {
        const wire = parseMarketCommand("market.transfer", { asset: id, to: A.bob, amount: "1" });
        let layerCode = "ok";
        try {
          executeMarket(s, { timestamp: 0n, caller: A.alice }, { type: "transfer", asset: id, to: A.bob, amount: 1n });
        } catch (e) {
          layerCode = (e as ProtocolError).code;
        }
        expect(wire.ok, `${JSON.stringify(id)}: layer ${layerCode}`).toBe(layerCode !== "InvalidId");
        if (!wire.ok) expect(wire.issues.every((i) => i.startsWith("asset: "))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
