import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { execute } from "../../src/core/eigenlayer/commands.ts";
import { createEigenState } from "../../src/core/eigenlayer/create.ts";
import { stateHash } from "../../src/core/eigenlayer/snapshot.ts";
import { InvariantViolation, ProtocolError } from "../../src/core/shared/errors.ts";
import { executeMarket, type MarketCommand } from "../../src/markets/commands.ts";
import { exampleRun, EXAMPLE_ACCOUNTS as X } from "../../src/markets/example.ts";
import { balanceOf } from "../../src/markets/ledger.ts";
import { UINT256_MAX } from "../../src/markets/math.ts";
import { marketStateHash } from "../../src/markets/snapshot.ts";
import { createMarketState } from "../../src/markets/state.ts";
import { ADMIN, addr, E8, E18, Market, WEETH_CURVE, WETH_CURVE } from "./harness.ts";

/** Bad input of every class gets its typed ProtocolError and leaves the state hash exactly as it was. */

const LP = addr("1f", 1);
const U = addr("ab", 1);
const V = addr("ac", 1);
const ETH = 3_000n * E8;

function world(): Market {
  const m = new Market();
  m.asset("WETH");
  m.asset("weETH");
  m.asset("rsETH");
  m.fixedOracle("ETH", ETH);
  m.fixedOracle("weETH", ETH);
  m.fixedOracle("rsETH", ETH);
  const cfg = { liquidationProtocolFee: 1_000n, reserveFactor: 1_000n, supplyCap: 0n, borrowCap: 0n };
  m.admin({
    type: "aaveInitReserve",
    asset: "WETH",
    config: {
      ...cfg,
      oracle: "ETH",
      ltv: 8_000n,
      liquidationThreshold: 8_300n,
      liquidationBonus: 10_500n,
      borrowingEnabled: true,
      borrowCap: 1_000n,
      rate: WETH_CURVE,
    },
  });
  m.admin({
    type: "aaveInitReserve",
    asset: "weETH",
    config: {
      ...cfg,
      oracle: "weETH",
      ltv: 7_250n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      supplyCap: 1_000n,
      borrowingEnabled: false,
      rate: WEETH_CURVE,
    },
  });
  m.admin({
    type: "aaveInitReserve",
    asset: "rsETH",
    config: {
      ...cfg,
      oracle: "rsETH",
      ltv: 7_250n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      borrowingEnabled: false,
      rate: WEETH_CURVE,
    },
  });
  m.admin({
    type: "aaveSetEModeCategory",
    id: 1,
    label: "ETH",
    ltv: 9_300n,
    liquidationThreshold: 9_500n,
    liquidationBonus: 10_100n,
    collateralAssets: ["weETH"],
    borrowableAssets: ["weETH"],
  });
  m.admin({
    type: "createStableSwapPool",
    pool: "p",
    assets: ["weETH", "WETH"],
    amplification: 100n,
    fee: 4_000_000n,
    adminFee: 0n,
  });
  m.admin({
    type: "createMorphoMarket",
    market: "mk",
    loanToken: "WETH",
    collateralToken: "weETH",
    collateralOracle: "weETH",
    loanOracle: "ETH",
    irm: { kind: "none" },
    lltv: 86n * 10n ** 16n,
  });
  m.mint("WETH", LP, 10_000n * E18);
  m.mint("weETH", LP, 1_000n * E18);
  m.run(LP, { type: "aaveSupply", asset: "WETH", amount: 5_000n * E18 });
  m.run(LP, { type: "addLiquidity", pool: "p", amounts: [500n * E18, 500n * E18], minLpOut: 0n });
  m.run(LP, { type: "morphoSupply", market: "mk", assets: 1_000n * E18, shares: 0n });
  m.mint("weETH", U, 100n * E18);
  m.mint("rsETH", U, 100n * E18);
  m.run(U, { type: "aaveSupply", asset: "weETH", amount: 50n * E18 });
  m.run(U, { type: "morphoSupplyCollateral", market: "mk", assets: 10n * E18 });
  return m;
}

