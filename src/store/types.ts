/** The persistence contract shared by every backend. */

/** One accepted transaction in the append-only log. */
export interface LogEntry {
  /** Position in the log: consecutive, starting at 1, assigned by the store. */
  seq: number;
  block: bigint;
  timestamp: bigint;
  txHash: string;
  sender: string;
  tx: unknown;
  events: unknown[];
}

export type NewEntry = Omit<LogEntry, "seq">;

/** Serialized engine state after applying every entry up to and including `seq` (0 = genesis). */
export interface Snapshot {
  seq: number;
  state: string;
  stateHash: string;
}

export type StoreKind = "sqlite" | "postgres";

export interface EventStore {
  readonly kind: StoreKind;
  /** Appends atomically and durably (committed, fsync'd per backend settings) before resolving; assigns consecutive seq starting at 1. */
  append(entries: NewEntry[]): Promise<LogEntry[]>;
  /** Entries with seq >= fromSeq, ascending, at most `limit`. */
  read(fromSeq: number, limit: number): Promise<LogEntry[]>;
  /** Last seq, 0 if empty. */
  head(): Promise<number>;
  /** Replay protection support: whether an entry with this hash was ever appended. */
  hasTx(txHash: string): Promise<boolean>;
  putSnapshot(s: Snapshot): Promise<void>;
  latestSnapshot(): Promise<Snapshot | null>;
  /** Node config such as the chain id or deployment salt. */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** Snapshots surviving pruning: the latest is all recovery needs; two older ones guard against a bad latest. */
export const SNAPSHOTS_KEPT = 3;
