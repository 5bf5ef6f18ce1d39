import type { Command } from "commander";
import type { Address, MarketState } from "../markets/index.ts";

/**
 * `restake market …`: the markets layer from the command line, on a JSON-described state or the built-in example.
 * Registered from commands.ts; the markets layer is imported only when a subcommand runs.
 */

interface StateFlags {
  state?: string;
  json?: boolean;
}

const STATE_HELP =
  "JSON state: a scenario (restake-market-scenario/v1: steps run from empty, or on the example with " +
  '"extends": "example") or a snapshot (restake-market-state/v1); default: the built-in example';

const AFTER_HELP = `
Every subcommand works on a JSON-described market state (--state <file>) or, without --state, on the built-in
example: an LRT market on 24 Apr 2024 with weETH/WETH and ezETH/WETH StableSwap pools, a WETH/USDC constant-product
pool, an Aave v3.3-style pool (WETH, weETH, ezETH, USDC, e-modes "ETH correlated" and "ezETH/WETH") and two Morpho
ezETH/WETH markets (LLTV 0.86 and 0.77). Its accounts can be named instead of addressed: lp, alice (weETH loop in
e-mode), bob (ezETH loop on Morpho 0.86), carol (weETH outside e-mode), dave (Morpho 0.77), erin (ezETH e-mode),
liquidator. \`restake market example\` prints the example as a scenario to start from.

A scenario is {"format": "restake-market-scenario/v1", "extends"?: "example", "rates"?: {source: rate},
"steps": [{"caller": "<address>|admin", "timestamp": <unix>, "command": {"type": …}}]}; amounts are integers in base
units, as JSON numbers, "123n" or "1.5e18".

Examples:
  restake market pools
  restake market pool-quote ezETH-WETH ezETH WETH 500
  restake market position alice
  restake market position bob --state depeg.json
  restake market liquidate --flash --state depeg.json`;

function stateOption(cmd: Command): Command {
  return cmd.option("--state <file>", STATE_HELP).option("--json", "print JSON (amounts as decimal strings)");
}

