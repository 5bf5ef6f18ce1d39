import type { EigenState } from "../core/eigenlayer/state.ts";
import { buildDemoWorld, type DemoWorld } from "../lrt/demo.ts";
import type { LrtState, World as LrtWorld } from "../lrt/state.ts";
import * as lrtViews from "../lrt/views.ts";
import { EXAMPLE_ACCOUNTS, exampleScenario } from "../markets/example.ts";
import { runScenario, type Scenario } from "../markets/scenario.ts";
import { createMarketState, type MarketState } from "../markets/state.ts";
import type { Address, AssetId, RateProvider } from "../markets/types.ts";

/**
 * The world the exposure engine reads: the core, the LRT layer and the markets layer on one journal (the shape the
 * ledger holds as `ledger.world`). Markets name assets by id ("weETH", "WETH", "USDC"), the LRT layer by LRT id and
 * token symbol, the core by token and strategy address; an `AssetMap` says which market asset is which.
 */
export interface RiskWorld {
  eigen: EigenState;
  lrt: LrtState;
  markets: MarketState;
}

/** What one unit of a market asset is, below the market. */
export type AssetLink =
  /** native ETH or a 1:1 wrapper of it (WETH) */
  | { kind: "eth" }
  /**
   * an LRT token: `token` is the LRT's symbol or its wrapped symbol (default: the bridgeable token — weETH for
   * ether.fi, the LRT token otherwise); `chain` is where the market lives (default: the L1; an L2 adds the bridge
   * layer). One unit of weETH is one eETH share.
   */
  | { kind: "lrt"; lrt: string; token?: string; chain?: string }
  /** an LST; one unit is one LST share (the core's units, as wstETH holds stETH) */
  | { kind: "lst"; lst: string }
  /**
   * a vault token over the restaked shares one core staker holds in one strategy (an isolated per-LST vault): one
   * unit is one withdrawable share of `staker` in `strategy`
   */
  | { kind: "strategy"; strategy: Address; staker: Address }
  /** not ETH: valued through the market's oracles against the ETH oracle, with no restaking exposure */
  | { kind: "none" };

export type AssetMap = Record<AssetId, AssetLink>;

/**
 * The default mapping, by name: an asset whose id is an LRT's symbol or wrapped symbol (or its id) is that LRT on the
 * L1; an LST's symbol (or id) is that LST; "ETH" and "WETH" are ETH; anything else is `none`. It fits the demo
 * worlds (the markets example's weETH and ezETH are ether.fi's and Renzo's); pass an explicit map otherwise.
 */
export function defaultAssetMap(w: RiskWorld): AssetMap {
  const out: AssetMap = {};
  const ids = new Set<string>([...w.markets.assets.keys()]);
  for (const id of ids) out[id] = linkByName(w, id);
  return out;
}

function linkByName(w: RiskWorld, id: string): AssetLink {
  if (id === "ETH" || id === "WETH") return { kind: "eth" };
  for (const rec of w.lrt.lrts.values()) {
    if (id === rec.symbol || id === rec.wrappedSymbol || id === rec.id) {
      return { kind: "lrt", lrt: rec.id, token: id === rec.id ? (rec.wrappedSymbol ?? rec.symbol) : id };
    }
  }
  for (const l of w.lrt.lsts.values()) if (id === l.symbol || id === l.id) return { kind: "lst", lst: l.id };
  return { kind: "none" };
}

/** The LRT layer's view of the world. */
export const lrtWorld = (w: RiskWorld): LrtWorld => ({ eigen: w.eigen, lrt: w.lrt });

/**
 * Exchange rates for the markets' exchange-rate and CAPO oracles, as the node supplies them: a source that is an LRT
 * id reads that LRT's rate live; any other source falls back to the rate last reported to the market.
 */
export function lrtRateProvider(w: RiskWorld): RateProvider {
  const lw = lrtWorld(w);
  return {
    exchangeRate: (source, timestamp) =>
      w.lrt.lrts.has(source) ? lrtViews.rate(lw, source, { timestamp }) : undefined,
  };
}

export interface RiskDemo {
  world: RiskWorld;
  demo: DemoWorld;
  /** the markets example's accounts, plus `lender`: the LRT demo's user/0, who also borrows on the Aave pool */
  accounts: Record<string, Address>;
}

/**
 * The in-memory demo world of `restake risk stack|checklist`: the LRT demo (src/lrt/demo.ts: three LSTs, three
 * operators in one operator set, the five LRT presets with bridged supply and queued withdrawals) and the markets
 * example (src/markets/example.ts: weETH and ezETH pools, Aave-style and Morpho-style lending with loops), run on the
 * core's journal. One step is added so that a single account holds every layer: the LRT demo's user/0 — who holds
 * eETH, weETH on the L1 and on Arbitrum, rsETH on Unichain and ezETH on Base — also supplies 10 weETH to the Aave
 * pool in its ETH-correlated e-mode and borrows 8 WETH against it.
 */
export function buildRiskDemoWorld(): RiskDemo {
  const demo = buildDemoWorld();
  const eigen = demo.chain.w.eigen;
  const markets = createMarketState({}, eigen.journal);
  const example = exampleScenario();
  const run = runScenario(example, { state: markets, timestamp: 0n });
  const lender = demo.users[0]!;
  const t = run.timestamp + 60n;
  const E18 = 10n ** 18n;
  const extra: Scenario = {
    format: example.format,
    steps: [
      { caller: "admin", timestamp: t, command: { type: "mint", asset: "weETH", to: lender, amount: 10n * E18 } },
      { caller: lender, timestamp: t, command: { type: "aaveSetUserEMode", categoryId: 1 } },
      { caller: lender, timestamp: t, command: { type: "aaveSupply", asset: "weETH", amount: 10n * E18 } },
      { caller: lender, timestamp: t, command: { type: "aaveBorrow", asset: "WETH", amount: 8n * E18 } },
    ],
  };
  runScenario(extra, run);
  return { world: { eigen, lrt: demo.chain.w.lrt, markets }, demo, accounts: { ...EXAMPLE_ACCOUNTS, lender } };
}
