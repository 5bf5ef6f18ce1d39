import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Hex, keccak256, stringToBytes } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Address } from "../core/eigenlayer/state.ts";

/**
 * Signing keys for the command line and the demo.
 *
 * A keystore is a directory of `<name>.json` files, each `{ name, address, privateKey }`, written with mode 0600.
 * The keys are stored in the clear: this is a development tool, not a wallet.
 *
 * Dev keys (`devKey(name)`) are derived from nothing but their name: keccak256("restake-dev-key:" + name). Anyone can
 * recompute them, so they are public test keys, fit for the demo and local experiments only; never hold anything of
 * value with them.
 */

export interface KeyFile {
  name: string;
  address: Address;
  privateKey: Hex;
}

export const DEFAULT_KEY_DIR = "./.restake/keys";

/** secp256k1's group order: a private key must lie in [1, n-1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

export function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new Error(`invalid key name ${JSON.stringify(name)}: use 1-64 letters, digits, ".", "_" or "-"`);
  }
}

function inRange(key: Hex): boolean {
  const k = BigInt(key);
  return k > 0n && k < SECP256K1_N;
}

/**
 * The deterministic dev key for `name`: keccak256("restake-dev-key:" + name). In the (astronomically unlikely) case
 * the hash is not a valid secp256k1 scalar it is re-hashed until it is, so every name has a key. PUBLIC: never use
 * a dev key for anything of value.
 */
export function devKey(name: string): KeyFile {
  let privateKey = keccak256(stringToBytes(`restake-dev-key:${name}`));
  while (!inRange(privateKey)) privateKey = keccak256(privateKey);
  return { name, address: addressOf(privateKey), privateKey };
}

export function addressOf(privateKey: Hex): Address {
  return privateKeyToAccount(privateKey).address.toLowerCase() as Address;
}

export function accountOf(key: KeyFile | Hex): PrivateKeyAccount {
  return privateKeyToAccount(typeof key === "string" ? key : key.privateKey);
}

function keyPath(dir: string, name: string): string {
  checkKeyName(name);
  return join(resolve(dir), `${name}.json`);
}

function parseKeyFile(text: string, where: string): KeyFile {
  const doc = JSON.parse(text) as Partial<KeyFile>;
  if (typeof doc.privateKey !== "string" || !PRIVATE_KEY.test(doc.privateKey) || !inRange(doc.privateKey as Hex)) {
    throw new Error(`${where}: no valid privateKey`);
  }
  const address = addressOf(doc.privateKey as Hex);
  if (typeof doc.address === "string" && doc.address.toLowerCase() !== address) {
    throw new Error(`${where}: the address does not match the private key`);
  }
  return { name: String(doc.name ?? ""), address, privateKey: doc.privateKey as Hex };
}

/** Creates a new random key; refuses to overwrite an existing one. */
export function newKey(dir: string, name: string): KeyFile {
  const path = keyPath(dir, name);
  if (existsSync(path)) throw new Error(`a key named ${JSON.stringify(name)} already exists in ${resolve(dir)}`);
  mkdirSync(resolve(dir), { recursive: true, mode: 0o700 });
  const privateKey = generatePrivateKey();
  const key: KeyFile = { name, address: addressOf(privateKey), privateKey };
  writeFileSync(path, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return key;
}

export function loadKey(dir: string, name: string): KeyFile {
  const path = keyPath(dir, name);
  if (!existsSync(path)) throw new Error(`no key named ${JSON.stringify(name)} in ${resolve(dir)}`);
  const key = parseKeyFile(readFileSync(path, "utf8"), path);
  return { ...key, name };
}

/** Every key in the directory, by name; unreadable files are reported, not skipped silently. */
export function listKeys(dir: string): { keys: KeyFile[]; errors: string[] } {
  const root = resolve(dir);
  if (!existsSync(root)) return { keys: [], errors: [] };
  const keys: KeyFile[] = [];
  const errors: string[] = [];
  for (const f of readdirSync(root).sort()) {
    if (!f.endsWith(".json")) continue;
    const name = f.slice(0, -".json".length);
    try {
      keys.push({ ...parseKeyFile(readFileSync(join(root, f), "utf8"), join(root, f)), name });
    } catch (e) {
      errors.push(`${f}: ${(e as Error).message}`);
    }
  }
  return { keys, errors };
}

/**
 * Resolves a `--key` argument: a 0x-prefixed 32-byte private key, `dev:<name>` for a public dev key, or the name of
 * a key in the keystore.
 */
export function resolveKey(spec: string, dir: string = DEFAULT_KEY_DIR): KeyFile {
  if (PRIVATE_KEY.test(spec)) {
    if (!inRange(spec as Hex)) throw new Error("the private key is outside the secp256k1 range");
    return { name: "(private key)", address: addressOf(spec as Hex), privateKey: spec.toLowerCase() as Hex };
  }
  if (spec.startsWith("0x")) throw new Error("a private key must be 0x followed by 64 hex digits");
  if (spec.startsWith("dev:")) {
    const name = spec.slice("dev:".length);
    checkKeyName(name);
    return devKey(name);
  }
  return loadKey(dir, spec);
}
