import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE_ACCOUNTS as X } from "../../src/markets/example.ts";

/** `restake market …` end to end, through the real binary. */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/restake.mjs");
const tmp = mkdtempSync(join(tmpdir(), "restake-market-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function restake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, "market", ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("restake market", () => {
  it("--help says it works on a JSON state or the built-in example", async () => {
    const r = await restake(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--state <file>");
    expect(r.stdout).toContain("built-in");
    for (const sub of ["pools", "pool-quote", "markets", "position", "liquidations", "liquidate", "example"]) {
      expect(r.stdout).toContain(sub);
    }
  });

  it("pools, pool-quote and position on the example", async () => {
    const pools = JSON.parse((await restake(["pools", "--json"])).stdout) as { id: string }[];
    expect(pools.map((p) => p.id)).toEqual(["WETH-USDC", "ezETH-WETH", "weETH-WETH"]);
    const quote = await restake(["pool-quote", "ezETH-WETH", "ezETH", "WETH", "500"]);
    expect(quote.code).toBe(0);
    expect(quote.stdout).toMatch(/500 ezETH → [\d.]+ WETH in ezETH-WETH/);
    expect(quote.stdout).toContain("price impact");
    const pos = JSON.parse((await restake(["position", "alice", "--json"])).stdout) as {
      account: string;
      aave: { eMode: number; healthFactor: string; leverage: string };
    };
    expect(pos.account).toBe(X.alice);
    expect(pos.aave.eMode).toBe(1);
    expect(BigInt(pos.aave.healthFactor) > 10n ** 18n).toBe(true);
    const human = await restake(["position", "bob"]);
    expect(human.stdout).toContain("Morpho ezETH-WETH-86");
    expect(human.stdout).toMatch(/liquidation at [\d.]+ \(now [\d.]+, [\d.]+% away\)/);
  });

  it("a scenario on top of the example: a whale dumps ezETH, the liquidator runs, the history shows it", async () => {
    const whale = "0x7700000000000000000000000000000000000001";
    const scenario = {
      format: "restake-market-scenario/v1",
      extends: "example",
      steps: [
        {
          caller: "admin",
          timestamp: 1_713_920_000,
          command: { type: "mint", asset: "ezETH", to: whale, amount: "3500e18" },
        },
        {
          caller: whale,
          timestamp: 1_713_920_000,
          command: {
            type: "swap",
            pool: "ezETH-WETH",
            assetIn: "ezETH",
            assetOut: "WETH",
            amountIn: "3500e18",
            minAmountOut: 0,
          },
        },
      ],
    };
    const file = join(tmp, "depeg.json");
    writeFileSync(file, JSON.stringify(scenario));
    const out = join(tmp, "after.json");
    const liq = await restake(["liquidate", "--flash", "--state", file, "--out", out, "--json"]);
    expect(liq.code, liq.stderr).toBe(0);
    const result = JSON.parse(liq.stdout) as { executed: unknown[] };
    expect(result.executed.length).toBeGreaterThan(0);
    const hist = await restake(["liquidations", "--state", out]);
    expect(hist.stdout).toContain("morpho/ezETH-WETH-86");
    expect(hist.stdout).toContain("socialised to suppliers");
  });

  it("`example` prints a scenario that reproduces the built-in state", async () => {
    const text = (await restake(["example"])).stdout;
    const file = join(tmp, "example.json");
    writeFileSync(file, text);
    const a = (await restake(["position", "bob", "--json"])).stdout;
    const b = (await restake(["position", "bob", "--json", "--state", file])).stdout;
    expect(b).toBe(a);
  });

  it("bad input exits non-zero with the error code", async () => {
    const r = await restake(["pool-quote", "nope", "ezETH", "WETH", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("UnknownPool");
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, "{}");
    const r2 = await restake(["pools", "--state", bad]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("cannot load the state");
  });
});