describe("zero amounts", () => {
  const cases: [string, MarketCommand][] = [
    ["InvalidAmount", { type: "aaveSupply", asset: "weETH", amount: 0n }],
    ["InvalidAmount", { type: "aaveBorrow", asset: "WETH", amount: 0n }],
    ["InvalidAmount", { type: "aaveWithdraw", asset: "weETH", amount: 0n }],
    ["InvalidAmount", { type: "aaveRepay", asset: "WETH", amount: 0n }],
    ["ZeroAmount", { type: "swap", pool: "p", assetIn: "weETH", assetOut: "WETH", amountIn: 0n, minAmountOut: 0n }],
    ["ZeroAmount", { type: "addLiquidity", pool: "p", amounts: [0n, 0n], minLpOut: 0n }],
    ["ZeroAmount", { type: "removeLiquidity", pool: "p", lpAmount: 0n, minAmounts: [0n, 0n] }],
    ["ZeroAmount", { type: "transfer", asset: "weETH", to: V, amount: 0n }],
    ["InconsistentInput", { type: "morphoSupply", market: "mk", assets: 0n, shares: 0n }],
    ["InconsistentInput", { type: "morphoBorrow", market: "mk", assets: E18, shares: E18 }],
    ["ZeroAssets", { type: "morphoSupplyCollateral", market: "mk", assets: 0n }],
    ["ZeroAssets", { type: "morphoWithdrawCollateral", market: "mk", assets: 0n }],
  ];
  for (const [code, command] of cases) {
    it(`${command.type} with nothing → ${code}`, () => {
      world().reverts(U, command, code);
    });
  }
});

describe("unknown assets, pools, oracles, markets", () => {
  const cases: [string, MarketCommand][] = [
    ["AssetNotListed", { type: "aaveSupply", asset: "USDC", amount: E18 }],
    ["AssetNotListed", { type: "aaveBorrow", asset: "stETH", amount: E18 }],
    ["UnknownAsset", { type: "transfer", asset: "stETH", to: V, amount: E18 }],
    [
      "UnknownPool",
      { type: "swap", pool: "nope", assetIn: "weETH", assetOut: "WETH", amountIn: E18, minAmountOut: 0n },
    ],
    [
      "AssetNotInPool",
      { type: "swap", pool: "p", assetIn: "rsETH", assetOut: "WETH", amountIn: E18, minAmountOut: 0n },
    ],
    ["MarketNotCreated", { type: "morphoSupplyCollateral", market: "nope", assets: E18 }],
    ["UnknownCommand", { type: "flashLoan" } as unknown as MarketCommand],
    ["InvalidId", { type: "aaveSupply", asset: "we ETH!", amount: E18 }],
    ["InvalidAddress", { type: "transfer", asset: "weETH", to: "0xABC" as `0x${string}`, amount: E18 }],
    ["InputOutOfRange", { type: "aaveSupply", asset: "weETH", amount: 5 } as unknown as MarketCommand],
  ];
  for (const [code, command] of cases) {
    it(`${command.type} → ${code}`, () => {
      world().reverts(U, command, code);
    });
  }

  it("an unknown oracle, from the admin → UnknownOracle", () => {
    world().reverts(
      ADMIN,
      { type: "createOracle", oracle: "x", spec: { kind: "exchangeRate", source: "x", base: "nope" } },
      "UnknownOracle",
    );
  });
});

