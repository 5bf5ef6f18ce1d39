import { describe, expect, it } from "vitest";
import * as aave from "../../src/markets/aave.ts";
import { executeMarket } from "../../src/markets/commands.ts";
import { exampleRun, EXAMPLE_ACCOUNTS as X } from "../../src/markets/example.ts";
import { SECONDS_PER_YEAR, WAD } from "../../src/markets/math.ts";
import * as morpho from "../../src/markets/morpho.ts";
import { capoMaxRatio, price } from "../../src/markets/oracles.ts";
import { poolSpotPrice } from "../../src/markets/pools.ts";
import type { OracleSource, RateProvider } from "../../src/markets/types.ts";
import { aavePosition, morphoPosition } from "../../src/markets/views.ts";
import { addr, E8, E18, Market, near } from "./harness.ts";

const ETH = 3_000n * E8;
const LP = addr("1f", 1);
const WHALE = addr("77", 1);

function rates(map: Record<string, bigint>): RateProvider {
  return { exchangeRate: (source) => map[source] };
}

describe("exchange-rate oracles", () => {
  it("price = underlying price × the rate; the context's rate provider wins over the reported rate", () => {
    const m = new Market();
    m.fixedOracle("ETH", ETH);
    m.admin({ type: "createOracle", oracle: "weETH", spec: { kind: "exchangeRate", source: "weETH", base: "ETH" } });
    expect(() => price(m.s, m.ctx(LP), "weETH")).toThrow("RateUnavailable");
    m.admin({ type: "setExchangeRate", source: "weETH", rate: 104n * 10n ** 16n });
    expect(price(m.s, m.ctx(LP), "weETH")).toBe(3_120n * E8);
    // the LRT layer's live rate (e.g. after a slash) replaces the reported one
    m.rates = rates({ weETH: 98n * 10n ** 16n });
    expect(price(m.s, m.ctx(LP), "weETH")).toBe(2_940n * E8);
  });

  it("CAPO caps the rate at snapshot·(1 + growth·t)", () => {
    const m = new Market();
    m.fixedOracle("ETH", ETH);
    const t0 = m.t;
    m.admin({
      type: "createOracle",
      oracle: "rsETH",
      spec: {
        kind: "capo",
        source: "rsETH",
        base: "ETH",
        snapshotRatio: WAD,
        snapshotTimestamp: t0,
        maxYearlyRatioGrowthBps: 1_000n,
      },
    });
    // a donation or a mis-scaled mint inflates the rate to 1.5: the cap holds it to the allowed growth
    m.rates = rates({ rsETH: 15n * 10n ** 17n });
    m.advance(SECONDS_PER_YEAR / 2n);
    const src = m.s.oracles.get("rsETH")?.source as Extract<OracleSource, { kind: "capo" }>;
    // growth per second = 1e18·1000/10⁴/31,536,000, floored: half a year ≈ +5%
    const perSecond = WAD / 10n / SECONDS_PER_YEAR;
    expect(src.maxRatioGrowthPerSecond).toBe(perSecond);
    expect(capoMaxRatio(src, m.t)).toBe(WAD + perSecond * (SECONDS_PER_YEAR / 2n));
    expect(near(price(m.s, m.ctx(LP), "rsETH"), (ETH * 105n) / 100n, 10n)).toBe(true);
    // a rate under the cap passes through
    m.rates = rates({ rsETH: 102n * 10n ** 16n });
    expect(price(m.s, m.ctx(LP), "rsETH")).toBe((ETH * 102n) / 100n);
    // a new snapshot must be later than the last one and not in the future
    m.reverts(
      m.s.params.admin,
      {
        type: "setCapoSnapshot",
        oracle: "rsETH",
        snapshotRatio: WAD,
        snapshotTimestamp: m.t + 1n,
        maxYearlyRatioGrowthBps: 1_000n,
      },
      "InvalidRatioTimestamp",
    );
  });
});

