/**
 * Market states described in JSON: a scenario is a list of steps (caller, timestamp, command) run through
 * executeMarket from an empty state, optionally on top of the built-in example. Amounts are written as the core's
 * codec writes bigints ("123n"), as decimal strings with an exponent ("1.5e18"), or as plain JSON integers; the
 * fields that are small numbers (decimals, e-mode ids) stay numbers. A snapshot (restake-market-state/v1) is also
 * accepted wherever a scenario is.
 */
import { fromJson } from "../core/shared/codec.ts";
import { executeMarket, type MarketCommand } from "./commands.ts";
import { deserializeMarketState, SNAPSHOT_FORMAT } from "./snapshot.ts";
import { createMarketState, type MarketParams, type MarketState } from "./state.ts";
import type { Address } from "./types.ts";

export const SCENARIO_FORMAT = "restake-market-scenario/v1";

export interface ScenarioStep {
  /** an address, or "admin" */
  caller: Address | "admin";
  timestamp: bigint;
  command: MarketCommand;
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  /** run the built-in example first */
  extends?: "example";
  params?: Partial<MarketParams>;
  /** exchange rates reported before the steps (source → WAD) */
  rates?: Record<string, bigint>;
  steps: ScenarioStep[];
}

const NUMBER_KEYS = new Set(["decimals", "id", "categoryId"]);
const EXP = /^(\d+)(?:\.(\d+))?e(\d+)$/;

/** "1.5e18" → 1500000000000000000n; only exact integers are accepted. */
export function parseAmount(text: string): bigint {
  const m = EXP.exec(text);
  if (m === null) {
    if (/^\d+$/.test(text)) return BigInt(text);
    throw new Error(`not an amount: ${text}`);
  }
  const [, whole, frac = "", exp] = m;
  const e = Number(exp);
  if (frac.length > e) throw new Error(`not an integer: ${text}`);
  return BigInt(whole + frac.padEnd(e, "0"));
}

function coerce(value: unknown, key: string): unknown {
  if (typeof value === "number") {
    if (NUMBER_KEYS.has(key)) return value;
    if (!Number.isSafeInteger(value)) throw new Error(`${key}: ${value} is not an exact integer; write it as a string`);
    return BigInt(value);
  }
  if (typeof value === "string" && EXP.test(value)) return parseAmount(value);
  if (Array.isArray(value)) return value.map((v) => coerce(v, key));
  if (value !== null && typeof value === "object" && typeof value !== "bigint") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerce(v, k)]));
  }
  return value;
}

export function parseScenario(text: string): Scenario {
  const raw = fromJson<Record<string, unknown>>(text);
  if (raw.format !== SCENARIO_FORMAT) throw new Error(`expected format ${SCENARIO_FORMAT}`);
  const doc = coerce(raw, "") as Scenario;
  if (!Array.isArray(doc.steps)) throw new Error("a scenario has a steps array");
  return doc;
}

export interface ScenarioRun {
  state: MarketState;
  /** the last timestamp used */
  timestamp: bigint;
}

/** Runs the steps; a failing step throws with its index (the state then holds the steps before it). */
export function runScenario(doc: Scenario, base?: ScenarioRun): ScenarioRun {
  const s = base?.state ?? createMarketState(doc.params ?? {});
  let t = base?.timestamp ?? 0n;
  const admin = s.params.admin;
  for (const [source, rate] of Object.entries(doc.rates ?? {})) {
    executeMarket(s, { timestamp: t, caller: admin }, { type: "setExchangeRate", source, rate });
  }
  doc.steps.forEach((step, i) => {
    const caller = step.caller === "admin" ? admin : step.caller;
    t = step.timestamp > t ? step.timestamp : t;
    try {
      executeMarket(s, { timestamp: t, caller }, step.command);
    } catch (e) {
      throw new Error(`step ${i} (${step.command.type}): ${(e as Error).message}`, { cause: e });
    }
  });
  return { state: s, timestamp: t };
}

/** A state from JSON text: a scenario (run) or a snapshot (loaded). */
export function loadMarketState(text: string, example: () => ScenarioRun): ScenarioRun {
  const head = fromJson<{ format?: unknown }>(text);
  if (head.format === SNAPSHOT_FORMAT) {
    const state = deserializeMarketState(text);
    return { state, timestamp: state.globals.get("timestamp") ?? 0n };
  }
  const doc = parseScenario(text);
  return runScenario(doc, doc.extends === "example" ? example() : undefined);
}
