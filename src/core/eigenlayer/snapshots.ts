import type { Snapshot } from "./state.ts";

/** OpenZeppelin-style checkpoint histories keyed by block (EigenLayer's Snapshots library). */

export function latest(history: Snapshot[] | undefined, dflt: bigint): bigint {
  if (history === undefined || history.length === 0) return dflt;
  return history[history.length - 1]!.value;
}

/** Value of the last snapshot with key ≤ `key`, or `dflt` if none. */
export function upperLookup(history: Snapshot[] | undefined, key: bigint, dflt: bigint): bigint {
  if (history === undefined) return dflt;
  let lo = 0;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.key > key) hi = mid;
    else lo = mid + 1;
  }
  return lo === 0 ? dflt : history[lo - 1]!.value;
}
