import { keccak256, stringToBytes } from "viem";
import { stateHash } from "../core/eigenlayer/snapshot.ts";
import type { EigenState } from "../core/eigenlayer/state.ts";
import { fromJson, toJson } from "../core/shared/codec.ts";
import { LrtState, type World } from "./state.ts";

/** LRT-layer snapshots (exact, bigint-safe) and the world hash that covers the core and the LRT tables. */

interface LrtSnapshotDoc {
  format: "restake-lrt-state/v1";
  tables: Record<string, [string, unknown][]>;
}

export function serializeLrtState(s: LrtState): string {
  const tables: Record<string, [string, unknown][]> = {};
  for (const [name, table] of s.tables()) tables[name] = [...table.entries()];
  return toJson({ format: "restake-lrt-state/v1", tables } satisfies LrtSnapshotDoc);
}

/** Rebuilds the LRT tables on `eigen`'s journal (restore the core first). */
export function deserializeLrtState(text: string, eigen: EigenState): LrtState {
  const doc = fromJson<LrtSnapshotDoc>(text);
  if (doc.format !== "restake-lrt-state/v1") throw new Error(`unknown LRT snapshot format ${String(doc.format)}`);
  const s = new LrtState(eigen);
  for (const [name, table] of s.tables()) {
    for (const [k, v] of doc.tables[name] ?? []) table.map.set(k, v);
  }
  return s;
}

/** keccak256 of the LRT tables in canonical form: fixed table order, keys sorted. */
export function lrtTablesHash(s: LrtState): `0x${string}` {
  const parts: string[] = [];
  for (const [name, table] of s.tables()) {
    parts.push(name);
    for (const k of [...table.keys()].sort()) parts.push(`${k}=${toJson(table.get(k))}`);
  }
  return keccak256(stringToBytes(parts.join("\n")));
}

/** The hash of the whole world: the core's state hash and the LRT tables' hash, combined. */
export function lrtStateHash(w: World): `0x${string}` {
  return keccak256(stringToBytes(`${stateHash(w.eigen)}|${lrtTablesHash(w.lrt)}`));
}