export function registerMarketCommands(program: Command): void {
  const market = program
    .command("market")
    .description(
      "DEX pools and lending markets (StableSwap, constant product, Aave v3.3, Morpho Blue) on a JSON state or the built-in example",
    )
    .addHelpText("after", AFTER_HELP);

  market
    .command("example")
    .description("print the built-in example as a scenario (JSON) to edit or extend")
    .action(async () => {
      const { exampleScenario } = await import("../markets/index.ts");
      const { toJson } = await import("../core/shared/codec.ts");
      console.log(toJson(exampleScenario(), 2));
    });

  stateOption(market.command("pools").description("every pool: balances, A and fee, invariant, prices")).action(
    async (flags: StateFlags) => {
      await run(flags, async ({ m, s, t, print }) => {
        const views = m.views.poolViews(s, t);
        print(views, () => {
          for (const v of views) {
            const amp = v.amplification !== undefined ? `, A ${v.amplification}` : "";
            const admin = v.adminFee > 0n ? `, admin share ${pct(m, v.adminFee)}` : "";
            console.log(`${v.id} (${v.kind}${amp}, fee ${pct(m, v.fee)}${admin})`);
            v.assets.forEach((a, i) => {
              console.log(`  ${a.padEnd(8)} ${fmt(m, v.balances[i] ?? 0n, dec(s, a), 4).padStart(18)}`);
            });
            for (const p of v.prices) console.log(`  1 ${p.asset} = ${fmt(m, p.price, 18, 6)} ${p.quote}`);
            if (v.virtualPrice !== undefined) console.log(`  virtual price ${fmt(m, v.virtualPrice, 18, 6)}`);
          }
        });
      });
    },
  );

  stateOption(
    market
      .command("pool-quote")
      .description("quote a swap without executing it: amount out, fee, spot price before and after, price impact")
      .argument("<pool>", "pool id")
      .argument("<assetIn>", "asset sold")
      .argument("<assetOut>", "asset bought")
      .argument("<amount>", "amount sold, in whole tokens (e.g. 12.5), or base units with --raw")
      .option("--raw", "the amount is in base units"),
  ).action(
    async (pool: string, assetIn: string, assetOut: string, amount: string, flags: StateFlags & { raw?: boolean }) => {
      await run(flags, async ({ m, s, t, print }) => {
        const dIn = s.assets.get(assetIn)?.decimals ?? 18;
        const dOut = s.assets.get(assetOut)?.decimals ?? 18;
        const amountIn = flags.raw ? BigInt(amount) : parseUnits(amount, dIn);
        const q = m.pools.quoteSwap(s, pool, assetIn, assetOut, amountIn, t);
        print(q, () => {
          console.log(`${fmt(m, q.amountIn, dIn)} ${assetIn} → ${fmt(m, q.amountOut, dOut)} ${assetOut} in ${pool}`);
          // Curve takes its fee from the output, Uniswap V2 from the input
          const feeAsset = s.pools.get(pool)?.kind === "stableswap" ? assetOut : assetIn;
          console.log(`  fee            ${fmt(m, q.fee, dec(s, feeAsset))} ${feeAsset}`);
          console.log(`  spot before    ${fmt(m, q.spotBefore, 18, 6)} ${assetOut} per ${assetIn}`);
          console.log(`  spot after     ${fmt(m, q.spotAfter, 18, 6)}`);
          console.log(`  effective      ${fmt(m, q.effectivePrice, 18, 6)}`);
          console.log(`  price impact   ${fmt(m, q.priceImpact * 100n, 18, 4)}%`);
        });
      });
    },
  );

  stateOption(
    market.command("markets").description("lending markets: Aave-style reserves and e-modes, Morpho markets"),
  ).action(async (flags: StateFlags) => {
    await run(flags, async ({ m, s, ctx, print }) => {
      const v = m.views.marketsView(s, ctx);
      print(v, () => {
        console.log("Aave-style reserves");
        for (const r of v.reserves) {
          const d = s.assets.get(r.asset)?.decimals ?? 18;
          console.log(
            `  ${r.asset.padEnd(6)} $${fmt(m, r.price, 8, 2).padStart(10)}  LTV ${bps(r.ltv)} LT ${bps(r.liquidationThreshold)} LB ${bps(r.liquidationBonus - 10_000n)}` +
              `  supplied ${fmt(m, r.totalSupplied, d, 2)} borrowed ${fmt(m, r.totalBorrowed, d, 2)}` +
              `  borrow APR ${fmt(m, r.borrowRate * 100n, 27, 2)}%${r.frozen ? "  FROZEN" : ""}${r.deficit > 0n ? `  deficit ${fmt(m, r.deficit, d, 4)}` : ""}`,
          );
        }
        for (const e of v.eModes) {
          console.log(
            `  e-mode ${e.id} "${e.label}": LTV ${bps(e.ltv)} LT ${bps(e.liquidationThreshold)} LB ${bps(e.liquidationBonus - 10_000n)}; collateral ${e.collateralAssets.join(", ")}; borrow ${e.borrowableAssets.join(", ")}`,
          );
        }
        console.log("Morpho markets");
        for (const mk of v.morpho) {
          console.log(
            `  ${mk.id.padEnd(14)} LLTV ${fmt(m, mk.lltv, 16, 2)}%  LIF ${fmt(m, mk.liquidationIncentiveFactor, 18, 6)}  price ${fmt(m, mk.priceWad, 18, 6)} ${mk.loanToken}/${mk.collateralToken}` +
              `  supplied ${fmt(m, mk.totalSupplyAssets, 18, 2)} borrowed ${fmt(m, mk.totalBorrowAssets, 18, 2)}`,
          );
        }
      });
    });
  });

  stateOption(
    market
      .command("position")
      .description("one account's positions: wallet, LP, Aave (HF, leverage, liquidation prices) and Morpho")
      .argument("<account>", "an address, or an example account name (alice, bob, carol, dave, erin, lp, liquidator)"),
  ).action(async (account: string, flags: StateFlags) => {
    await run(flags, async ({ m, s, ctx, print }) => {
      const u = resolveAccount(m, account);
      const v = m.views.positionView(s, ctx, u);
      print(v, () => {
        console.log(`account ${u}`);
        for (const w of v.wallet) console.log(`  wallet  ${w.asset.padEnd(6)} ${fmt(m, w.amount, dec(s, w.asset), 4)}`);
        for (const l of v.lp) console.log(`  LP      ${l.pool} ${fmt(m, l.amount, 18, 4)}`);
        if (v.aave) {
          const a = v.aave;
          console.log(`  Aave${a.eMode ? ` (e-mode ${a.eMode})` : ""}`);
          for (const c of a.collateral) {
            console.log(
              `    supplied ${c.asset.padEnd(6)} ${fmt(m, c.amount, dec(s, c.asset), 4)} ($${fmt(m, c.valueBase, 8, 2)})${c.usedAsCollateral ? "" : " not collateral"}`,
            );
          }
          for (const d of a.debt) {
            console.log(
              `    borrowed ${d.asset.padEnd(6)} ${fmt(m, d.amount, dec(s, d.asset), 4)} ($${fmt(m, d.valueBase, 8, 2)})`,
            );
          }
          console.log(
            `    health factor ${m.views.formatHealthFactor(a.healthFactor)}  leverage ${lev(m, a.leverage)}`,
          );
          for (const p of a.liquidationPrices) {
            console.log(
              `    liquidation when ${p.asset} ≤ $${p.price === null ? "—" : fmt(m, p.price, 8, 2)} (now $${fmt(m, p.currentPrice, 8, 2)}, ${p.distance === null ? "—" : `${fmt(m, p.distance * 100n, 18, 2)}%`} away)`,
            );
          }
        }
        for (const p of v.morpho) {
          const mk = s.morphoMarkets.get(p.market);
          console.log(`  Morpho ${p.market}`);
          if (p.supplied > 0n) console.log(`    supplied   ${fmt(m, p.supplied, dec(s, mk?.loanToken ?? ""), 4)}`);
          if (p.collateral > 0n)
            console.log(`    collateral ${fmt(m, p.collateral, dec(s, mk?.collateralToken ?? ""), 4)}`);
          if (p.borrowed > 0n) {
            console.log(
              `    borrowed   ${fmt(m, p.borrowed, dec(s, mk?.loanToken ?? ""), 4)}  LTV ${p.ltv === null ? "—" : fmt(m, p.ltv * 100n, 18, 2)}%`,
            );
            console.log(
              `    health factor ${m.views.formatHealthFactor(p.healthFactor)}  leverage ${lev(m, p.leverage)}`,
            );
          }
          if (p.liquidationPrice) {
            const l = p.liquidationPrice;
            console.log(
              `    liquidation at ${fmt(m, l.priceWad, 18, 6)} (now ${fmt(m, l.currentPriceWad, 18, 6)}, ${fmt(m, l.distance * 100n, 18, 2)}% away)`,
            );
          }
        }
      });
    });
  });

  stateOption(
    market.command("liquidations").description("the liquidation history and bad debt (Aave deficits, Morpho losses)"),
  ).action(async (flags: StateFlags) => {
    await run(flags, async ({ m, s, print }) => {
      const history = m.views.liquidationHistory(s);
      const bad = m.views.badDebtView(s);
      print({ liquidations: history, badDebt: bad }, () => {
        if (history.length === 0) console.log("no liquidations");
        for (const l of history) {
          console.log(
            `${l.venue}/${l.market} t=${l.timestamp} ${l.borrower}: repaid ${fmt(m, l.debtRepaid, dec(s, l.debtAsset), 4)} ${l.debtAsset}, seized ${fmt(m, l.collateralSeized, dec(s, l.collateralAsset), 4)} ${l.collateralAsset}` +
              `, HF ${m.views.formatHealthFactor(l.healthFactorBefore)} → ${m.views.formatHealthFactor(l.healthFactorAfter)}${l.badDebt > 0n ? `, bad debt ${fmt(m, l.badDebt, dec(s, l.debtAsset), 4)}` : ""}`,
          );
        }
        for (const d of bad.aaveDeficits)
          console.log(`Aave deficit ${d.asset}: ${fmt(m, d.deficit, dec(s, d.asset), 4)}`);
        for (const d of bad.morphoSocialised) {
          console.log(`Morpho ${d.market}: ${fmt(m, d.amount, dec(s, d.asset), 4)} ${d.asset} socialised to suppliers`);
        }
      });
    });
  });

  stateOption(
    market
      .command("liquidate")
      .description("run the liquidator: liquidate every position that is profitable after DEX slippage")
      .option("--as <account>", "the liquidator (address or example name)", "liquidator")
      .option("--min-profit <amount>", "minimum profit per liquidation, in whole debt tokens", "0")
      .option("--flash", "borrow each repayment for the duration of the liquidation (no inventory needed)")
      .option("--out <file>", "write the resulting state (snapshot) to this file"),
  ).action(async (flags: StateFlags & { as: string; minProfit: string; flash?: boolean; out?: string }) => {
    await run(flags, async ({ m, s, ctx, print }) => {
      const liquidator = resolveAccount(m, flags.as);
      const r = m.runLiquidator(
        s,
        { ...ctx, caller: liquidator },
        {
          minProfit: parseUnits(flags.minProfit, 18),
          flash: flags.flash ?? false,
        },
      );
      if (flags.out) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(flags.out, m.serializeMarketState(s, 2));
      }
      print(r, () => {
        if (r.executed.length === 0) console.log("nothing profitable to liquidate");
        for (const e of r.executed) {
          const c = e.command as { venue: string; borrower: string; market?: string; debt?: string };
          console.log(
            `${c.venue}${c.market ? `/${c.market}` : ""} ${c.borrower}: repaid ${fmt(m, e.result.repaid, 18, 4)}, seized ${fmt(m, e.result.seized, 18, 4)}, sold for ${fmt(m, e.result.swappedOut, 18, 4)}, profit ${fmt(m, e.result.profit, 18, 4)}${e.result.badDebt > 0n ? `, bad debt ${fmt(m, e.result.badDebt, 18, 4)}` : ""}`,
          );
        }
        for (const k of r.skipped) console.log(`unprofitable: ${k.venue}/${k.market} ${k.account}`);
      });
    });
  });
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────────