describe("caps, freezing, LTV 0", () => {
  it("supply over the supply cap → SupplyCapExceeded", () => {
    const m = world();
    m.mint("weETH", U, 1_000n * E18);
    m.reverts(U, { type: "aaveSupply", asset: "weETH", amount: 951n * E18 }, "SupplyCapExceeded");
    m.run(U, { type: "aaveSupply", asset: "weETH", amount: 950n * E18 }); // exactly at the cap
  });

  it("borrow over the borrow cap → BorrowCapExceeded", () => {
    const m = world();
    m.mint("weETH", V, 5_000n * E18);
    m.admin({ type: "aaveSetReserveConfig", asset: "weETH", config: { supplyCap: 0n } });
    m.run(V, { type: "aaveSupply", asset: "weETH", amount: 5_000n * E18 });
    m.reverts(V, { type: "aaveBorrow", asset: "WETH", amount: 1_001n * E18 }, "BorrowCapExceeded");
  });

  it("a frozen reserve takes no supply and no borrow; repay and withdraw still work; its LTV is parked at 0", () => {
    const m = world();
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 10n * E18 });
    m.admin({ type: "aaveSetReserveFreeze", asset: "weETH", frozen: true });
    m.reverts(U, { type: "aaveSupply", asset: "weETH", amount: E18 }, "ReserveFrozen");
    // weETH is U's only collateral and now has LTV 0: no borrowing power (rsETH/Kelp, 30 Apr 2025)
    m.reverts(U, { type: "aaveBorrow", asset: "WETH", amount: E18 }, "LtvValidationFailed");
    m.run(U, { type: "aaveRepay", asset: "WETH", amount: E18 });
    m.run(U, { type: "aaveWithdraw", asset: "weETH", amount: E18 });
    m.admin({ type: "aaveSetReserveFreeze", asset: "WETH", frozen: true });
    m.reverts(U, { type: "aaveBorrow", asset: "WETH", amount: E18 }, "ReserveFrozen");
    m.reverts(m.s.params.admin, { type: "aaveSetReserveFreeze", asset: "WETH", frozen: true }, "InvalidFreezeState");
    // unfreezing restores the parked LTV
    m.admin({ type: "aaveSetReserveFreeze", asset: "weETH", frozen: false });
    expect(m.s.reserves.get("weETH")?.ltv).toBe(7_250n);
  });

  it("with LTV-0 collateral, only that collateral may be withdrawn first → LtvValidationFailed", () => {
    const m = world();
    m.run(U, { type: "aaveSupply", asset: "rsETH", amount: 50n * E18 });
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 10n * E18 });
    m.admin({ type: "aaveSetReserveFreeze", asset: "rsETH", frozen: true });
    m.reverts(U, { type: "aaveWithdraw", asset: "weETH", amount: E18 }, "LtvValidationFailed");
    m.run(U, { type: "aaveWithdraw", asset: "rsETH", amount: E18 });
    // an LTV-0 asset cannot be switched on as collateral
    m.run(U, { type: "aaveSetUseReserveAsCollateral", asset: "rsETH", useAsCollateral: false });
    m.reverts(
      U,
      { type: "aaveSetUseReserveAsCollateral", asset: "rsETH", useAsCollateral: true },
      "UserInIsolationModeOrLtvZero",
    );
  });
});

