import { resolve } from "node:path";
import { demoAccountNames } from "../node/demo.ts";
import { DEFAULT_KEY_DIR, devKey, listKeys, newKey } from "../node/keys.ts";
import { printJson, reportError } from "./common.ts";

export function keyDirOf(flags: { keysDir?: string }): string {
  return flags.keysDir ?? process.env.RESTAKE_KEYS_DIR ?? DEFAULT_KEY_DIR;
}

export async function keysNewCommand(name: string, flags: { keysDir?: string; json?: boolean }): Promise<void> {
  try {
    const dir = keyDirOf(flags);
    const key = newKey(dir, name);
    const path = resolve(dir, `${name}.json`);
    if (flags.json) printJson({ name: key.name, address: key.address, path });
    else {
      console.log(`created key ${key.name}`);
      console.log(`address ${key.address}`);
      console.log(`file    ${path} (the private key is stored unencrypted)`);
    }
  } catch (e) {
    reportError(e);
  }
}

export async function keysListCommand(flags: { keysDir?: string; dev?: boolean; json?: boolean }): Promise<void> {
  try {
    const dir = keyDirOf(flags);
    const { keys: found, errors } = listKeys(dir);
    const dev = flags.dev ? demoAccountNames().map((n) => devKey(n)) : [];
    if (flags.json) {
      printJson({
        dir: resolve(dir),
        keys: found.map((k) => ({ name: k.name, address: k.address })),
        ...(flags.dev ? { devKeys: dev.map((k) => ({ name: `dev:${k.name}`, address: k.address })) } : {}),
        errors,
      });
    } else {
      if (found.length === 0) console.log(`no keys in ${resolve(dir)} (create one with: restake keys new <name>)`);
      for (const k of found) console.log(`${k.name.padEnd(28)} ${k.address}`);
      if (flags.dev) {
        console.log("\ndev keys (PUBLIC test keys, use as --key dev:<name>):");
        for (const k of dev) console.log(`dev:${k.name.padEnd(24)} ${k.address}`);
      }
      for (const e of errors) console.error(`warning: unreadable key file ${e}`);
    }
  } catch (e) {
    reportError(e);
  }
}
