import { keccak256, stringToBytes } from "viem";
import { fromJson, toJson } from "../core/shared/codec.ts";
import type { Journal } from "../core/shared/journal.ts";
import { type MarketParams, MarketState } from "./state.ts";

/** Market state snapshots (exact, bigint-safe, the core's codec) and the canonical state hash. */

export const SNAPSHOT_FORMAT = "restake-market-state/v1";

interface SnapshotDoc {
  format: typeof SNAPSHOT_FORMAT;
  params: MarketParams;
  tables: Record<string, [string, unknown][]>;
}

export function serializeMarketState(s: MarketState, space?: number): string {
  const tables: Record<string, [string, unknown][]> = {};
  for (const [name, table] of s.tables()) tables[name] = [...table.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const doc: SnapshotDoc = { format: SNAPSHOT_FORMAT, params: s.params, tables };
  return toJson(doc, space);
}

/** `journal`: restore onto a shared journal (the node's world keeps every layer on the core's). */
export function deserializeMarketState(text: string, journal?: Journal): MarketState {
  const doc = fromJson<SnapshotDoc>(text);
  if (doc.format !== SNAPSHOT_FORMAT) throw new Error(`unknown snapshot format ${String(doc.format)}`);
  const s = new MarketState(doc.params, journal);
  for (const [name, table] of s.tables()) {
    for (const [k, v] of doc.tables[name] ?? []) table.map.set(k, v);
  }
  return s;
}

/** keccak256 of the canonical serialisation (tables in fixed order, keys sorted). */
export function marketStateHash(s: MarketState): `0x${string}` {
  const parts: string[] = [toJson(s.params)];
  for (const [name, table] of s.tables()) {
    parts.push(name);
    for (const k of [...table.keys()].sort()) parts.push(`${k}=${toJson(table.get(k))}`);
  }
  return keccak256(stringToBytes(parts.join("\n")));
}
