import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../soak/lib.ts";
import { createApp } from "../../src/node/app.ts";
import { configForStore, ledgerOptions } from "../../src/node/config.ts";
import { DEMO_AVSS, seedDemo } from "../../src/node/demo.ts";
import { devKey } from "../../src/node/keys.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { openStore } from "../../src/store/index.ts";

const run = promisify(execFile);
const BIN = join(REPO_ROOT, "bin/restake.mjs");

async function restake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 120_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

const tmp = mkdtempSync(join(tmpdir(), "restake-risk-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TV_DR_3 = {
  validators: [1, 2, 3, 4, 5, 6].map((i) => ({ id: `v${i}`, stake: "1" })),
  services: [
    { id: "S6", profit: "2", threshold: "1", validators: ["v1", "v2", "v3", "v4", "v5", "v6"] },
    { id: "T1", profit: "2", threshold: "1", validators: ["v1", "v2", "v3"] },
    { id: "T2", profit: "2", threshold: "1", validators: ["v4", "v5", "v6"] },
  ],
};

describe("restake risk", () => {
  it("has help for both commands", async () => {
    for (const args of [
      ["risk", "--help"],
      ["risk", "security", "--help"],
      ["risk", "concentration", "--help"],
    ]) {
      const r = await restake(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("Usage: restake risk");
    }
  });

  it("security on a graph file: one JSON object with secure, slack, worstAttack, claim1 and loss", async () => {
    const file = join(tmp, "tv-dr-3.json");
    writeFileSync(file, JSON.stringify(TV_DR_3));
    const r = await restake(["risk", "security", file, "--psi", "1/6", "--gamma", "1/10", "--json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const rep = JSON.parse(lines[0]!);
    expect(rep).toMatchObject({
      secure: true,
      slack: "0",
      worstAttack: { services: ["S6", "T1", "T2"], profit: "6", cost: "6" },
      claim1: { holds: true, violators: [] },
      corollary2: { gamma: "1/10", holds: false },
      loss: { psi: "1/6", value: "1", exact: true, cascade: { matchesOneShot: true } },
    });
    const human = await restake(["risk", "security", file, "--psi", "1/6"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/secure\s+yes/);
    expect(human.stdout).toMatch(/loss R_ψ\s+ψ = 0.166667: 1/);
  });

  it("bad input exits 2 with the path and the reason", async () => {
    const file = join(tmp, "bad.json");
    writeFileSync(file, JSON.stringify({ ...TV_DR_3, services: [{ ...TV_DR_3.services[0], threshold: "2" }] }));
    const r = await restake(["risk", "security", file, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: $.services[0].threshold: threshold must be in (0, 1], got 2");
    expect((await restake(["risk", "security", join(tmp, "missing.json")])).code).toBe(2);
    expect((await restake(["risk", "security", file, "--state"])).stderr).toContain("not both");
    expect((await restake(["risk", "security"])).code).toBe(2);
    const psi = await restake(["risk", "security", join(tmp, "tv-dr-3.json"), "--psi", "2"]);
    expect(psi.code).toBe(2);
    expect(psi.stderr).toContain("--psi must be in [0, 1]");
  });
});

describe("restake risk on the demo network (--state --db and --node)", () => {
  const db = join(tmp, "demo.db");
  const paramsFile = join(tmp, "params.json");
  let url = "";
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const store = await openStore({ db });
    const config = await configForStore(store, { demo: true, manualClock: true }, { persist: true });
    const ledger = await Ledger.open(ledgerOptions(config, store));
    await seedDemo(ledger);
    const services = Object.fromEntries(
      DEMO_AVSS.map((a) => [devKey(a.key).address.toLowerCase(), { profit: "500e18", threshold: "2/3" }]),
    );
    writeFileSync(paramsFile, JSON.stringify({ services }));
    const app = createApp(ledger, { rateLimit: false, logError: () => {} });
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ledger.idle();
      await store.close();
    };
  });
  afterAll(async () => {
    await close();
  });

  it("security: the same report from the store and from the node", async () => {
    const viaDb = await restake([
      "risk",
      "security",
      "--state",
      "--db",
      db,
      "--params",
      paramsFile,
      "--psi",
      "1/100",
      "--json",
    ]);
    expect(viaDb.code, viaDb.stderr).toBe(0);
    const a = JSON.parse(viaDb.stdout);
    expect(a.model).toBe("unique");
    expect(a.services).toBeGreaterThanOrEqual(5);
    expect(typeof a.secure).toBe("boolean");
    expect(a.loss.psi).toBe("1/100");
    const viaNode = await restake([
      "risk",
      "security",
      "--node",
      url,
      "--params",
      paramsFile,
      "--psi",
      "1/100",
      "--json",
    ]);
    expect(viaNode.code, viaNode.stderr).toBe(0);
    const b = JSON.parse(viaNode.stdout);
    const { timeMs: _a, ...ra } = a;
    const { timeMs: _b, ...rb } = b;
    expect(rb).toEqual(ra);
    const pooled = await restake([
      "risk",
      "security",
      "--node",
      url,
      "--params",
      paramsFile,
      "--model",
      "dr",
      "--json",
    ]);
    expect(JSON.parse(pooled.stdout).model).toBe("dr");
  });

  it("without --params every operator set is left out, and the note says so", async () => {
    const r = await restake(["risk", "security", "--state", "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no --params file");
  });

  it("concentration from the store and from the node, with an entity map", async () => {
    const entities = join(tmp, "entities.json");
    writeFileSync(entities, JSON.stringify({}));
    const viaDb = await restake(["risk", "concentration", "--db", db, "--json"]);
    expect(viaDb.code, viaDb.stderr).toBe(0);
    const a = JSON.parse(viaDb.stdout);
    expect(Object.keys(a.perAvs).length).toBeGreaterThanOrEqual(5);
    expect(a.slashable.n).toBeGreaterThan(3);
    const viaNode = await restake(["risk", "concentration", "--node", url, "--entities", entities, "--json"]);
    expect(JSON.parse(viaNode.stdout)).toEqual(a);
    const human = await restake(["risk", "concentration", "--node", url]);
    expect(human.stdout).toContain("slashable (distinct, all AVSs)");
    const unreachable = await restake(["risk", "concentration", "--node", "http://127.0.0.1:1"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("cannot reach");
  });
});
