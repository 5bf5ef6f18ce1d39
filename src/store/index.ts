/**
 * Persistence for the ledger: an append-only log of accepted transactions plus periodic state snapshots and a
 * small key/value table for node config, behind one `EventStore` interface with SQLite and PostgreSQL backends.
 *
 * Schema (same tables and columns in both; PostgreSQL puts them in the `schema` option, default "public"):
 *
 *   log_entries  seq              PK, 1, 2, 3 … with no gaps; assigned by the store as head + 1
 *                block_number     PG numeric(78,0) / SQLite TEXT decimal; bigint, |x| < 10^78
 *                block_timestamp  same as block_number
 *                tx_hash          UNIQUE: an accepted tx is logged once (replay protection backstop)
 *                sender           text
 *                tx, events       text holding codec.toJson output (exact bigints); text, not jsonb, to keep bytes
 *   snapshots    seq PK (0 = genesis, never beyond the log head), state, state_hash; the last 3 by seq are kept
 *   meta         key PK, value
 *
 * Writes: one transaction per append() call, committed before it resolves (SQLite WAL + synchronous=FULL;
 * PostgreSQL with synchronous_commit=on). Seq assignment assumes a single logical writer but stays correct if
 * that is broken: SQLite takes the write lock before reading head (BEGIN IMMEDIATE), PostgreSQL locks the log
 * table against other appenders, and the seq primary key turns any slip into a loud SEQ_CONFLICT.
 */
import { PostgresStore } from "./postgres.ts";
import { SqliteStore } from "./sqlite.ts";
import { resolveDbTarget } from "./target.ts";
import type { EventStore } from "./types.ts";

export { isStoreError, StoreError, type StoreErrorCode } from "./errors.ts";
export { PostgresStore } from "./postgres.ts";
export { SqliteStore } from "./sqlite.ts";
export { type DbTarget, DEFAULT_SQLITE_PATH, resolveDbTarget } from "./target.ts";
export {
  type EventStore,
  type LogEntry,
  type NewEntry,
  SNAPSHOTS_KEPT,
  type Snapshot,
  type StoreKind,
} from "./types.ts";

export interface OpenStoreOptions {
  /** A SQLite file path or a postgres:// / postgresql:// URL; default DATABASE_URL, then ./restake.db. */
  db?: string;
  /** PostgreSQL schema for the tables (ignored for SQLite). Default "public". */
  schema?: string;
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<EventStore> {
  const { kind, target } = resolveDbTarget(opts.db);
  if (kind === "postgres") {
    return PostgresStore.open({ url: target, schema: opts.schema });
  }
  return SqliteStore.open(target);
}
