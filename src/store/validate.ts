import { StoreError } from "./errors.ts";
import type { Snapshot } from "./types.ts";

/** Argument checks shared by the backends, so both reject the same inputs with the same codes. */

export function hasNul(s: string): boolean {
  return s.includes("\0");
}

function invalid(message: string, context: Record<string, unknown>): StoreError {
  return new StoreError("INVALID_ARGUMENT", message, context);
}

export function checkRead(fromSeq: number, limit: number): void {
  if (!Number.isSafeInteger(fromSeq)) throw invalid("fromSeq must be a safe integer", { fromSeq });
  if (!Number.isSafeInteger(limit) || limit < 0) throw invalid("limit must be a non-negative safe integer", { limit });
}

export function checkTxHash(txHash: string): void {
  if (typeof txHash !== "string" || hasNul(txHash)) throw invalid("txHash must be a string", { txHash });
}

export function checkSnapshot(s: Snapshot): void {
  if (typeof s !== "object" || s === null) throw invalid("snapshot must be an object", {});
  if (!Number.isSafeInteger(s.seq) || s.seq < 0)
    throw invalid("snapshot seq must be a non-negative integer", { seq: s.seq });
  if (typeof s.state !== "string" || hasNul(s.state)) throw invalid("snapshot state must be a string", { seq: s.seq });
  if (typeof s.stateHash !== "string" || s.stateHash === "" || hasNul(s.stateHash)) {
    throw invalid("snapshot stateHash must be a non-empty string", { seq: s.seq });
  }
}

export function checkMetaKey(key: string): void {
  if (typeof key !== "string" || key === "" || hasNul(key))
    throw invalid("meta key must be a non-empty string", { key });
}

export function checkMetaValue(key: string, value: string): void {
  if (typeof value !== "string" || hasNul(value)) throw invalid("meta value must be a string", { key });
}
