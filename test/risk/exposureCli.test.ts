import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/node/app.ts";
import type { Ledger } from "../../src/node/ledger.ts";
import { addr, keys, openLedger, seedSmall, TOKEN, tempDb } from "../node/ledgerHarness.ts";

/** `restake risk stack` and `restake risk checklist`: on the in-memory demo world, and against a node with --node. */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

async function restake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(ROOT, "bin/restake.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 120_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("restake risk stack|checklist on the demo world", () => {
  it("says in --help that it runs on the in-memory demo world unless --node is given", async () => {
    for (const cmd of ["stack", "checklist"]) {
      const r = await restake(["risk", cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: restake risk ${cmd}`);
      expect(r.stdout).toMatch(/in-memory demo world/);
      expect(r.stdout).toContain("--node <url>");
    }
  });

  it("stack: the account that holds every layer, as JSON and as text", async () => {
    const r = await restake(["risk", "stack", "lender", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toBe("demo world (in memory)");
    expect(doc.positions.map((p: { layer: string }) => p.layer)).toEqual(
      expect.arrayContaining(["lending", "bridge", "lrt", "lst", "eth", "wallet"]),
    );
    expect(BigInt(doc.totals.allAtOnceLossEth)).toBeGreaterThan(BigInt(doc.totals.worstEventLossEth));
    const text = await restake(["risk", "stack", "lender", "--events", "1"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\[bridge\] weETH on arbitrum, bridged lockAndMint/);
    expect(text.stdout).toMatch(/slashes operator .* by its maximum, this account loses \d+\.\d{6} ETH/);
    expect(text.stdout).toMatch(/risk layers, in order:\n\s+1\. consensus/);
    expect(text.stdout).toMatch(/Kelp withdrawal queue — 8\.0 days/);
    expect(text.stdout).toMatch(/… 1 more/);
  });

  it("checklist: nine items with severities, as text and JSON", async () => {
    const r = await restake(["risk", "checklist", "eeth"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^checklist of eeth \(etherfi, eETH\)/);
    expect(r.stdout.match(/^\[(INFO|LOW|MEDIUM|HIGH|CRITICAL)\] /gm)).toHaveLength(9);
    const j = await restake(["risk", "checklist", "rseth", "--json"]);
    const doc = JSON.parse(j.stdout);
    expect(doc.items.map((i: { key: string }) => i.key)).toContain("leverage");
    expect(doc.thresholds.avs.singleAvsHighBps).toBe("5000");
  });

  it("rejects an unknown account or LRT with exit code 2", async () => {
    const a = await restake(["risk", "stack", "nobody"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown account "nobody"/);
    const b = await restake(["risk", "checklist", "zzz"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/no LRT "zzz"/);
    const c = await restake(["risk", "stack", "lender", "--assets", "{not json"]);
    expect(c.code).toBe(2);
  });
});

describe("restake risk stack|checklist --node", () => {
  let ledger: Ledger;
  let db: string;
  let url: string;
  let close: () => void;

  beforeAll(async () => {
    db = tempDb();
    ledger = await openLedger(db);
    await seedSmall(ledger);
    const app = createApp(ledger, { rateLimit: false, logError: () => {} });
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
        url = `http://127.0.0.1:${info.port}`;
        resolve();
      });
      close = () => server.close();
    });
  });
  afterAll(async () => {
    close();
    await ledger.idle();
    await ledger.store.close();
    rmSync(dirname(db), { recursive: true, force: true });
  });

  it("reads the node's world through its API, with prices", async () => {
    const r = await restake([
      "risk",
      "stack",
      addr(keys.staker),
      "--node",
      url,
      "--prices",
      JSON.stringify({ [TOKEN]: "1000000000000000000" }),
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toBe(`node ${url}`);
    expect(doc.events[0].lossEth).toBe("50000000000000000000");
    const text = await restake(["risk", "stack", addr(keys.staker), "--node", url]);
    expect(text.stdout).toMatch(/no ETH price/);
  });

  it("asks for an address, and passes the node's 404 on", async () => {
    const a = await restake(["risk", "stack", "lender", "--node", url]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/must be an address/);
    const b = await restake(["risk", "checklist", "eeth", "--node", url]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/404: UnknownLrt/);
  });
});
