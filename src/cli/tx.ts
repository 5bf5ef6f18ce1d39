import { DEFAULT_CHAIN_ID, DEFAULT_DEPLOYMENT } from "../node/config.ts";
import { accountOf, resolveKey } from "../node/keys.ts";
import { deploymentAddress, type SignedTx, signTx, type TxDomain } from "../node/tx.ts";
import { COMMAND_NAMES, parseCommand } from "../node/wire.ts";
import { printJson, reportError } from "./common.ts";
import { keyDirOf } from "./keys.ts";

/**
 * `restake tx`: sign one transaction and submit it to a node.
 * The nonce comes from GET /api/nonces/:address, the EIP-712 domain from GET /api/params (or --chain-id and
 * --deployment, which then must match the node's), and the deadline is the node's chain time plus --ttl seconds.
 */

export interface TxFlags {
  key: string;
  node: string;
  params?: string;
  set: string[];
  keysDir?: string;
  nonce?: string;
  ttl: string;
  chainId?: string;
  deployment?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** Sets `obj[a][b]…` for a dotted path, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  if (parts.some((p) => p === "" || p === "__proto__" || p === "constructor" || p === "prototype")) {
    throw new Error(`invalid --set key ${JSON.stringify(path)}`);
  }
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === undefined) cur[p] = {};
    else if (next === null || typeof next !== "object" || Array.isArray(next)) {
      throw new Error(`--set ${path}: ${p} is not an object`);
    }
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/**
 * A --set value: JSON for arrays, objects, booleans and null; anything else (amounts, addresses) stays a string,
 * because amounts travel as decimal strings.
 */
export function parseSetValue(raw: string): unknown {
  const t = raw.trim();
  if (t === "true" || t === "false" || t === "null" || t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t);
    } catch {
      throw new Error(`--set value ${JSON.stringify(raw)} looks like JSON but does not parse`);
    }
  }
  return raw;
}

export function buildParams(paramsJson: string | undefined, sets: string[]): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (paramsJson !== undefined) {
    const parsed = JSON.parse(paramsJson) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("--params must be a JSON object");
    params = parsed as Record<string, unknown>;
  }
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new Error(`--set expects key=value, got ${JSON.stringify(s)}`);
    setPath(params, s.slice(0, eq), parseSetValue(s.slice(eq + 1)));
  }
  return params;
}

async function getJson<T>(node: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, node));
  } catch (e) {
    throw new Error(`cannot reach the node at ${node}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!res.ok || body === null) {
    throw new Error(`GET ${path} failed: ${res.status}${body?.code ? ` ${body.code}: ${body.message}` : ""}`);
  }
  return body;
}

async function nodeDomain(node: string, flags: TxFlags): Promise<TxDomain> {
  const given =
    flags.chainId !== undefined || flags.deployment !== undefined
      ? {
          chainId: BigInt(flags.chainId ?? DEFAULT_CHAIN_ID),
          deployment: deploymentAddress(flags.deployment ?? DEFAULT_DEPLOYMENT),
        }
      : null;
  if (flags.dryRun && given !== null) return given;
  const p = await getJson<{ eip712Domain: { chainId: string; verifyingContract: string } }>(node, "/api/params");
  const fromNode: TxDomain = {
    chainId: BigInt(p.eip712Domain.chainId),
    deployment: p.eip712Domain.verifyingContract.toLowerCase() as TxDomain["deployment"],
  };
  if (given !== null && (given.chainId !== fromNode.chainId || given.deployment !== fromNode.deployment)) {
    throw new Error(
      `the node signs for chain ${fromNode.chainId} / ${fromNode.deployment}, not ${given.chainId} / ${given.deployment}`,
    );
  }
  return fromNode;
}

export async function txCommand(command: string, flags: TxFlags): Promise<void> {
  try {
    const built = await buildAndSign(command, flags);
    if (built === null) return;
    if (flags.dryRun) {
      printJson(built.tx);
      return;
    }
    const reply = await post(flags.node, built.tx);
    report(reply, flags.json === true);
  } catch (e) {
    reportError(e);
  }
}

async function buildAndSign(command: string, flags: TxFlags): Promise<{ tx: SignedTx } | null> {
  const params = buildParams(flags.params, flags.set);
  const parsed = parseCommand(command, params);
  if (!parsed.ok) {
    console.error(`error: InvalidParams: ${command}`);
    for (const issue of parsed.issues) console.error(`  ${issue}`);
    if (!(COMMAND_NAMES as string[]).includes(command)) console.error(`commands: ${COMMAND_NAMES.join(", ")}`);
    process.exitCode = 2;
    return null;
  }
  const key = resolveKey(flags.key, keyDirOf(flags));
  const ttl = /^\d{1,12}$/.test(flags.ttl) ? BigInt(flags.ttl) : null;
  if (ttl === null) throw new Error("--ttl must be a whole number of seconds");
  const domain = await nodeDomain(flags.node, flags);
  let nonce: bigint;
  if (flags.nonce !== undefined) {
    if (!/^\d{1,20}$/.test(flags.nonce)) throw new Error("--nonce must be a non-negative integer");
    nonce = BigInt(flags.nonce);
  } else {
    nonce = BigInt((await getJson<{ nonce: string }>(flags.node, `/api/nonces/${key.address}`)).nonce);
  }
  let now: bigint;
  if (flags.dryRun && flags.nonce !== undefined) now = BigInt(Math.floor(Date.now() / 1000));
  // `now` is when the node would run the transaction (it moves with wall time on a real-time node).
  else now = BigInt((await getJson<{ now: { timestamp: string } }>(flags.node, "/api/clock")).now.timestamp);
  return { tx: await signTx(accountOf(key), domain, { nonce, deadline: now + ttl, command, params }) };
}

interface Reply {
  status: number;
  text: string;
  body: Record<string, unknown> | null;
}

async function post(node: string, tx: SignedTx): Promise<Reply> {
  let res: Response;
  try {
    res = await fetch(new URL("/api/tx", node), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(tx),
    });
  } catch (e) {
    throw new Error(`cannot reach the node at ${node}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: Record<string, unknown> | null = null;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported as text
  }
  return { status: res.status, text, body };
}

function report({ status, text, body }: Reply, raw: boolean): void {
  if (raw) console.log(body === null ? text : JSON.stringify(body, null, 2));
  if (status === 200 && body !== null) {
    if (!raw) {
      console.log(`accepted: seq ${body.seq}, block ${body.block}, tx ${body.txHash}`);
      printJson({ result: body.result, events: body.events });
    }
    return;
  }
  const code = (body?.code as string | undefined) ?? `HTTP ${status}`;
  const message = (body?.message as string | undefined) ?? text.slice(0, 200);
  if (!raw) {
    console.error(`rejected (${status}): ${code}: ${message}`);
    if (body?.context !== undefined) console.error(JSON.stringify(body.context, null, 2));
  }
  process.exitCode = 1;
}
