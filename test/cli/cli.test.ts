import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, REPO_ROOT } from "../../soak/lib.ts";
import { DEFAULTS } from "../../src/cli/defaults.ts";
import {
  configForStore,
  DEFAULT_BLOCK_TIME_SECONDS,
  DEFAULT_CHAIN_ID,
  DEFAULT_DEPLOYMENT,
  DEFAULT_PORT,
  DEFAULT_SNAPSHOT_EVERY,
  ledgerOptions,
} from "../../src/node/config.ts";
import { seedDemo } from "../../src/node/demo.ts";
import { DEFAULT_RATE_LIMIT } from "../../src/node/http/rateLimit.ts";
import { DEFAULT_KEY_DIR, devKey } from "../../src/node/keys.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { signTx } from "../../src/node/tx.ts";
import { openStore } from "../../src/store/index.ts";

const run = promisify(execFile);
const BIN = join(REPO_ROOT, "bin/restake.mjs");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function restake(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: "", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

const tmp = mkdtempSync(join(tmpdir(), "restake-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("restake --help", () => {
  const commands = [
    [],
    ["serve"],
    ["tx"],
    ["keys"],
    ["keys", "new"],
    ["keys", "list"],
    ["replay"],
    ["verify"],
    ["snapshot"],
    ["conformance"],
  ];
  it.concurrent.each(commands.map((c) => [c.join(" ") || "(root)", c] as const))("%s --help", async (_label, cmd) => {
    const r = await restake([...cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: restake/);
    if (cmd.length === 0) {
      for (const name of ["serve", "tx", "keys", "replay", "verify", "snapshot", "conformance"])
        expect(r.stdout).toContain(name);
    }
  });
});

describe("help defaults", () => {
  it("agree with the node's", () => {
    expect(DEFAULTS.port).toBe(DEFAULT_PORT);
    expect(DEFAULTS.chainId).toBe(DEFAULT_CHAIN_ID.toString());
    expect(DEFAULTS.deployment).toBe(DEFAULT_DEPLOYMENT);
    expect(DEFAULTS.blockTimeSeconds).toBe(DEFAULT_BLOCK_TIME_SECONDS.toString());
    expect(DEFAULTS.snapshotEvery).toBe(String(DEFAULT_SNAPSHOT_EVERY));
    expect(DEFAULTS.rateLimit).toBe(String(DEFAULT_RATE_LIMIT.max));
    expect(DEFAULT_RATE_LIMIT.windowMs).toBe(60_000);
    expect(DEFAULTS.keyDir).toBe(DEFAULT_KEY_DIR);
    expect(DEFAULTS.node).toBe(`http://${DEFAULTS.host}:${DEFAULT_PORT}`);
  });
});

describe("restake keys", () => {
  it("new and list round-trip in a keystore directory; no overwrite; files are private", async () => {
    const dir = join(tmp, "keys");
    const created = await restake(["keys", "new", "alice", "--keys-dir", dir, "--json"]);
    expect(created.code).toBe(0);
    const alice = JSON.parse(created.stdout) as { name: string; address: string; path: string };
    expect(alice.address).toMatch(/^0x[0-9a-f]{40}$/);
    const file = JSON.parse(readFileSync(alice.path, "utf8")) as { name: string; address: string; privateKey: string };
    expect(file).toMatchObject({ name: "alice", address: alice.address });
    expect(file.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(statSync(alice.path).mode & 0o077).toBe(0);

    expect((await restake(["keys", "new", "bob", "--keys-dir", dir])).code).toBe(0);
    const again = await restake(["keys", "new", "alice", "--keys-dir", dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect((await restake(["keys", "new", "../evil", "--keys-dir", dir])).code).toBe(1);

    const list = await restake(["keys", "list", "--json"], { RESTAKE_KEYS_DIR: dir });
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { keys: { name: string; address: string }[] };
    expect(listed.keys.map((k) => k.name)).toEqual(["alice", "bob"]);
    expect(listed.keys[0]!.address).toBe(alice.address);

    const dev = await restake(["keys", "list", "--dev", "--keys-dir", dir]);
    expect(dev.stdout).toContain(`dev:admin`);
    expect(dev.stdout).toContain(devKey("admin").address);
    expect(dev.stdout).toMatch(/PUBLIC/);
  });
});

describe("demo database: replay, verify, snapshot", () => {
  const db = join(tmp, "demo.db");
  let hash = "";
  let seq = 0;

  beforeAll(async () => {
    const store = await openStore({ db });
    const config = await configForStore(
      store,
      { demo: true, manualClock: true, snapshotEvery: 100 },
      { persist: true },
    );
    const ledger = await Ledger.open(ledgerOptions(config, store));
    const summary = await seedDemo(ledger);
    expect(summary.operators).toBeGreaterThan(5);
    expect(summary.avss).toBeGreaterThanOrEqual(5);
    expect(summary.slashes).toBe(1);
    hash = ledger.hash();
    seq = ledger.seq;
    await store.close();
  });

  it("the demo network has a slash in its history and verify passes", async () => {
    const store = await openStore({ db });
    const log = await store.read(1, 100_000);
    expect(log.some((e) => (e.tx as { command: string }).command === "slashOperator")).toBe(true);
    expect((await store.latestSnapshot())?.seq).toBeGreaterThan(0);
    await store.close();

    const r = await restake(["verify", "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("OK: the hashes match");
    expect(r.stdout).toContain(hash);
  });

  it("replay prints the hash and seq of a full replay", async () => {
    const r = await restake(["replay", "--db", db, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ seq, hash, entries: seq });
  });

  it("snapshot writes a snapshot at the head; verify still passes", async () => {
    const r = await restake(["snapshot", "--db", db, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ seq, stateHash: hash });
    const v = await restake(["verify", "--db", db, "--json"]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, snapshot: { seq, ok: true } });
  });

  it("verify exits 1 when a snapshot's recorded hash disagrees with the log", async () => {
    const copy = join(tmp, "tampered.db");
    const store = await openStore({ db: copy });
    const src = await openStore({ db });
    await store.setMeta("node-config", (await src.getMeta("node-config"))!);
    await store.append((await src.read(1, 100_000)).map(({ seq: _seq, ...e }) => e));
    const snap = (await src.latestSnapshot())!;
    await store.putSnapshot({ ...snap, stateHash: `0x${"00".repeat(32)}` });
    await src.close();
    await store.close();
    const v = await restake(["verify", "--db", copy]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain("MISMATCH");
  });

  it("refuses protocol flags that contradict the database", async () => {
    const r = await restake(["verify", "--db", db, "--chain-id", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ConfigMismatch/);
  });
});

describe("restake serve + restake tx", () => {
  let node: ChildProcess | null = null;
  let base = "";
  const db = join(tmp, "served.db");

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    node = spawn(
      process.execPath,
      [BIN, "serve", "--db", db, "--port", String(port), "--demo", "--manual-clock", "--log-level", "warn"],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    node.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    node.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    for (let i = 0; i < 600; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // starting
      }
      if (node.exitCode !== null) throw new Error(`serve exited:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).toMatch(/PUBLIC TEST KEYS/);
    expect(out).toContain(devKey("admin").address);
  }, 60_000);

  afterAll(async () => {
    if (node !== null && node.exitCode === null) {
      const exited = new Promise((r) => node?.on("exit", r));
      node.kill("SIGTERM");
      await exited;
    }
  });

  it("signs with the node's nonce and domain, prints the receipt", async () => {
    const r = await restake(["tx", "advanceClock", "--key", "dev:admin", "--node", base, "--set", "blocks=3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^accepted: seq \d+/);
    expect(r.stdout).toContain("ClockAdvanced");
    const json = await restake([
      "tx",
      "updateAVSMetadataURI",
      "--key",
      "dev:avs-lumen-zk",
      "--node",
      base,
      "--params",
      JSON.stringify({ avs: devKey("avs-lumen-zk").address }),
      "--set",
      "metadataURI=https://example.org/zk.json",
      "--json",
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "accepted" });
  });

  it("prints the error code of a rejected transaction and exits 1", async () => {
    const r = await restake([
      "tx",
      "depositIntoStrategy",
      "--key",
      "dev:staker-39",
      "--node",
      base,
      "--set",
      `strategy=0x${"01".repeat(20)}`,
      "--set",
      "amount=5",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rejected \(422\): StrategyNotFound/);
  });

  it("every malformed-input class sent to the running process gets its 4xx and leaves the state hash unchanged", async () => {
    const hashOf = async () => (await (await fetch(`${base}/api/state/hash`)).json()) as { hash: string; seq: number };
    const params = (await (await fetch(`${base}/api/params`)).json()) as {
      eip712Domain: { chainId: string; verifyingContract: string };
    };
    const domain = {
      chainId: BigInt(params.eip712Domain.chainId),
      deployment: params.eip712Domain.verifyingContract as `0x${string}`,
    };
    const admin = privateKeyToAccount(devKey("admin").privateKey as `0x${string}`);
    const nonce = BigInt(
      ((await (await fetch(`${base}/api/nonces/${admin.address}`)).json()) as { nonce: string }).nonce,
    );
    const body = { command: "advanceClock", params: { blocks: "1" } };
    const ok = await signTx(admin, domain, { nonce, deadline: 4_000_000_000n, ...body });
    const accepted = await fetch(`${base}/api/tx`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ok),
    });
    expect(accepted.status).toBe(200);
    const before = await hashOf();
    const post = (b: string) =>
      fetch(`${base}/api/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: b });
    const next = nonce + 1n;
    const cases: [string, string, number][] = [
      ["malformed JSON", "{not json", 400],
      ["wrong types", JSON.stringify({ ...ok, nonce: 7 }), 400],
      [
        "huge number",
        JSON.stringify({
          ...(await signTx(admin, domain, {
            nonce: next,
            deadline: 4_000_000_000n,
            command: "advanceClock",
            params: { blocks: (2n ** 256n).toString() },
          })),
        }),
        400,
      ],
      ["unknown field", JSON.stringify({ ...ok, extra: 1 }), 400],
      ["oversized body", JSON.stringify({ ...ok, params: { blocks: "1", pad: "x".repeat(2 * 1024 * 1024) } }), 413],
      [
        "bad signature",
        JSON.stringify({
          ...(await signTx(admin, domain, { nonce: next, deadline: 4_000_000_000n, ...body })),
          signature: `0x${"11".repeat(65)}`,
        }),
        401,
      ],
      [
        "wrong domain",
        JSON.stringify(
          await signTx(admin, { ...domain, chainId: 1n }, { nonce: next, deadline: 4_000_000_000n, ...body }),
        ),
        401,
      ],
      ["replayed nonce", JSON.stringify(ok), 409],
      ["expired deadline", JSON.stringify(await signTx(admin, domain, { nonce: next, deadline: 1n, ...body })), 401],
    ];
    for (const [name, b, status] of cases) {
      const r = await post(b);
      expect(r.status, name).toBe(status);
      expect(((await r.json()) as { code?: unknown }).code, name).toEqual(expect.any(String));
    }
    expect(await hashOf()).toEqual(before);
  });

  it("rejects malformed parameters before signing (exit 2)", async () => {
    const r = await restake(["tx", "delegateTo", "--key", "dev:staker-01", "--node", base, "--set", "operator=nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/operator: expected a 20-byte hex address/);
  });

  it("refuses a --deployment that is not the node's", async () => {
    const r = await restake([
      "tx",
      "advanceClock",
      "--key",
      "dev:admin",
      "--node",
      base,
      "--deployment",
      "other",
      "--set",
      "blocks=1",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the node signs for chain 31337/);
  });

  it("shuts down cleanly on SIGTERM with a snapshot, and the database verifies", async () => {
    const exited = new Promise<number | null>((r) => node?.on("exit", (code) => r(code)));
    node?.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(db)).toBe(true);
    const store = await openStore({ db });
    expect((await store.latestSnapshot())?.seq).toBe(await store.head());
    await store.close();
    const v = await restake(["verify", "--db", db]);
    expect(v.code).toBe(0);
  });
});
