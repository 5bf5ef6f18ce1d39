import { expect } from "vitest";
import { ProtocolError } from "../../src/core/shared/errors.ts";
import { executeMarket, type MarketCommand, type MarketExecuteResult } from "../../src/markets/commands.ts";
import { marketStateHash } from "../../src/markets/snapshot.ts";
import { createMarketState, DEFAULT_MARKET_ADMIN, type MarketState } from "../../src/markets/state.ts";
import type { Address, RateCurve, RateProvider } from "../../src/markets/types.ts";

export const E18 = 10n ** 18n;
export const E8 = 10n ** 8n;
export const ADMIN = DEFAULT_MARKET_ADMIN;

export function addr(tag: string, n: number): Address {
  return `0x${tag.padStart(2, "0")}${n.toString(16).padStart(38, "0")}` as Address;
}

/** Interest curves of the reference's weETH listing and of WETH; rates in basis points. */
export const WEETH_CURVE: RateCurve = {
  optimalUsageRatio: 3_500n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 700n,
  variableRateSlope2: 30_000n,
};
export const WETH_CURVE: RateCurve = {
  optimalUsageRatio: 9_000n,
  baseVariableBorrowRate: 0n,
  variableRateSlope1: 270n,
  variableRateSlope2: 8_000n,
};

/** A markets state driven by commands, second by second; every command goes through executeMarket. */
export class Market {
  readonly s: MarketState;
  t: bigint;
  rates?: RateProvider;

  constructor(t0 = 1_700_000_000n) {
    this.s = createMarketState();
    this.t = t0;
  }

  ctx(caller: Address) {
    return { timestamp: this.t, caller, rates: this.rates };
  }

  run(caller: Address, command: MarketCommand): MarketExecuteResult {
    return executeMarket(this.s, this.ctx(caller), command);
  }

  admin(command: MarketCommand): MarketExecuteResult {
    return this.run(ADMIN, command);
  }

  /** Expects the ProtocolError `code`, and the state hash exactly as before. */
  reverts(caller: Address, command: MarketCommand, code: string): ProtocolError {
    const before = marketStateHash(this.s);
    let thrown: unknown;
    try {
      executeMarket(this.s, this.ctx(caller), command);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `${command.type} should revert with ${code}`).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).code, (thrown as Error).message).toBe(code);
    expect(marketStateHash(this.s), `${command.type} reverted but changed the state`).toBe(before);
    return thrown as ProtocolError;
  }

  advance(seconds: bigint): void {
    this.t += seconds;
  }

  asset(asset: string, decimals = 18): void {
    this.admin({ type: "listAsset", asset, decimals });
  }

  mint(asset: string, to: Address, amount: bigint): void {
    this.admin({ type: "mint", asset, to, amount });
  }

  fixedOracle(oracle: string, price: bigint): void {
    this.admin({ type: "createOracle", oracle, spec: { kind: "fixed", price } });
  }

  setPrice(oracle: string, price: bigint): void {
    this.admin({ type: "setOraclePrice", oracle, price });
  }
}

/** |a − b| ≤ tol */
export function near(a: bigint, b: bigint, tol: bigint): boolean {
  return (a > b ? a - b : b - a) <= tol;
}

/** A WAD value rounded to `places` decimals, as a string (for comparing with the reference's printed figures). */
export function round(x: bigint, places: number, decimals = 18): string {
  const scale = 10n ** BigInt(decimals - places);
  const q = (x + scale / 2n) / scale;
  const s = q.toString().padStart(places + 1, "0");
  return `${s.slice(0, -places)}.${s.slice(-places)}`;
}
