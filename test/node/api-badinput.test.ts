import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UINT256_MAX } from "../../src/core/shared/math.ts";
import { GENESIS } from "../../src/node/clock.ts";
import { ErrorBody } from "../../src/node/http/schemas.ts";
import { deploymentAddress, type SignedTx, signTx } from "../../src/node/tx.ts";
import {
  accounts,
  addr,
  CHAIN_ID,
  type Client,
  DOMAIN,
  FAR_DEADLINE,
  openTestNode,
  STRATEGY,
  type TestNode,
  TOKEN,
  WAD,
} from "./api-helpers.ts";

/**
 * Every class of bad input gets its 4xx status and code, the error body has the documented shape and no stack trace,
 * and the state hash, the log head and every nonce are unchanged afterwards.
 */

let node: TestNode;
let c: Client;

beforeAll(async () => {
  node = await openTestNode({ bodyLimitBytes: 16 * 1024 });
  c = node.client;
  await c.ok("admin", "createToken", { token: TOKEN, symbol: "STK", decimals: 18 });
  await c.ok("admin", "addStrategy", { strategy: STRATEGY, token: TOKEN });
  await c.ok("admin", "mint", { token: TOKEN, to: addr("staker"), amount: (10n * WAD).toString() });
});
afterAll(async () => {
  await node.close();
});

/** A valid deposit by the staker, signed for its next nonce. */
const deposit = (amount = "1000", o: Parameters<Client["sign"]>[3] = {}) =>
  c.sign("staker", "depositIntoStrategy", { strategy: STRATEGY, amount }, o);

let before: { hash: string; seq: number; nonces: bigint[] };
const snapshot = async () => ({
  hash: await c.stateHash(),
  seq: node.ledger.seq,
  nonces: await Promise.all((["admin", "staker", "stranger"] as const).map((r) => c.nonce(r))),
});

/** Set by the few tests that are meant to change state; every other test must leave it exactly as it was. */
let changesState = false;

beforeEach(async () => {
  changesState = false;
  before = await snapshot();
});
afterEach(async () => {
  if (!changesState) expect(await snapshot()).toEqual(before);
});

