import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runSoak, type SoakReport } from "../../soak/lib.ts";

/**
 * The fast version of `npm run soak`: a real node process (SQLite, and PostgreSQL when a server is reachable) under
 * signed-transaction load, SIGKILLed at seeded random moments and restarted. Nothing it acknowledged may be lost,
 * nothing may be applied twice, and `restake verify` must pass afterwards.
 */

const PG_URL = process.env.RESTAKE_TEST_PG ?? "postgresql://postgres@127.0.0.1:5432/test";

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function expectSound(r: SoakReport, kills: number): void {
  expect(r.kills).toBe(kills);
  expect(r.acknowledged).toBeGreaterThan(30);
  expect(r.lost).toBe(0);
  expect(r.nonceRegressions).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.gaps).toBe(0);
  expect(r.rejected).toEqual({});
  expect(r.logEntries).toBeGreaterThanOrEqual(r.acknowledged);
  expect(r.cleanShutdown).toBe(true);
  expect(r.verify.ok).toBe(true);
  expect(r.verify.seq).toBe(r.logEntries);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("crash recovery under load", () => {
  it("SQLite: 3 SIGKILLs (one during startup), nothing acknowledged lost or applied twice, verify passes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "restake-crash-"));
    dirs.push(dir);
    const r = await runSoak({
      kills: 3,
      seed: 424242,
      db: join(dir, "crash.db"),
      senders: 4,
      upMs: [300, 1000],
      startupKillShare: 0.5,
      snapshotEvery: 50,
    });
    expectSound(r, 3);
    // the seed puts one extra kill in the middle of a restart (store open, tail replay, listen)
    expect(r.startupKills).toBe(1);
  }, 90_000);

  it("PostgreSQL: 2 SIGKILLs on a fresh schema", async (ctx) => {
    if (!(await pgReachable())) ctx.skip();
    const schema = `crash_${Date.now().toString(36)}_${process.pid}`;
    try {
      const r = await runSoak({
        kills: 2,
        seed: 77,
        db: PG_URL,
        pgSchema: schema,
        senders: 4,
        upMs: [300, 900],
        startupKillShare: 0,
        snapshotEvery: 50,
      });
      expectSound(r, 2);
    } finally {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
    }
  }, 90_000);
});
