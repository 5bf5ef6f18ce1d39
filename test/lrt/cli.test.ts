import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** `restake lrt list|show` on the in-memory demo world. */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");

async function restake(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(ROOT, "bin/restake.mjs"), ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

describe("restake lrt", () => {
  it("lists the five presets with their rate, NAV and bridged-supply check", async () => {
    const r = await restake(["lrt", "list", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      source: string;
      lrts: { id: string; protocol: string; supplyInvariantHolds: boolean }[];
    };
    expect(doc.source).toContain("demo");
    expect(doc.lrts.map((l) => l.id)).toEqual(["eeth", "ezeth", "pufeth", "rseth", "rsweth"]);
    expect(doc.lrts.every((l) => l.supplyInvariantHolds)).toBe(true);
    const text = await restake(["lrt", "list"]);
    expect(text.stdout).toMatch(/eeth\s+etherfi\s+eETH\/weETH/);
  });

  it("shows one LRT in detail, and rejects an unknown id", async () => {
    const r = await restake(["lrt", "show", "rseth", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      nav: { nav: string; totalAssets: string; totalLiabilities: string };
      supplyByChain: { holds: boolean };
    };
    expect(BigInt(doc.nav.nav)).toBe(BigInt(doc.nav.totalAssets) - BigInt(doc.nav.totalLiabilities));
    expect(doc.supplyByChain.holds).toBe(true);
    const bad = await restake(["lrt", "show", "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("UnknownLrt");
    const help = await restake(["lrt", "--help"]);
    expect(help.stdout).toContain("in memory");
  });
});
