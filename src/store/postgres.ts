import pg from "pg";
import { decodeEntry, type EncodedEntry, type EntryRow, encodeBatch, withSeq } from "./entry-codec.ts";
import { StoreError } from "./errors.ts";
import { type EventStore, type LogEntry, type NewEntry, SNAPSHOTS_KEPT, type Snapshot } from "./types.ts";
import { checkMetaKey, checkMetaValue, checkRead, checkSnapshot, checkTxHash } from "./validate.ts";

/**
 * PostgreSQL backend (pg Pool). All tables live in one schema (default "public") so tests and several ledgers
 * can share a database. tx/events are `text`, not `jsonb`: jsonb reorders keys, and the exact bytes matter to
 * anyone who re-hashes a stored tx.
 */

export interface PostgresOptions {
  url: string;
  /** Schema holding the tables; created if missing. Default "public". */
  schema?: string;
}

/** Plain identifiers only: the schema name is spliced into SQL, so nothing that needs escaping gets through. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Advisory-lock namespace ("rstk") so concurrent first opens of one schema do not race on CREATE TABLE. */
const INIT_LOCK_CLASS = 0x7273746b;

const ddl = (s: string): string => `
CREATE TABLE IF NOT EXISTS ${s}.log_entries (
  seq             bigint        NOT NULL CHECK (seq >= 1),
  block_number    numeric(78,0) NOT NULL,
  block_timestamp numeric(78,0) NOT NULL,
  tx_hash         text          NOT NULL,
  sender          text          NOT NULL,
  tx              text          NOT NULL,
  events          text          NOT NULL,
  CONSTRAINT log_entries_pkey PRIMARY KEY (seq),
  CONSTRAINT log_entries_tx_hash_key UNIQUE (tx_hash)
);
CREATE TABLE IF NOT EXISTS ${s}.snapshots (
  seq        bigint NOT NULL CHECK (seq >= 0),
  state      text   NOT NULL,
  state_hash text   NOT NULL,
  CONSTRAINT snapshots_pkey PRIMARY KEY (seq)
);
CREATE TABLE IF NOT EXISTS ${s}.meta (
  key   text NOT NULL,
  value text NOT NULL,
  CONSTRAINT meta_pkey PRIMARY KEY (key)
);
`;

// seq stays uncast (pg hands int8 over as a string): aliasing `seq::text AS seq` would make ORDER BY seq sort
// the text alias, putting 10 before 9. numeric is cast to text so no global pg type parser can turn it lossy.
const SELECT_ENTRY = `seq, block_number::text AS block_number, block_timestamp::text AS block_timestamp,
  tx_hash, sender, tx, events`;

export class PostgresStore implements EventStore {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly log: string;
  private readonly snapshots: string;
  private readonly meta: string;
  private closed = false;