describe("unhealthy borrows and withdrawals", () => {
  it("a borrow above the LTV → CollateralCannotCoverNewBorrow", () => {
    const m = world();
    // 50 weETH at LTV 72.5% carry 36.25 WETH
    m.reverts(U, { type: "aaveBorrow", asset: "WETH", amount: 3_626n * 10n ** 16n }, "CollateralCannotCoverNewBorrow");
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 3_625n * 10n ** 16n });
  });

  it("a borrow with HF below 1 → HealthFactorLowerThanLiquidationThreshold", () => {
    const m = world();
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 36n * E18 });
    m.setPrice("weETH", (ETH * 9n) / 10n);
    m.reverts(U, { type: "aaveBorrow", asset: "WETH", amount: E18 }, "HealthFactorLowerThanLiquidationThreshold");
    m.reverts(U, { type: "aaveWithdraw", asset: "weETH", amount: E18 }, "HealthFactorLowerThanLiquidationThreshold");
  });

  it("a withdrawal that would leave HF below 1 → HealthFactorLowerThanLiquidationThreshold", () => {
    const m = world();
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 30n * E18 });
    m.reverts(
      U,
      { type: "aaveWithdraw", asset: "weETH", amount: 20n * E18 },
      "HealthFactorLowerThanLiquidationThreshold",
    );
  });

  it("borrowing outside the e-mode's list → NotBorrowableInEMode; leaving e-mode unhealthy is refused", () => {
    const m = world();
    m.run(U, { type: "aaveSetUserEMode", categoryId: 1 });
    m.reverts(U, { type: "aaveBorrow", asset: "WETH", amount: E18 }, "NotBorrowableInEMode");
    m.reverts(U, { type: "aaveSetUserEMode", categoryId: 7 }, "InconsistentEModeCategory");
  });

  it("Morpho: a borrow beyond the LLTV and an unhealthy collateral withdrawal → InsufficientCollateral", () => {
    const m = world();
    m.reverts(
      U,
      { type: "morphoBorrow", market: "mk", assets: 861n * 10n ** 16n, shares: 0n },
      "InsufficientCollateral",
    );
    m.run(U, { type: "morphoBorrow", market: "mk", assets: 8n * E18, shares: 0n });
    m.reverts(U, { type: "morphoWithdrawCollateral", market: "mk", assets: E18 }, "InsufficientCollateral");
    m.reverts(U, { type: "morphoWithdraw", market: "mk", assets: E18, shares: 0n }, "ArithmeticUnderflow");
  });

  it("liquidating a healthy account → HealthFactorNotBelowThreshold / HealthyPosition", () => {
    const m = world();
    m.run(U, { type: "aaveBorrow", asset: "WETH", amount: 10n * E18 });
    m.run(U, { type: "morphoBorrow", market: "mk", assets: E18, shares: 0n });
    m.mint("WETH", V, 100n * E18);
    m.reverts(
      V,
      { type: "aaveLiquidationCall", collateralAsset: "weETH", debtAsset: "WETH", user: U, debtToCover: UINT256_MAX },
      "HealthFactorNotBelowThreshold",
    );
    m.reverts(
      V,
      { type: "morphoLiquidate", market: "mk", borrower: U, seizedAssets: E18, repaidShares: 0n },
      "HealthyPosition",
    );
  });
});

describe("authority, wallets and time", () => {
  it("admin commands from anyone else → OnlyAdmin", () => {
    const m = world();
    m.reverts(U, { type: "mint", asset: "WETH", to: U, amount: E18 }, "OnlyAdmin");
    m.reverts(U, { type: "aaveSetReserveFreeze", asset: "weETH", frozen: true }, "OnlyAdmin");
    m.reverts(U, { type: "setOraclePrice", oracle: "ETH", price: 1n }, "OnlyAdmin");
  });

  it("spending more than the wallet holds → ERC20InsufficientBalance", () => {
    const m = world();
    m.reverts(V, { type: "aaveSupply", asset: "weETH", amount: E18 }, "ERC20InsufficientBalance");
    m.reverts(
      V,
      { type: "swap", pool: "p", assetIn: "WETH", assetOut: "weETH", amountIn: E18, minAmountOut: 0n },
      "ERC20InsufficientBalance",
    );
  });

  it("a timestamp before the last one → TimestampInPast", () => {
    const m = world();
    m.advance(10n);
    m.run(U, { type: "aaveSupply", asset: "weETH", amount: E18 });
    m.t -= 5n;
    m.reverts(U, { type: "aaveSupply", asset: "weETH", amount: E18 }, "TimestampInPast");
  });
});

