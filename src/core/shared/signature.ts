import { secp256k1 } from "@noble/curves/secp256k1";
import { type Hex, keccak256 } from "viem";

/**
 * Synchronous ECDSA recovery (viem's recover* helpers are async, and core commands are synchronous).
 * Returns the lower-case address that signed `digest`, or null for a malformed signature.
 */
export function recoverSigner(digest: Hex, signature: Hex): `0x${string}` | null {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return null;
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const bit = v >= 27 ? v - 27 : v;
  if (bit !== 0 && bit !== 1) return null;
  try {
    const sig = secp256k1.Signature.fromCompact(signature.slice(2, 130)).addRecoveryBit(bit);
    const pub = sig.recoverPublicKey(digest.slice(2)).toRawBytes(false);
    const hash = keccak256(pub.slice(1));
    return `0x${hash.slice(-40)}`;
  } catch {
    return null;
  }
}