  static async open(opts: PostgresOptions): Promise<PostgresStore> {
    const schema = opts.schema ?? "public";
    if (!IDENTIFIER.test(schema)) {
      throw new StoreError("INVALID_ARGUMENT", "schema must be a plain identifier", { schema });
    }
    const pool = new pg.Pool({ connectionString: opts.url, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection emits on the pool; unhandled, that would crash the process. The pool
    // already discards the client, and the next query reports a real failure to its caller.
    pool.on("error", () => {});
    const store = new PostgresStore(pool, schema);
    try {
      await store.init();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return store;
  }

  private constructor(pool: pg.Pool, schema: string) {
    this.pool = pool;
    this.schema = schema;
    const s = pg.escapeIdentifier(schema);
    this.log = `${s}.log_entries`;
    this.snapshots = `${s}.snapshots`;
    this.meta = `${s}.meta`;
  }

  private async init(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1::int4, hashtext($2))", [INIT_LOCK_CLASS, this.schema]);
      // Look before CREATE SCHEMA: even with IF NOT EXISTS it needs CREATE on the database, which a role that
      // only owns tables in "public" may lack.
      const found = await c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [this.schema]);
      if (found.rowCount === 0) await c.query(`CREATE SCHEMA ${pg.escapeIdentifier(this.schema)}`);
      await c.query(ddl(pg.escapeIdentifier(this.schema)));
    });
  }

  async append(entries: NewEntry[]): Promise<LogEntry[]> {
    this.live();
    const rows = encodeBatch(entries);
    if (rows.length === 0) return [];
    const first = await this.transaction(async (c) => {
      // Single writer per log, enforced: this lock conflicts with itself and with INSERT but not with readers, so
      // concurrent appends (other pool clients, other processes) queue here and each sees the previous head.
      // The seq primary key stays as the backstop.
      await c.query(`LOCK TABLE ${this.log} IN SHARE ROW EXCLUSIVE MODE`);
      const first = (await this.headOn(c)) + 1;
      try {
        await insertBatch(c, this.log, rows, first);
      } catch (e) {
        throw mapConstraint(e, first);
      }
      return first;
    });
    return entries.map((e, i) => withSeq(e, first + i));
  }

  async read(fromSeq: number, limit: number): Promise<LogEntry[]> {
    this.live();
    checkRead(fromSeq, limit);
    if (limit === 0) return [];
    const res = await this.pool.query<EntryRow>(
      `SELECT ${SELECT_ENTRY} FROM ${this.log} WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [fromSeq, limit],
    );
    return res.rows.map(decodeEntry);
  }

  async head(): Promise<number> {
    this.live();
    return this.headOn(this.pool);
  }

  async hasTx(txHash: string): Promise<boolean> {
    this.live();
    checkTxHash(txHash);
    const res = await this.pool.query(`SELECT 1 FROM ${this.log} WHERE tx_hash = $1`, [txHash]);
    return res.rowCount !== null && res.rowCount > 0;
  }

  async putSnapshot(s: Snapshot): Promise<void> {
    this.live();
    checkSnapshot(s);
    await this.transaction(async (c) => {
      const head = await this.headOn(c);
      if (s.seq > head)
        throw new StoreError("SNAPSHOT_AHEAD", "snapshot seq is beyond the log head", { seq: s.seq, head });
      // ON CONFLICT DO NOTHING instead of look-then-insert: two concurrent puts at one seq cannot both insert.
      const ins = await c.query(
        `INSERT INTO ${this.snapshots} (seq, state, state_hash) VALUES ($1, $2, $3) ON CONFLICT (seq) DO NOTHING`,
        [s.seq, s.state, s.stateHash],
      );
      if (ins.rowCount === 0) {
        const res = await c.query<{ state_hash: string }>(`SELECT state_hash FROM ${this.snapshots} WHERE seq = $1`, [
          s.seq,
        ]);
        const stored = res.rows[0]?.state_hash;
        if (stored === s.stateHash) return; // idempotent re-put
        throw new StoreError("SNAPSHOT_CONFLICT", "a different snapshot exists at this seq", {
          seq: s.seq,
          stored,
          given: s.stateHash,
        });
      }
      await c.query(
        `DELETE FROM ${this.snapshots} WHERE seq NOT IN (SELECT seq FROM ${this.snapshots} ORDER BY seq DESC LIMIT $1)`,
        [SNAPSHOTS_KEPT],
      );
    });
  }

  async latestSnapshot(): Promise<Snapshot | null> {
    this.live();
    const res = await this.pool.query<{ seq: string | number; state: string; state_hash: string }>(
      `SELECT seq, state, state_hash FROM ${this.snapshots} ORDER BY seq DESC LIMIT 1`,
    );
    const row = res.rows[0];
    return row ? { seq: toSeq(row.seq), state: row.state, stateHash: row.state_hash } : null;
  }

  async getMeta(key: string): Promise<string | null> {
    this.live();
    checkMetaKey(key);
    const res = await this.pool.query<{ value: string }>(`SELECT value FROM ${this.meta} WHERE key = $1`, [key]);
    return res.rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.live();
    checkMetaKey(key);
    checkMetaValue(key, value);
    await this.transaction((c) =>
      c.query(
        `INSERT INTO ${this.meta} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [key, value],
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private live(): void {
    if (this.closed) throw new StoreError("CLOSED", "store is closed", { kind: this.kind, schema: this.schema });
  }

  private async headOn(q: pg.Pool | pg.PoolClient): Promise<number> {
    const res = await q.query<{ head: string }>(`SELECT coalesce(max(seq), 0)::text AS head FROM ${this.log}`);
    return toSeq(res.rows[0]!.head);
  }

  /**
   * Runs `fn` in one transaction on one pooled client. synchronous_commit is forced on so COMMIT returns only
   * after the WAL is flushed, whatever the database default; durability then rests on the server's fsync.
   */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query("BEGIN; SET LOCAL synchronous_commit TO on");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (e) {
      try {
        await c.query("ROLLBACK");
      } catch (rollbackError) {
        // The connection is unusable; destroy it rather than hand a half-open transaction to the next caller.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw e;
    } finally {
      c.release(broken);
    }
  }
}

/** One statement for the whole batch: unnest() zips the column arrays, so batch size is not capped by parameters. */
async function insertBatch(c: pg.PoolClient, table: string, rows: EncodedEntry[], first: number): Promise<void> {
  await c.query(
    `INSERT INTO ${table} (seq, block_number, block_timestamp, tx_hash, sender, tx, events)
     SELECT * FROM unnest($1::int8[], $2::numeric[], $3::numeric[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [
      rows.map((_, i) => first + i),
      rows.map((r) => r.block),
      rows.map((r) => r.timestamp),
      rows.map((r) => r.txHash),
      rows.map((r) => r.sender),
      rows.map((r) => r.tx),
      rows.map((r) => r.events),
    ],
  );
}

function mapConstraint(e: unknown, first: number): unknown {
  if (!(e instanceof pg.DatabaseError) || e.code !== "23505") return e;
  if (e.constraint === "log_entries_pkey") {
    return new StoreError("SEQ_CONFLICT", "seq already taken: more than one writer?", { first, detail: e.detail }, e);
  }
  if (e.constraint === "log_entries_tx_hash_key") {
    // detail reads `Key (tx_hash)=(<hash>) already exists.`; lift the hash out to match the SQLite context.
    const txHash = /^Key \(tx_hash\)=\((.*)\) already exists\.$/s.exec(e.detail ?? "")?.[1];
    return new StoreError("DUPLICATE_TX", "txHash already in the log", { txHash, detail: e.detail }, e);
  }
  return e;
}

function toSeq(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StoreError("CORRUPT_ROW", "seq beyond 2^53", { seq: value });
  return n;
}
