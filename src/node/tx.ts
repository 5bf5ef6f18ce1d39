import { type Hex, hashTypedData, keccak256, stringToBytes } from "viem";
import type { LocalAccount } from "viem/accounts";
import type { Address } from "../core/eigenlayer/state.ts";
import { recoverSigner } from "../core/shared/signature.ts";

/**
 * Signed transactions. Every state-changing request is an EIP-712 typed message
 * `Transaction(address sender,uint256 nonce,uint256 deadline,string command,string params)` signed by `sender`.
 * `params` is the canonical JSON of the command's wire parameters (keys sorted), so the signature binds every field.
 * The domain (name, version, chainId, verifyingContract = the deployment's address) separates chains and deployments:
 * a transaction signed for one is invalid on every other.
 */

export interface SignedTx {
  sender: Address;
  /** decimal string; must equal the sender's next nonce */
  nonce: string;
  /** unix seconds, decimal string; the node rejects the transaction after it */
  deadline: string;
  command: string;
  params: Record<string, unknown>;
  signature: Hex;
}

export interface TxDomain {
  chainId: bigint;
  /** the deployment's address (verifyingContract) */
  deployment: Address;
}

export const TX_TYPES = {
  Transaction: [
    { name: "sender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "command", type: "string" },
    { name: "params", type: "string" },
  ],
} as const;

/** JSON with object keys sorted at every level: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

export function txDigest(domain: TxDomain, tx: Omit<SignedTx, "signature">): Hex {
  return hashTypedData({
    domain: { name: "restake", version: "1", chainId: domain.chainId, verifyingContract: domain.deployment },
    types: TX_TYPES,
    primaryType: "Transaction",
    message: {
      sender: tx.sender,
      nonce: BigInt(tx.nonce),
      deadline: BigInt(tx.deadline),
      command: tx.command,
      params: canonicalJson(tx.params),
    },
  });
}

/** The address that signed `tx` under `domain`, or null if the signature is malformed. */
export function recoverTxSigner(domain: TxDomain, tx: SignedTx): Address | null {
  return recoverSigner(txDigest(domain, tx), tx.signature);
}

export async function signTx(
  account: LocalAccount,
  domain: TxDomain,
  tx: { nonce: bigint; deadline: bigint; command: string; params: Record<string, unknown> },
): Promise<SignedTx> {
  const unsigned = {
    sender: account.address.toLowerCase() as Address,
    nonce: tx.nonce.toString(),
    deadline: tx.deadline.toString(),
    command: tx.command,
    params: tx.params,
  };
  const signature = await account.signTypedData({
    domain: { name: "restake", version: "1", chainId: domain.chainId, verifyingContract: domain.deployment },
    types: TX_TYPES,
    primaryType: "Transaction",
    message: {
      sender: account.address,
      nonce: tx.nonce,
      deadline: tx.deadline,
      command: tx.command,
      params: canonicalJson(tx.params),
    },
  });
  return { ...unsigned, signature };
}

/** A deployment address derived from a human name, so `--deployment demo` is reproducible. */
export function deploymentAddress(name: string): Address {
  return `0x${keccak256(stringToBytes(`restake-deployment:${name}`)).slice(-40)}`;
}
