import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, stringToBytes } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { type AppOptions, createApp } from "../../src/node/app.ts";
import { GENESIS } from "../../src/node/clock.ts";
import { Ledger } from "../../src/node/ledger.ts";
import { deploymentAddress, type SignedTx, signTx, type TxDomain } from "../../src/node/tx.ts";
import { openStore } from "../../src/store/index.ts";
import type { EventStore } from "../../src/store/types.ts";

/** Shared fixtures for the API tests: a temp SQLite store, a manual-clock ledger, fixed keys and a tiny client. */

export const ROLES = ["admin", "reporter", "staker", "operator", "avs", "stranger"] as const;
export type Role = (typeof ROLES)[number];

const key = (name: string) => keccak256(stringToBytes(`restake api test key: ${name}`));
export const accounts: Record<Role, PrivateKeyAccount> = Object.fromEntries(
  ROLES.map((r) => [r, privateKeyToAccount(key(r))]),
) as Record<Role, PrivateKeyAccount>;
export const addr = (r: Role): Address => accounts[r].address.toLowerCase() as Address;

export const CHAIN_ID = 31337n;
export const DEPLOYMENT = deploymentAddress("api-test");
export const DOMAIN: TxDomain = { chainId: CHAIN_ID, deployment: DEPLOYMENT };
export const FAR_DEADLINE = GENESIS.timestamp + 10n ** 9n;

export const TOKEN = "0x00000000000000000000000000000000000070c1" as Address;
export const STRATEGY = "0x000000000000000000000000000000000000057a" as Address;
export const WAD = 10n ** 18n;

export interface TestNode {
  dir: string;
  dbPath: string;
  store: EventStore;
  ledger: Ledger;
  app: ReturnType<typeof createApp>;
  client: Client;
  close(): Promise<void>;
  /** Closes the store and opens everything again from the same file (a node restart). */
  restart(appOpts?: AppOptions): Promise<TestNode>;
}

async function openAt(dir: string, appOpts: AppOptions, owned: boolean): Promise<TestNode> {
  const dbPath = join(dir, "node.db");
  const store = await openStore({ db: dbPath });
  const ledger = await Ledger.open({
    store,
    chainId: CHAIN_ID,
    deployment: DEPLOYMENT,
    clock: { mode: "manual", blockTimeSeconds: 12n },
    params: {
      admin: addr("admin"),
      beaconReporter: addr("reporter"),
      minWithdrawalDelayBlocks: 5n,
      deallocationDelayBlocks: 5n,
      allocationConfigurationDelayBlocks: 3n,
      slashResolutionDelayBlocks: 2n,
      chainId: CHAIN_ID,
    },
  });
  const app = createApp(ledger, { rateLimit: false, logError: () => {}, ...appOpts });
  const node: TestNode = {
    dir,
    dbPath,
    store,
    ledger,
    app,
    client: new Client(app),
    async close() {
      await ledger.idle();
      await store.close();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
    async restart(next: AppOptions = appOpts) {
      await ledger.idle();
      await store.close();
      return openAt(dir, next, owned);
    },
  };
  return node;
}

export async function openTestNode(appOpts: AppOptions = {}): Promise<TestNode> {
  return openAt(mkdtempSync(join(tmpdir(), "restake-api-")), appOpts, true);
}

/** A JSON response body; the assertions inspecting it are its type check. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked structurally by the tests themselves
export type Body = any;

export interface Sent {
  status: number;
  body: Record<string, unknown> & { code?: string; message?: string };
  tx: SignedTx;
}

/** Talks to the app in-process with app.request(). */
export class Client {
  constructor(readonly app: ReturnType<typeof createApp>) {}

  async get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await this.app.request(path);
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }

  async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Body }> {
    const res = await this.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  async nonce(who: Role | Address): Promise<bigint> {
    const a = who.startsWith("0x") ? who : addr(who as Role);
    const r = await this.get<{ nonce: string }>(`/api/nonces/${a}`);
    return BigInt(r.body.nonce);
  }

  async sign(
    who: Role,
    command: string,
    params: Record<string, unknown>,
    o: { nonce?: bigint; deadline?: bigint; domain?: TxDomain } = {},
  ): Promise<SignedTx> {
    return signTx(accounts[who], o.domain ?? DOMAIN, {
      nonce: o.nonce ?? (await this.nonce(who)),
      deadline: o.deadline ?? FAR_DEADLINE,
      command,
      params,
    });
  }

  /** Signs and submits one transaction as `who`. */
  async send(
    who: Role,
    command: string,
    params: Record<string, unknown>,
    o: { nonce?: bigint; deadline?: bigint; domain?: TxDomain } = {},
  ): Promise<Sent> {
    const tx = await this.sign(who, command, params, o);
    const r = await this.post("/api/tx", tx);
    return { ...r, tx };
  }

  /** Like send, but fails the test unless the transaction was accepted. */
  async ok(who: Role, command: string, params: Record<string, unknown>): Promise<Body> {
    const r = await this.send(who, command, params);
    if (r.status !== 200) throw new Error(`${command} by ${who}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async stateHash(): Promise<string> {
    return (await this.get<{ hash: string }>("/api/state/hash")).body.hash;
  }
}
