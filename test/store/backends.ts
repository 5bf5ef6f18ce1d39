/**
 * Test harness for the store contract: each backend hands out an isolated target per test and can inspect or
 * tamper with its tables behind the store's back.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

/** CI must reach this server: an unreachable PostgreSQL fails the suite, it never skips it. */
export const PG_URL = process.env.RESTAKE_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface Target {
  db: string;
  schema?: string;
}

export interface Backend {
  name: "sqlite" | "postgres";
  setup(): Promise<void>;
  /** A new, empty target no other test touches. */
  fresh(): Target;
  teardown(): Promise<void>;
  countSnapshots(t: Target): Promise<number>;
  /** Installs a trigger that, for the entry with txHash "thief-bait", first stores another row at the same seq. */
  installSeqThief(t: Target): Promise<void>;
}

export function sqliteBackend(): Backend {
  let dir = "";
  let n = 0;
  const withDb = <T>(t: Target, fn: (db: Database.Database) => T): T => {
    const db = new Database(t.db);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    name: "sqlite",
    async setup() {
      dir = mkdtempSync(join(tmpdir(), "restake-store-"));
    },
    fresh: () => ({ db: join(dir, `t${++n}.db`) }),
    async teardown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async countSnapshots(t) {
      return withDb(t, (db) => (db.prepare("SELECT count(*) AS n FROM snapshots").get() as { n: number }).n);
    },
    async installSeqThief(t) {
      withDb(t, (db) =>
        db.exec(`CREATE TRIGGER seq_thief BEFORE INSERT ON log_entries WHEN NEW.tx_hash = 'thief-bait' BEGIN
          INSERT INTO log_entries (seq, block_number, block_timestamp, tx_hash, sender, tx, events)
          VALUES (NEW.seq, '0', '0', 'thief', 'thief', 'null', '[]');
        END`),
      );
    },
  };
}

export function postgresBackend(): Backend {
  const run = `restake_test_${randomBytes(6).toString("hex")}`;
  let admin: pg.Client | undefined;
  let n = 0;
  const sql = async (text: string) => {
    if (!admin) throw new Error("postgres backend not set up");
    return admin.query(text);
  };
  return {
    name: "postgres",
    async setup() {
      const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
      await c.connect(); // throws when unreachable: the suite fails
      admin = c;
    },
    // Schemas are created by the store itself; the run prefix lets teardown find every one of them.
    fresh: () => ({ db: PG_URL, schema: `${run}_${++n}` }),
    async teardown() {
      if (!admin) return;
      const res = await admin.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [
        `${run}\\_%`,
      ]);
      for (const { nspname } of res.rows) await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(nspname)} CASCADE`);
      await admin.end();
    },
    async countSnapshots(t) {
      const res = await sql(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(t.schema!)}.snapshots`);
      return (res.rows[0] as { n: number }).n;
    },
    async installSeqThief(t) {
      const s = pg.escapeIdentifier(t.schema!);
      await sql(`
        CREATE FUNCTION ${s}.seq_thief() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.tx_hash = 'thief-bait' THEN
            INSERT INTO ${s}.log_entries VALUES (NEW.seq, 0, 0, 'thief', 'thief', 'null', '[]');
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER seq_thief BEFORE INSERT ON ${s}.log_entries FOR EACH ROW EXECUTE FUNCTION ${s}.seq_thief();
      `);
    },
  };
}
