import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_SQLITE_PATH, isStoreError, openStore, resolveDbTarget } from "../../src/store/index.ts";
import { PG_URL } from "./backends.ts";

describe("resolveDbTarget", () => {
  const noEnv = {};

  it("treats an explicit path as SQLite", () => {
    expect(resolveDbTarget("/var/lib/restake/ledger.db", noEnv)).toEqual({
      kind: "sqlite",
      target: "/var/lib/restake/ledger.db",
    });
    expect(resolveDbTarget("data/x.db", noEnv)).toEqual({ kind: "sqlite", target: "data/x.db" });
    expect(resolveDbTarget(":memory:", noEnv)).toEqual({ kind: "sqlite", target: ":memory:" });
    expect(resolveDbTarget("C:\\restake\\x.db", noEnv)).toEqual({ kind: "sqlite", target: "C:\\restake\\x.db" });
  });

  it("treats postgres:// and postgresql:// URLs as PostgreSQL", () => {
    for (const url of ["postgres://u:p@h:5432/db", "postgresql://h/db?sslmode=require", "POSTGRESQL://h/db"]) {
      expect(resolveDbTarget(url, noEnv)).toEqual({ kind: "postgres", target: url });
    }
  });

  it("prefers the explicit db over DATABASE_URL", () => {
    expect(resolveDbTarget("./a.db", { DATABASE_URL: "postgres://h/db" })).toEqual({
      kind: "sqlite",
      target: "./a.db",
    });
  });

  it("falls back to DATABASE_URL, then ./restake.db", () => {
    expect(resolveDbTarget(undefined, { DATABASE_URL: "postgres://h/db" })).toEqual({
      kind: "postgres",
      target: "postgres://h/db",
    });
    expect(resolveDbTarget(undefined, { DATABASE_URL: "/tmp/env.db" })).toEqual({
      kind: "sqlite",
      target: "/tmp/env.db",
    });
    expect(resolveDbTarget(undefined, noEnv)).toEqual({ kind: "sqlite", target: DEFAULT_SQLITE_PATH });
    expect(DEFAULT_SQLITE_PATH).toBe("./restake.db");
  });

  it("treats empty or blank values as unset", () => {
    expect(resolveDbTarget("", { DATABASE_URL: "postgres://h/db" }).kind).toBe("postgres");
    expect(resolveDbTarget("  ", { DATABASE_URL: "" })).toEqual({ kind: "sqlite", target: DEFAULT_SQLITE_PATH });
  });

  it("rejects other URL schemes without echoing credentials", () => {
    for (const [db, env] of [
      ["mysql://root:hunter2@h/db", noEnv],
      [undefined, { DATABASE_URL: "redis://:hunter2@h" }],
    ] as const) {
      let err: unknown;
      try {
        resolveDbTarget(db, env);
      } catch (e) {
        err = e;
      }
      expect(isStoreError(err, "UNSUPPORTED_DB")).toBe(true);
      expect(String((err as Error).message)).not.toContain("hunter2");
    }
  });

  it("reads process.env by default", () => {
    vi.stubEnv("DATABASE_URL", "postgresql://from-env/db");
    expect(resolveDbTarget()).toEqual({ kind: "postgres", target: "postgresql://from-env/db" });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });
});

describe("openStore", () => {
  const dir = mkdtempSync(join(tmpdir(), "restake-open-"));
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens SQLite from DATABASE_URL, creating missing directories", async () => {
    const file = join(dir, "nested", "env.db");
    vi.stubEnv("DATABASE_URL", file);
    const store = await openStore({});
    expect(store.kind).toBe("sqlite");
    await store.close();
    expect(existsSync(file)).toBe(true);
  });

  it("opens PostgreSQL for a postgres URL, in the requested schema", async () => {
    const schema = `restake_open_${process.pid}_${Date.now()}`;
    const store = await openStore({ db: PG_URL, schema });
    try {
      expect(store.kind).toBe("postgres");
      await store.setMeta("k", "v");
    } finally {
      await store.close();
      const c = new pg.Client(PG_URL);
      await c.connect();
      const res = await c.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
      await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await c.end();
      expect(res.rowCount).toBe(1);
    }
  });

  it("refuses a schema name that would need quoting", async () => {
    await expect(openStore({ db: PG_URL, schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