describe("random commands on the example", () => {
  /**
   * Commands drawn from a mix of plausible and broken shapes, run on the built-in example: each either applies or
   * throws a ProtocolError with the state hash unchanged; none is an InvariantViolation (a bug).
   */
  it("every rejection is typed and changes nothing", () => {
    const accounts = Object.values(X);
    const assets = ["WETH", "weETH", "ezETH", "USDC", "nope"];
    const pools = ["weETH-WETH", "ezETH-WETH", "WETH-USDC", "nope"];
    const markets = ["ezETH-WETH-86", "ezETH-WETH-77", "nope"];
    const amount = fc.oneof(
      fc.constant(0n),
      fc.bigInt({ min: 1n, max: 10n ** 21n }),
      fc.constant(UINT256_MAX),
      fc.bigInt({ min: 1n, max: 10n ** 30n }),
    );
    const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
    const command: fc.Arbitrary<MarketCommand> = fc.oneof(
      fc.record({ type: fc.constant("aaveSupply" as const), asset: pick(assets), amount }),
      fc.record({ type: fc.constant("aaveBorrow" as const), asset: pick(assets), amount }),
      fc.record({ type: fc.constant("aaveWithdraw" as const), asset: pick(assets), amount }),
      fc.record({ type: fc.constant("aaveRepay" as const), asset: pick(assets), amount }),
      fc.record({ type: fc.constant("aaveSetUserEMode" as const), categoryId: fc.integer({ min: 0, max: 3 }) }),
      fc.record({
        type: fc.constant("aaveLiquidationCall" as const),
        collateralAsset: pick(assets),
        debtAsset: pick(assets),
        user: pick(accounts),
        debtToCover: amount,
      }),
      fc.record({
        type: fc.constant("swap" as const),
        pool: pick(pools),
        assetIn: pick(assets),
        assetOut: pick(assets),
        amountIn: amount,
        minAmountOut: fc.constant(0n),
      }),
      fc.record({
        type: fc.constant("addLiquidity" as const),
        pool: pick(pools),
        amounts: fc.array(amount, { minLength: 1, maxLength: 3 }),
        minLpOut: fc.constant(0n),
      }),
      fc.record({ type: fc.constant("morphoSupplyCollateral" as const), market: pick(markets), assets: amount }),
      fc.record({
        type: fc.constant("morphoBorrow" as const),
        market: pick(markets),
        assets: amount,
        shares: fc.constant(0n),
      }),
      fc.record({
        type: fc.constant("morphoRepay" as const),
        market: pick(markets),
        assets: fc.constant(0n),
        shares: amount,
      }),
      fc.record({
        type: fc.constant("morphoLiquidate" as const),
        market: pick(markets),
        borrower: pick(accounts),
        seizedAssets: amount,
        repaidShares: fc.constant(0n),
      }),
      fc.record({
        type: fc.constant("loop" as const),
        venue: fc.constant("aave" as const),
        collateral: pick(assets),
        debt: pick(assets),
        pool: pick(pools),
        initialAmount: amount,
        iterations: fc.bigInt({ min: 0n, max: 5n }),
        borrowFractionBps: fc.bigInt({ min: 0n, max: 12_000n }),
      }),
    );
    const { state: s, timestamp } = exampleRun();
    let t = timestamp;
    fc.assert(
      fc.property(pick(accounts), command, fc.bigInt({ min: 0n, max: 86_400n }), (caller, c, dt) => {
        t += dt;
        const before = marketStateHash(s);
        try {
          executeMarket(s, { timestamp: t, caller }, c);
        } catch (e) {
          expect(e).not.toBeInstanceOf(InvariantViolation);
          expect(e).toBeInstanceOf(ProtocolError);
          expect(marketStateHash(s)).toBe(before);
        }
      }),
      { numRuns: 300, seed: 424 },
    );
  });
});

describe("one journal with the core", () => {
  it("a transaction spanning the core and the markets rolls back as one", () => {
    const core = createEigenState();
    const s = createMarketState({}, core.journal);
    const ctx = { timestamp: 1n, caller: ADMIN };
    executeMarket(s, ctx, { type: "listAsset", asset: "WETH", decimals: 18 });
    const hash = marketStateHash(s);
    const coreHash = stateHash(core);
    const mark = core.journal.begin();
    executeMarket(s, ctx, { type: "mint", asset: "WETH", to: U, amount: E18 });
    execute(
      core,
      { block: 1n, timestamp: 1n, caller: core.params.admin },
      {
        type: "createToken",
        token: addr("70", 1),
        symbol: "T",
        decimals: 18,
      },
    );
    expect(balanceOf(s, "WETH", U)).toBe(E18);
    core.journal.rollback(mark);
    expect(marketStateHash(s)).toBe(hash);
    expect(stateHash(core)).toBe(coreHash);
  });
});