function expectError(r: { status: number; body: unknown }, status: number, code: string): void {
  expect([r.status, (r.body as { code?: string }).code], JSON.stringify(r.body)).toEqual([status, code]);
  const body = ErrorBody.strict().parse(r.body);
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

async function raw(body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await node.app.request("/api/tx", { method: "POST", headers, body });
  return { status: res.status, body: await res.json() };
}

describe("malformed requests → 400", () => {
  it.each([
    ["truncated JSON", "{"],
    ["not JSON", "sender=0x1"],
    ["trailing garbage", '{"a":1} x'],
    ["empty body", ""],
  ])("%s → InvalidRequest", async (_, body) => {
    expectError(await raw(body), 400, "InvalidRequest");
  });

  it.each([
    ["null", "null"],
    ["an array", "[]"],
    ["a number", "42"],
    ["a string", '"tx"'],
    ["an empty object", "{}"],
  ])("a body that is %s → InvalidRequest", async (_, body) => {
    expectError(await raw(body), 400, "InvalidRequest");
  });

  it("a body that is not JSON-typed → 415 UnsupportedMediaType", async () => {
    const tx = await deposit();
    expectError(await raw(JSON.stringify(tx), { "content-type": "text/plain" }), 415, "UnsupportedMediaType");
    expectError(await raw(JSON.stringify(tx), {}), 415, "UnsupportedMediaType");
  });

  it("wrong types in the envelope → InvalidRequest", async () => {
    const tx = await deposit();
    for (const bad of [
      { ...tx, nonce: 0 },
      { ...tx, nonce: "-1" },
      { ...tx, nonce: "01" },
      { ...tx, nonce: "1.0" },
      { ...tx, deadline: true },
      { ...tx, sender: 42 },
      { ...tx, sender: "0x1234" },
      { ...tx, sender: `0x${"zz".repeat(20)}` },
      { ...tx, command: 7 },
      { ...tx, signature: "0x1234" },
      { ...tx, signature: `${tx.signature}00` },
      { ...tx, signature: 12 },
    ]) {
      expectError(await c.post("/api/tx", bad), 400, "InvalidRequest");
    }
    // a params value that is not an object is the command's parameters being wrong
    for (const params of [[], "{}", null, 1]) {
      expectError(await c.post("/api/tx", { ...tx, params }), 400, "InvalidParams");
    }
  });

  it("missing fields → InvalidRequest", async () => {
    const tx = await deposit();
    for (const k of Object.keys(tx) as (keyof SignedTx)[]) {
      const { [k]: _, ...rest } = tx;
      expectError(await c.post("/api/tx", rest), 400, k === "params" ? "InvalidParams" : "InvalidRequest");
    }
  });

  it("an unknown command → InvalidRequest", async () => {
    const tx = await c.sign("staker", "mintForFree", { amount: "1" });
    const r = await c.post("/api/tx", tx);
    expectError(r, 400, "InvalidRequest");
    expect(r.body.message).toMatch(/unknown or missing command/);
    expectError(await c.post("/api/tx", { ...tx, command: "__proto__" }), 400, "InvalidRequest");
  });

  it("wrong types in params → InvalidParams, with the offending path", async () => {
    const tx = await deposit();
    for (const [params, path] of [
      [{ strategy: STRATEGY, amount: 1000 }, "params.amount"],
      [{ strategy: STRATEGY, amount: "1e3" }, "params.amount"],
      [{ strategy: STRATEGY, amount: "-5" }, "params.amount"],
      [{ strategy: STRATEGY, amount: " 5" }, "params.amount"],
      [{ strategy: 5, amount: "5" }, "params.strategy"],
      [{ strategy: STRATEGY }, "params.amount"],
      [{ strategy: [STRATEGY], amount: "5" }, "params.strategy"],
    ] as const) {
      const r = await c.post("/api/tx", { ...tx, params });
      expectError(r, 400, "InvalidParams");
      expect(r.body.context.issues[0]).toMatch(new RegExp(`^${path.replace(".", "\\.")}:`));
    }
  });

  it("unknown fields → 400, at every level", async () => {
    const tx = await deposit();
    expectError(await c.post("/api/tx", { ...tx, gasPrice: "1" }), 400, "InvalidRequest");
    expectError(
      await c.post("/api/tx", JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(tx).slice(1)}`)),
      400,
      "InvalidRequest",
    );
    expectError(
      await c.post("/api/tx", { ...tx, params: { ...tx.params, receiver: addr("stranger") } }),
      400,
      "InvalidParams",
    );
    const q = await c.sign("staker", "queueWithdrawals", {
      params: [{ strategies: [STRATEGY], depositShares: ["1"], withdrawer: addr("stranger") }],
    });
    expectError(await c.post("/api/tx", q), 400, "InvalidParams");
    expectError(await c.post("/api/tx/batch", { txs: [tx], atomic: true }), 400, "InvalidRequest");
  });

  it("numbers beyond uint256 (or JSON floats) → 400", async () => {
    const tx = await deposit();
    const over = (UINT256_MAX + 1n).toString();
    expect(over).toHaveLength(78);
    expectError(await c.post("/api/tx", { ...tx, nonce: over }), 400, "InvalidRequest");
    expectError(await c.post("/api/tx", { ...tx, deadline: over }), 400, "InvalidRequest");
    expectError(await c.post("/api/tx", { ...tx, nonce: "9".repeat(79) }), 400, "InvalidRequest");
    expectError(await c.post("/api/tx", { ...tx, params: { ...tx.params, amount: over } }), 400, "InvalidParams");
    expectError(
      await c.post("/api/tx", { ...tx, params: { ...tx.params, amount: "9".repeat(500) } }),
      400,
      "InvalidParams",
    );
    const huge = JSON.stringify(tx).replace(`"amount":"1000"`, `"amount":1e400`);
    expect(huge).toContain("1e400");
    expectError(await raw(huge), 400, "InvalidParams");
    // signed over a too-large amount: still rejected by the schema before any signature work
    const signed = await c.sign("staker", "depositIntoStrategy", { strategy: STRATEGY, amount: over });
    expectError(await c.post("/api/tx", signed), 400, "InvalidParams");
    // uint256 max itself is a well-formed number: the protocol, not the parser, refuses it
    const max = await c.sign("staker", "depositIntoStrategy", { strategy: STRATEGY, amount: UINT256_MAX.toString() });
    expectError(await c.post("/api/tx", max), 422, "ERC20InsufficientBalance");
  });

  it("oversized bodies → 413 PayloadTooLarge, with or without Content-Length", async () => {
    const tx = await deposit();
    const big = JSON.stringify({ ...tx, params: { ...tx.params, pad: "x".repeat(20_000) } });
    expectError(await raw(big), 413, "PayloadTooLarge");
    expectError(
      await raw(big, { "content-type": "application/json", "content-length": String(big.length) }),
      413,
      "PayloadTooLarge",
    );
    const res = await node.app.request("/api/tx/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(ctl) {
          for (let i = 0; i < 40; i++) ctl.enqueue(new TextEncoder().encode(" ".repeat(1024)));
          ctl.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expectError({ status: res.status, body: await res.json() }, 413, "PayloadTooLarge");
  });
});

describe("authentication failures → 401", () => {
  it("a garbage signature → InvalidSignature", async () => {
    const tx = await deposit();
    expectError(await c.post("/api/tx", { ...tx, signature: `0x${"00".repeat(65)}` }), 401, "InvalidSignature");
    expectError(await c.post("/api/tx", { ...tx, signature: `0x${"ab".repeat(64)}1b` }), 401, "InvalidSignature");
    expectError(
      await c.post("/api/tx", { ...tx, signature: `${tx.signature.slice(0, -2)}05` }),
      401,
      "InvalidSignature",
    );
  });

  it("a tampered transaction → InvalidSignature", async () => {
    const tx = await deposit("1000");
    expectError(await c.post("/api/tx", { ...tx, params: { ...tx.params, amount: "999" } }), 401, "InvalidSignature");
    expectError(await c.post("/api/tx", { ...tx, deadline: (FAR_DEADLINE + 1n).toString() }), 401, "InvalidSignature");
    const flipped = `${tx.signature.slice(0, 10)}${tx.signature[10] === "0" ? "1" : "0"}${tx.signature.slice(11)}`;
    expectError(await c.post("/api/tx", { ...tx, signature: flipped }), 401, "InvalidSignature");
  });

  it("signed for another chain or another deployment → InvalidSignature", async () => {
    const otherChain = await deposit("1000", { domain: { ...DOMAIN, chainId: 1n } });
    expectError(await c.post("/api/tx", otherChain), 401, "InvalidSignature");
    const otherDeployment = await deposit("1000", {
      domain: { chainId: CHAIN_ID, deployment: deploymentAddress("elsewhere") },
    });
    expectError(await c.post("/api/tx", otherDeployment), 401, "InvalidSignature");
  });

  it("signed by someone other than the sender → InvalidSignature", async () => {
    const nonce = await c.nonce("admin");
    const forged = await signTx(accounts.stranger, DOMAIN, {
      nonce,
      deadline: FAR_DEADLINE,
      command: "mint",
      params: { token: TOKEN, to: addr("stranger"), amount: (1000n * WAD).toString() },
    });
    expectError(await c.post("/api/tx", { ...forged, sender: addr("admin") }), 401, "InvalidSignature");
    // the same, with the sender in checksum case: addresses compare case-insensitively, the forgery still fails
    expectError(await c.post("/api/tx", { ...forged, sender: accounts.admin.address }), 401, "InvalidSignature");
  });

  it("an expired deadline → TxExpired", async () => {
    const tx = await deposit("1000", { deadline: GENESIS.timestamp - 1n });
    const r = await c.post("/api/tx", tx);
    expectError(r, 401, "TxExpired");
    expect(r.body.context).toMatchObject({ deadline: (GENESIS.timestamp - 1n).toString() });
  });
});

describe("nonces → 409", () => {
  it("a replayed transaction is rejected and changes nothing", async () => {
    changesState = true;
    const tx = await deposit("1000");
    const first = await c.post("/api/tx", tx);
    expect(first.status).toBe(200);
    const after = await snapshot();
    const replay = await c.post("/api/tx", tx);
    expectError(replay, 409, "InvalidNonce");
    expect(replay.body.context).toEqual({ expected: (BigInt(tx.nonce) + 1n).toString(), got: tx.nonce });
    expect(await snapshot()).toEqual(after);
  });

  it("a nonce from the future is rejected", async () => {
    const tx = await deposit("1000", { nonce: (await c.nonce("staker")) + 5n });
    expectError(await c.post("/api/tx", tx), 409, "InvalidNonce");
  });

  it("a checksummed sender is accepted (addresses are case-insensitive)", async () => {
    changesState = true;
    const tx = await deposit("1000");
    const r = await c.post("/api/tx", { ...tx, sender: accounts.staker.address });
    expect(r.status).toBe(200);
  });
});

describe("domain errors → 422 with EigenLayer's revert name", () => {
  it.each([
    ["depositIntoStrategy", "StrategyNotFound", { strategy: `0x${"99".repeat(20)}`, amount: "1" }],
    ["depositIntoStrategy", "NewSharesZero", { strategy: STRATEGY, amount: "0" }],
    ["delegateTo", "OperatorNotRegistered", { operator: `0x${"99".repeat(20)}` }],
    ["undelegate", "NotActivelyDelegated", { staker: "STAKER" }],
    [
      "completeQueuedWithdrawal",
      "WithdrawalNotQueued",
      { withdrawalRoot: `0x${"11".repeat(32)}`, receiveAsTokens: true },
    ],
  ])("%s → %s", async (command, code, params) => {
    const p = JSON.parse(JSON.stringify(params).replace("STAKER", addr("staker")));
    const r = await c.send("staker", command, p);
    expectError(r, 422, code);
  });
});

describe("batches", () => {
  it("rejects the whole batch (400, nothing applied) when any item is malformed", async () => {
    const good = await deposit("1000");
    const bad = { ...(await deposit("1000", { nonce: BigInt(good.nonce) + 1n })), nonce: 1 };
    const r = await c.post("/api/tx/batch", { txs: [good, bad] });
    expectError(r, 400, "InvalidRequest");
    expect(r.body.context.issues[0]).toMatch(/^txs\.1\.nonce:/);
    const p = await c.post("/api/tx/batch", { txs: [good, { ...good, params: { amount: 5 } }] });
    expectError(p, 400, "InvalidParams");
  });

  it("rejects empty, oversized and non-array batches", async () => {
    const good = await deposit("1");
    expectError(await c.post("/api/tx/batch", { txs: [] }), 400, "InvalidRequest");
    expectError(await c.post("/api/tx/batch", { txs: good }), 400, "InvalidRequest");
    expectError(await c.post("/api/tx/batch", [good]), 400, "InvalidRequest");
    const tiny = {
      sender: addr("staker"),
      nonce: "0",
      deadline: "0",
      command: "createPod",
      params: {},
      signature: `0x${"00".repeat(65)}`,
    };
    const big = await createBigApp();
    const res = await big.request("/api/tx/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ txs: Array.from({ length: 257 }, () => tiny) }),
    });
    expectError({ status: res.status, body: await res.json() }, 400, "InvalidRequest");
  });

  it("per-item failures of every kind leave the rest of the batch alone", async () => {
    changesState = true;
    const n = await c.nonce("staker");
    const ok0 = await deposit("1000", { nonce: n });
    const badSig = { ...(await deposit("1000", { nonce: n + 1n })), signature: `0x${"00".repeat(65)}` as const };
    const expired = await deposit("1000", { nonce: n + 1n, deadline: 1n });
    const domainErr = await c.sign(
      "staker",
      "depositIntoStrategy",
      { strategy: STRATEGY, amount: "0" },
      { nonce: n + 1n },
    );
    const ok1 = await deposit("1000", { nonce: n + 1n });
    const r = await c.post("/api/tx/batch", { txs: [ok0, badSig, expired, domainErr, ok1] });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { httpStatus: number; code?: string }) => [x.httpStatus, x.code ?? "ok"])).toEqual([
      [200, "ok"],
      [401, "InvalidSignature"],
      [401, "TxExpired"],
      [422, "NewSharesZero"],
      [200, "ok"],
    ]);
    expect(await c.nonce("staker")).toBe(n + 2n);
  });
});

async function createBigApp() {
  const { createApp } = await import("../../src/node/app.ts");
  return createApp(node.ledger, { rateLimit: false, bodyLimitBytes: 1 << 20, logError: () => {} });
}

describe("reads", () => {
  it.each([
    ["/api/nonces/0x1234", 400, "InvalidRequest"],
    ["/api/stakers/not-an-address", 400, "InvalidRequest"],
    [`/api/operators/0x${"zz".repeat(20)}`, 400, "InvalidRequest"],
    [`/api/operators/0x${"12".repeat(20)}`, 404, "NotFound"],
    [`/api/avs/0x${"12".repeat(20)}`, 404, "NotFound"],
    [`/api/operator-sets/0x${"12".repeat(20)}/1`, 404, "NotFound"],
    [`/api/operator-sets/0x${"12".repeat(20)}/4294967296`, 400, "InvalidRequest"],
    [`/api/operator-sets/0x${"12".repeat(20)}/01`, 400, "InvalidRequest"],
    [`/api/operator-sets/0x${"12".repeat(20)}/-1`, 400, "InvalidRequest"],
    [`/api/operator-sets/0x${"12".repeat(20)}/1?futureBlock=0`, 400, "InvalidRequest"],
    [`/api/operator-sets/0x${"12".repeat(20)}/1?futureBlock=1e9`, 400, "InvalidRequest"],
    ["/api/allocations?operator=bob", 400, "InvalidRequest"],
    ["/api/allocations?oper=0x0", 400, "InvalidRequest"],
    ["/api/withdrawals?limit=0", 400, "InvalidRequest"],
    ["/api/withdrawals?limit=99999", 400, "InvalidRequest"],
    ["/api/events?cursor=0", 400, "InvalidRequest"],
    ["/api/events?limit=1001", 400, "InvalidRequest"],
    ["/api/events?cursor=abc", 400, "InvalidRequest"],
    ["/api/events?cursor=99999999999", 400, "InvalidRequest"],
    ["/api/slashes?operatorSetId=1", 400, "InvalidRequest"],
    ["/api/neutral?horizonBlock=0", 400, "InvalidRequest"],
    ["/api/neutral?horizonBlock=x", 400, "InvalidRequest"],
    ["/api/nope", 404, "NotFound"],
    ["/api", 404, "NotFound"],
    ["/", 404, "NotFound"],
  ])("GET %s → %i %s", async (path, status, code) => {
    expectError(await c.get(path), status, code);
  });

  it("wrong methods → 404 JSON", async () => {
    for (const [method, path] of [
      ["GET", "/api/tx"],
      ["PUT", "/api/tx"],
      ["DELETE", "/api/state/hash"],
      ["POST", "/api/operators"],
    ] as const) {
      const res = await node.app.request(path, { method });
      expectError({ status: res.status, body: await res.json() }, 404, "NotFound");
    }
  });
});

describe("rate limiting → 429", () => {
  it("limits each client per fixed window; health stays reachable", async () => {
    const { createApp } = await import("../../src/node/app.ts");
    let now = 1_000_000;
    const app = createApp(node.ledger, { logError: () => {}, rateLimit: { windowMs: 60_000, max: 3, now: () => now } });
    const get = async (path: string) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    for (let i = 0; i < 3; i++) expect((await get("/api/clock")).status).toBe(200);
    const limited = await get("/api/state/hash");
    expectError(limited, 429, "RateLimited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const post = await app.request("/api/tx", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(post.status).toBe(429);
    expect((await get("/api/health")).status).toBe(200);
    now += 60_000;
    expect((await get("/api/clock")).status).toBe(200);
  });

  it("keys clients separately", async () => {
    const { createApp } = await import("../../src/node/app.ts");
    const app = createApp(node.ledger, {
      logError: () => {},
      rateLimit: { windowMs: 60_000, max: 1, keyOf: (ctx) => ctx.req.header("x-test-client") ?? "?" },
    });
    const get = (who: string) => app.request("/api/clock", { headers: { "x-test-client": who } });
    expect((await get("a")).status).toBe(200);
    expect((await get("b")).status).toBe(200);
    expect((await get("a")).status).toBe(429);
  });
});

describe("internal errors → 500 without details", () => {
  it("hides the cause and the stack", async () => {
    const logged: unknown[] = [];
    const { createApp } = await import("../../src/node/app.ts");
    const app = createApp(node.ledger, { rateLimit: false, logError: (e) => logged.push(e) });
    const store = node.store as { read: typeof node.store.read };
    const read = store.read;
    store.read = async () => {
      throw new Error("secret: /srv/restake/db password=hunter2");
    };
    try {
      const res = await app.request("/api/events");
      const body = await res.json();
      expectError({ status: res.status, body }, 500, "InternalError");
      expect(JSON.stringify(body)).not.toMatch(/secret|hunter2/);
      expect(logged).toHaveLength(1);
    } finally {
      store.read = read;
    }
  });

  it("a store outage on health is a 503", async () => {
    const store = node.store as { head: typeof node.store.head };
    const head = store.head;
    store.head = async () => {
      throw new Error("connection refused");
    };
    try {
      const r = await c.get("/api/health");
      expectError(r, 503, "StoreUnavailable");
    } finally {
      store.head = head;
    }
  });
});
