import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { decodeEntry, type EncodedEntry, type EntryRow, encodeBatch, withSeq } from "./entry-codec.ts";
import { StoreError } from "./errors.ts";
import { type EventStore, type LogEntry, type NewEntry, SNAPSHOTS_KEPT, type Snapshot } from "./types.ts";
import { checkMetaKey, checkMetaValue, checkRead, checkSnapshot, checkTxHash } from "./validate.ts";

/**
 * SQLite backend (better-sqlite3). Calls are synchronous underneath, so an append blocks the event loop for its
 * fsync; the async surface only matches the PostgreSQL backend.
 */

// STRICT tables make SQLite reject a value of the wrong type instead of silently coercing it.
const DDL = `
CREATE TABLE IF NOT EXISTS log_entries (
  seq             INTEGER PRIMARY KEY CHECK (seq >= 1),
  block_number    TEXT NOT NULL,
  block_timestamp TEXT NOT NULL,
  tx_hash         TEXT NOT NULL UNIQUE,
  sender          TEXT NOT NULL,
  tx              TEXT NOT NULL,
  events          TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS snapshots (
  seq        INTEGER PRIMARY KEY CHECK (seq >= 0),
  state      TEXT NOT NULL,
  state_hash TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;

const ENTRY_COLUMNS = "seq, block_number, block_timestamp, tx_hash, sender, tx, events";

export class SqliteStore implements EventStore {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;
  private closed = false;
  private readonly stmt: Statements;
  private readonly appendTx: Database.Transaction<(rows: EncodedEntry[]) => number>;
  private readonly snapshotTx: Database.Transaction<(s: Snapshot) => void>;

  static open(path: string): SqliteStore {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma("journal_mode = WAL");
      // FULL fsyncs the WAL on every commit: an append that resolved survives power loss, not just a crash.
      db.pragma("synchronous = FULL");
      // Another process holding the write lock makes us wait instead of failing with SQLITE_BUSY at once.
      db.pragma("busy_timeout = 5000");
      db.exec(DDL);
      return new SqliteStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private constructor(db: Database.Database) {
    this.db = db;
    this.stmt = prepareStatements(db);

    // One transaction per call: the batch commits (and fsyncs) once, or not at all. Run with .immediate() so the
    // write lock is taken before head is read, making seq assignment race-free even across processes.
    this.appendTx = db.transaction((rows: EncodedEntry[]): number => {
      const first = this.stmt.head.get()!.head + 1;
      rows.forEach((r, i) => {
        try {
          this.stmt.insert.run(first + i, r.block, r.timestamp, r.txHash, r.sender, r.tx, r.events);
        } catch (e) {
          throw mapConstraint(e, first + i, r.txHash);
        }
      });
      return first;
    });

    this.snapshotTx = db.transaction((s: Snapshot): void => {
      const head = this.stmt.head.get()!.head;
      if (s.seq > head)
        throw new StoreError("SNAPSHOT_AHEAD", "snapshot seq is beyond the log head", { seq: s.seq, head });
      const existing = this.stmt.snapshotHash.get(s.seq);
      if (existing) {
        if (existing.state_hash === s.stateHash) return; // idempotent re-put
        throw new StoreError("SNAPSHOT_CONFLICT", "a different snapshot exists at this seq", {
          seq: s.seq,
          stored: existing.state_hash,
          given: s.stateHash,
        });
      }
      this.stmt.insertSnapshot.run(s.seq, s.state, s.stateHash);
      this.stmt.prune.run(SNAPSHOTS_KEPT);
    });
  }

  async append(entries: NewEntry[]): Promise<LogEntry[]> {
    this.live();
    const rows = encodeBatch(entries);
    if (rows.length === 0) return [];
    const first = this.appendTx.immediate(rows);
    return entries.map((e, i) => withSeq(e, first + i));
  }

  async read(fromSeq: number, limit: number): Promise<LogEntry[]> {
    this.live();
    checkRead(fromSeq, limit);
    if (limit === 0) return [];
    return this.stmt.read.all(fromSeq, limit).map(decodeEntry);
  }

  async head(): Promise<number> {
    this.live();
    return this.stmt.head.get()!.head;
  }

  async hasTx(txHash: string): Promise<boolean> {
    this.live();
    checkTxHash(txHash);
    return this.stmt.hasTx.get(txHash) !== undefined;
  }

  async putSnapshot(s: Snapshot): Promise<void> {
    this.live();
    checkSnapshot(s);
    this.snapshotTx.immediate(s);
  }

  async latestSnapshot(): Promise<Snapshot | null> {
    this.live();
    const row = this.stmt.latestSnapshot.get();
    return row ? { seq: row.seq, state: row.state, stateHash: row.state_hash } : null;
  }

  async getMeta(key: string): Promise<string | null> {
    this.live();
    checkMetaKey(key);
    return this.stmt.getMeta.get(key)?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.live();
    checkMetaKey(key);
    checkMetaValue(key, value);
    this.stmt.setMeta.run(key, value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private live(): void {
    if (this.closed) throw new StoreError("CLOSED", "store is closed", { kind: this.kind });
  }
}

function prepareStatements(db: Database.Database) {
  return {
    head: db.prepare<[], { head: number }>("SELECT coalesce(max(seq), 0) AS head FROM log_entries"),
    insert: db.prepare<[number, string, string, string, string, string, string]>(
      `INSERT INTO log_entries (${ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    read: db.prepare<[number, number], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entries WHERE seq >= ? ORDER BY seq LIMIT ?`,
    ),
    hasTx: db.prepare<[string], { one: number }>("SELECT 1 AS one FROM log_entries WHERE tx_hash = ?"),
    snapshotHash: db.prepare<[number], { state_hash: string }>("SELECT state_hash FROM snapshots WHERE seq = ?"),
    insertSnapshot: db.prepare<[number, string, string]>(
      "INSERT INTO snapshots (seq, state, state_hash) VALUES (?, ?, ?)",
    ),
    prune: db.prepare<[number]>(
      "DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)",
    ),
    latestSnapshot: db.prepare<[], { seq: number; state: string; state_hash: string }>(
      "SELECT seq, state, state_hash FROM snapshots ORDER BY seq DESC LIMIT 1",
    ),
    getMeta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
    setMeta: db.prepare<[string, string]>(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

function mapConstraint(e: unknown, seq: number, txHash: string): unknown {
  if (!(e instanceof Database.SqliteError)) return e;
  if (e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new StoreError("SEQ_CONFLICT", "seq already taken: more than one writer?", { seq }, e);
  }
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE") {
    return new StoreError("DUPLICATE_TX", "txHash already in the log", { txHash, seq }, e);
  }
  return e;
}
