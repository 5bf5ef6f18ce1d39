import { keccak256, stringToBytes } from "viem";
import { fromJson, toJson } from "../shared/codec.ts";
import { defaultParams, type EigenParams } from "./params.ts";
import { EigenState } from "./state.ts";

/** State snapshots (exact, bigint-safe) and the canonical state hash. */

interface SnapshotDoc {
  format: "restake-eigen-state/v1";
  params: EigenParams;
  tables: Record<string, [string, unknown][]>;
}

export function serializeState(s: EigenState): string {
  const tables: Record<string, [string, unknown][]> = {};
  for (const [name, table] of s.tables()) tables[name] = [...table.entries()];
  const doc: SnapshotDoc = { format: "restake-eigen-state/v1", params: s.params, tables };
  return toJson(doc);
}

export function deserializeState(text: string): EigenState {
  const doc = fromJson<SnapshotDoc>(text);
  if (doc.format !== "restake-eigen-state/v1") throw new Error(`unknown snapshot format ${String(doc.format)}`);
  // parameters added since the snapshot was written take their defaults
  const s = new EigenState(defaultParams(doc.params));
  for (const [name, table] of s.tables()) {
    for (const [k, v] of doc.tables[name] ?? []) table.map.set(k, v);
  }
  s.reindex();
  return s;
}

/**
 * keccak256 of the canonical serialization: tables in fixed order, keys sorted, so the hash depends only on the
 * state's content, never on the order in which keys were written.
 */
export function stateHash(s: EigenState): `0x${string}` {
  const parts: string[] = [toJson(s.params)];
  for (const [name, table] of s.tables()) {
    const keys = [...table.keys()].sort();
    parts.push(name);
    for (const k of keys) parts.push(`${k}=${toJson(table.get(k))}`);
  }
  return keccak256(stringToBytes(parts.join("\n")));
}