type Markets = typeof import("../markets/index.ts");

interface RunEnv {
  m: Markets;
  s: MarketState;
  t: bigint;
  ctx: { timestamp: bigint };
  print: (json: unknown, human: () => void) => void;
}

async function run(flags: StateFlags, body: (env: RunEnv) => Promise<void>): Promise<void> {
  const m = await import("../markets/index.ts");
  const { toPlainJson } = await import("../core/shared/codec.ts");
  let loaded: { state: MarketState; timestamp: bigint };
  try {
    if (flags.state) {
      const { readFileSync } = await import("node:fs");
      loaded = m.loadMarketState(readFileSync(flags.state, "utf8"), m.exampleRun);
    } else {
      loaded = m.exampleRun();
    }
  } catch (e) {
    console.error(`cannot load the state: ${(e as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const env: RunEnv = {
    m,
    s: loaded.state,
    t: loaded.timestamp,
    ctx: { timestamp: loaded.timestamp },
    print: (json, human) => {
      if (flags.json) console.log(toPlainJson(json, 2));
      else human();
    },
  };
  try {
    await body(env);
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(code ? `${code}: ${(e as Error).message}` : (e as Error).message);
    process.exitCode = 1;
  }
}

function resolveAccount(m: Markets, name: string): Address {
  const named = (m.EXAMPLE_ACCOUNTS as Record<string, Address>)[name];
  if (named) return named;
  if (!/^0x[0-9a-fA-F]{40}$/.test(name)) throw new Error(`not an address or example account: ${name}`);
  return name.toLowerCase() as Address;
}

function parseUnits(text: string, decimals: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null) throw new Error(`not a decimal amount: ${text}`);
  const [, whole, frac = ""] = m;
  if (frac.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  return BigInt(whole + frac.padEnd(decimals, "0"));
}

function fmt(m: Markets, x: bigint, decimals: number, places = 6): string {
  return m.views.formatUnits(x, decimals, places);
}

function dec(s: MarketState, a: string): number {
  return s.assets.get(a)?.decimals ?? 18;
}

function pct(m: Markets, wad: bigint): string {
  return `${fmt(m, wad * 100n, 18, 4)}%`;
}

function bps(x: bigint): string {
  return `${Number(x) / 100}%`;
}

function lev(m: Markets, x: bigint | null): string {
  return x === null ? "—" : `${fmt(m, x, 18, 2)}×`;
}
