import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, stringToBytes } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { Ledger, type LedgerOptions } from "../../src/node/ledger.ts";
import { deploymentAddress, signTx, type TxDomain } from "../../src/node/tx.ts";
import { openStore } from "../../src/store/index.ts";
import type { EventStore } from "../../src/store/types.ts";

export const account = (name: string): PrivateKeyAccount =>
  privateKeyToAccount(keccak256(stringToBytes(`restake-test-key:${name}`)));

export const addr = (a: PrivateKeyAccount): Address => a.address.toLowerCase() as Address;

export const keys = {
  admin: account("admin"),
  reporter: account("reporter"),
  staker: account("staker"),
  operator: account("operator"),
  avs: account("avs"),
};

export const DOMAIN: TxDomain = { chainId: 31337n, deployment: deploymentAddress("test") };

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), "restake-ledger-")), "restake.db");
}

export function ledgerOptions(store: EventStore, over: Partial<LedgerOptions> = {}): LedgerOptions {
  return {
    store,
    chainId: DOMAIN.chainId,
    deployment: DOMAIN.deployment,
    params: { admin: addr(keys.admin), beaconReporter: addr(keys.reporter), minWithdrawalDelayBlocks: 5n },
    clock: { mode: "manual", blockTimeSeconds: 12n },
    ...over,
  };
}

export async function openLedger(db: string, over: Partial<LedgerOptions> = {}): Promise<Ledger> {
  return Ledger.open(ledgerOptions(await openStore({ db }), over));
}

/** Signs `command` for `who` with its next nonce on this ledger. */
export async function signed(
  ledger: Ledger,
  who: PrivateKeyAccount,
  command: string,
  params: Record<string, unknown>,
  over: { nonce?: bigint; deadline?: bigint; domain?: TxDomain } = {},
) {
  return signTx(who, over.domain ?? DOMAIN, {
    nonce: over.nonce ?? ledger.nonceOf(addr(who)),
    deadline: over.deadline ?? 4_000_000_000n,
    command,
    params,
  });
}

export const TOKEN = "0x00000000000000000000000000000000000000a1";
export const STRATEGY = "0x00000000000000000000000000000000000000b1";

/** A small network: a token and strategy, a funded staker delegated to an operator allocated to one set. */
export async function seedSmall(ledger: Ledger): Promise<void> {
  const steps: [PrivateKeyAccount, string, Record<string, unknown>][] = [
    [keys.admin, "createToken", { token: TOKEN, symbol: "stETH", decimals: 18 }],
    [keys.admin, "addStrategy", { strategy: STRATEGY, token: TOKEN }],
    [keys.admin, "mint", { token: TOKEN, to: addr(keys.staker), amount: "1000000000000000000000" }],
    [keys.staker, "depositIntoStrategy", { strategy: STRATEGY, amount: "100000000000000000000" }],
    [keys.operator, "registerAsOperator", { allocationDelay: "0" }],
    [keys.staker, "delegateTo", { operator: addr(keys.operator) }],
    [keys.avs, "updateAVSMetadataURI", { avs: addr(keys.avs), metadataURI: "ipfs://avs" }],
    [
      keys.avs,
      "createOperatorSets",
      { avs: addr(keys.avs), operatorSets: [{ operatorSetId: "1", strategies: [STRATEGY] }] },
    ],
    [
      keys.operator,
      "registerForOperatorSets",
      { operator: addr(keys.operator), avs: addr(keys.avs), operatorSetIds: ["1"] },
    ],
    [
      keys.operator,
      "modifyAllocations",
      {
        operator: addr(keys.operator),
        allocations: [
          { avs: addr(keys.avs), operatorSetId: "1", strategies: [STRATEGY], newMagnitudes: ["500000000000000000"] },
        ],
      },
    ],
  ];
  for (const [who, command, params] of steps) {
    const out = await ledger.submit(await signed(ledger, who, command, params));
    if (out.status !== "accepted") throw new Error(`${command}: ${out.code} ${out.message}`);
  }
}