describe("market (DEX) oracles and frozen feeds", () => {
  function pooled(): Market {
    const m = new Market();
    m.asset("WETH");
    m.asset("ezETH");
    m.fixedOracle("ETH", ETH);
    m.admin({
      type: "createStableSwapPool",
      pool: "ez",
      assets: ["ezETH", "WETH"],
      amplification: 50n,
      fee: 4_000_000n,
      adminFee: 0n,
    });
    m.mint("ezETH", LP, 4_000n * E18);
    m.mint("WETH", LP, 4_000n * E18);
    m.run(LP, { type: "addLiquidity", pool: "ez", amounts: [4_000n * E18, 4_000n * E18], minLpOut: 0n });
    m.admin({
      type: "createOracle",
      oracle: "ezETH",
      spec: { kind: "dex", pool: "ez", asset: "ezETH", quote: "WETH", base: "ETH" },
    });
    return m;
  }

  it("a DEX oracle follows the pool: a whale's sale drives the price down", () => {
    const m = pooled();
    expect(price(m.s, m.ctx(LP), "ezETH")).toBe(ETH);
    m.mint("ezETH", WHALE, 3_000n * E18);
    m.run(WHALE, {
      type: "swap",
      pool: "ez",
      assetIn: "ezETH",
      assetOut: "WETH",
      amountIn: 3_000n * E18,
      minAmountOut: 0n,
    });
    const p = price(m.s, m.ctx(LP), "ezETH");
    expect(p).toBe((ETH * poolSpotPrice(m.s, "ez", "ezETH", "WETH", m.t)) / WAD);
    expect(p < (ETH * 9n) / 10n).toBe(true); // below 0.9: a depeg
  });

  it("a frozen oracle keeps its price while the market moves, and resumes when unfrozen", () => {
    const m = pooled();
    m.admin({ type: "setOracleFrozen", oracle: "ezETH", frozen: true });
    m.reverts(m.s.params.admin, { type: "setOracleFrozen", oracle: "ezETH", frozen: true }, "InvalidFreezeState");
    m.mint("ezETH", WHALE, 3_000n * E18);
    m.run(WHALE, {
      type: "swap",
      pool: "ez",
      assetIn: "ezETH",
      assetOut: "WETH",
      amountIn: 3_000n * E18,
      minAmountOut: 0n,
    });
    expect(price(m.s, m.ctx(LP), "ezETH")).toBe(ETH);
    m.admin({ type: "setOracleFrozen", oracle: "ezETH", frozen: false });
    expect(price(m.s, m.ctx(LP), "ezETH") < ETH).toBe(true);
  });
});

describe("oracle design decides who is liquidated (risk-models.md §4.1)", () => {
  it("an ezETH dump: the DEX-priced Morpho loop becomes liquidatable, the CAPO-priced Aave position does not", () => {
    const { state: s, timestamp: t } = exampleRun();
    const ctx = { timestamp: t + 60n, caller: X.lp };
    const bobBefore = morphoPosition(s, ctx, "ezETH-WETH-86", X.bob).healthFactor;
    const erinBefore = aave.userAccountData(s, ctx, X.erin).healthFactor;
    expect(bobBefore > WAD).toBe(true);
    // no withdrawals: holders can only sell into the thin pool (reference §4.3)
    executeMarket(
      s,
      { ...ctx, caller: s.params.admin },
      { type: "mint", asset: "ezETH", to: WHALE, amount: 3_500n * E18 },
    );
    executeMarket(
      s,
      { ...ctx, caller: WHALE },
      {
        type: "swap",
        pool: "ezETH-WETH",
        assetIn: "ezETH",
        assetOut: "WETH",
        amountIn: 3_500n * E18,
        minAmountOut: 0n,
      },
    );
    const m86 = morpho.marketOf(s, "ezETH-WETH-86");
    expect(morpho.isHealthy(m86, morpho.positionOf(s, "ezETH-WETH-86", X.bob), morpho.oraclePrice(s, ctx, m86))).toBe(
      false,
    );
    // Erin's collateral is priced by the exchange rate (CAPO): the dump does not touch her health factor
    expect(aave.userAccountData(s, ctx, X.erin).healthFactor).toBe(erinBefore);
    expect(aavePosition(s, ctx, X.erin)?.healthFactor).toBe(erinBefore);
  });
});
