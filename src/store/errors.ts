/**
 * Typed store errors. Callers branch on `code`; `context` carries the values needed to diagnose without
 * re-reading the database.
 */
export type StoreErrorCode =
  /** An entry cannot be stored faithfully (wrong type, bigint out of range, not serializable); nothing was written. */
  | "INVALID_ENTRY"
  /** A read/snapshot/meta argument is malformed. */
  | "INVALID_ARGUMENT"
  /** The batch repeats a txHash, within itself or already in the log; nothing was written. */
  | "DUPLICATE_TX"
  /** Two writers assigned the same seq: the single-writer assumption was broken; nothing was written. */
  | "SEQ_CONFLICT"
  /** A snapshot at this seq already exists with a different state hash (non-deterministic state?). */
  | "SNAPSHOT_CONFLICT"
  /** A snapshot claims a seq the log has not reached yet. */
  | "SNAPSHOT_AHEAD"
  /** A stored row cannot be decoded. */
  | "CORRUPT_ROW"
  /** The db target names no supported backend. */
  | "UNSUPPORTED_DB"
  /** The store was used after close(). */
  | "CLOSED";

export class StoreError extends Error {
  override readonly name = "StoreError";
  readonly code: StoreErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: StoreErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown) {
    super(`${code}: ${message}`, cause === undefined ? undefined : { cause });
    this.code = code;
    this.context = context;
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
