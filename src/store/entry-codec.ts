import { fromJson, toJson } from "../core/shared/codec.ts";
import { StoreError } from "./errors.ts";
import type { LogEntry, NewEntry } from "./types.ts";
import { hasNul } from "./validate.ts";

/**
 * Maps log entries to and from the column values both backends store. Every entry of a batch is encoded (and so
 * validated) before a transaction opens, so a bad entry can never leave half a batch behind.
 */

/** PostgreSQL numeric(78,0) holds |x| < 10^78, enough for any uint256/int256; SQLite is held to the same bound. */
const NUMERIC_LIMIT = 10n ** 78n;

/** An entry as column values, before a seq is assigned. */
export interface EncodedEntry {
  block: string;
  timestamp: string;
  txHash: string;
  sender: string;
  tx: string;
  events: string;
}

/** A stored row as both backends select it (PostgreSQL returns int8 and numeric as strings). */
export interface EntryRow {
  seq: number | string;
  block_number: string;
  block_timestamp: string;
  tx_hash: string;
  sender: string;
  tx: string;
  events: string;
}

export function encodeBatch(entries: readonly NewEntry[]): EncodedEntry[] {
  if (!Array.isArray(entries)) throw new StoreError("INVALID_ENTRY", "append expects an array of entries");
  const encoded = entries.map(encodeEntry);
  const seen = new Set<string>();
  for (const [index, e] of encoded.entries()) {
    if (seen.has(e.txHash)) {
      throw new StoreError("DUPLICATE_TX", "txHash repeated within the batch", { txHash: e.txHash, index });
    }
    seen.add(e.txHash);
  }
  return encoded;
}

function encodeEntry(entry: NewEntry, index: number): EncodedEntry {
  const bad = (message: string, extra: Record<string, unknown> = {}, cause?: unknown): StoreError =>
    new StoreError("INVALID_ENTRY", message, { index, ...extra }, cause);
  if (typeof entry !== "object" || entry === null) throw bad("entry is not an object");
  const { block, timestamp, txHash, sender, tx, events } = entry;
  // PostgreSQL text cannot hold NUL; rejecting it everywhere keeps both backends interchangeable.
  if (typeof txHash !== "string" || txHash === "" || hasNul(txHash)) throw bad("txHash must be a non-empty string");
  if (typeof sender !== "string" || hasNul(sender)) throw bad("sender must be a string", { txHash });
  for (const [field, v] of [
    ["block", block],
    ["timestamp", timestamp],
  ] as const) {
    if (typeof v !== "bigint") throw bad(`${field} must be a bigint`, { txHash, type: typeof v });
    if (v >= NUMERIC_LIMIT || v <= -NUMERIC_LIMIT) throw bad(`${field} exceeds 78 decimal digits`, { txHash });
  }
  if (!Array.isArray(events)) throw bad("events must be an array", { txHash });
  let txJson: string | undefined;
  let eventsJson: string;
  try {
    txJson = toJson(tx);
    eventsJson = toJson(events);
  } catch (e) {
    throw bad("tx/events are not serializable (cycle?)", { txHash }, e);
  }
  // JSON.stringify yields undefined for undefined, functions and symbols: nothing we could read back.
  if (txJson === undefined) throw bad("tx is not JSON-serializable", { txHash });
  return {
    block: block.toString(),
    timestamp: timestamp.toString(),
    txHash,
    sender,
    tx: txJson,
    events: eventsJson,
  };
}

/** The entry as appended, with its seq; built from the caller's fields only, so stray properties never leak. */
export function withSeq(entry: NewEntry, seq: number): LogEntry {
  const { block, timestamp, txHash, sender, tx, events } = entry;
  return { seq, block, timestamp, txHash, sender, tx, events };
}

export function decodeEntry(row: EntryRow): LogEntry {
  const seq = Number(row.seq);
  try {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new Error("seq out of range");
    const events = fromJson<unknown[]>(row.events);
    if (!Array.isArray(events)) throw new Error("events is not an array");
    return {
      seq,
      block: BigInt(row.block_number),
      timestamp: BigInt(row.block_timestamp),
      txHash: row.tx_hash,
      sender: row.sender,
      tx: fromJson(row.tx),
      events,
    };
  } catch (e) {
    throw new StoreError("CORRUPT_ROW", "log row cannot be decoded", { seq: row.seq, txHash: row.tx_hash }, e);
  }
}
