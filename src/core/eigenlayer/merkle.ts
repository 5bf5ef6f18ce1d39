import { concat, type Hex, keccak256, numberToHex } from "viem";
import { ProtocolError, require } from "../shared/errors.ts";
import { UINT32_MAX, UINT256_MAX } from "../shared/math.ts";
import type { Address } from "./state.ts";

/**
 * The rewards Merkle format (reference §2.4, §9.5): salted leaves, the two-level tree that EigenLayer's off-chain
 * tooling (eigenlayer-rewards-proofs) builds, its proofs, and the on-chain verification of Merkle.sol.
 *
 * The distribution root commits to one leaf per earner, keccak256(0x00 ‖ earner ‖ earnerTokenRoot); each earner's
 * token root commits to one leaf per token, keccak256(0x01 ‖ token ‖ cumulativeEarnings as uint256). Earners and each
 * earner's tokens are in ascending address order; a tree's leaf count is padded to the next power of two with 32-byte
 * zero nodes that are not hashed; a parent is keccak256(left ‖ right); a leaf's index is its sorted position.
 */

export const EARNER_LEAF_SALT = "0x00" as const;
export const TOKEN_LEAF_SALT = "0x01" as const;
export const ZERO_BYTES32 = `0x${"00".repeat(32)}` as Hex;

/** IRewardsCoordinator.TokenTreeMerkleLeaf */
export interface TokenTreeMerkleLeaf {
  token: Address;
  cumulativeEarnings: bigint;
}

/** IRewardsCoordinator.EarnerTreeMerkleLeaf */
export interface EarnerTreeMerkleLeaf {
  earner: Address;
  earnerTokenRoot: Hex;
}

/** IRewardsCoordinator.RewardsMerkleClaim (uint32 fields as bigint, `bytes` as hex). */
export interface RewardsMerkleClaim {
  rootIndex: bigint;
  earnerIndex: bigint;
  earnerTreeProof: Hex;
  earnerLeaf: EarnerTreeMerkleLeaf;
  tokenIndices: bigint[];
  tokenTreeProofs: Hex[];
  tokenLeaves: TokenTreeMerkleLeaf[];
}

/* ------------------------------------------------------------------ input checks (what the ABI would refuse) */

const ADDRESS = /^0x[0-9a-f]{40}$/;
const BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function requireAddress(a: unknown, what: string): asserts a is Address {
  require(typeof a === "string" &&
    ADDRESS.test(a), "InvalidAddress", `${what} must be a lower-case 20-byte hex address`);
}

function requireBytes(h: unknown, what: string): asserts h is Hex {
  require(typeof h === "string" && BYTES.test(h), "InputOutOfRange", `${what} must be hex bytes`);
}

export function requireBytes32(h: unknown, what: string): asserts h is Hex {
  require(typeof h === "string" && BYTES32.test(h), "InputOutOfRange", `${what} must be 32 bytes of hex`);
}

function requireUint(v: unknown, max: bigint, what: string): asserts v is bigint {
  require(typeof v === "bigint" && v >= 0n && v <= max, "InputOutOfRange", `${what} out of range`);
}

/* ------------------------------------------------------------------ leaves */

/** calculateTokenLeafHash: keccak256(0x01 ‖ token ‖ uint256(cumulativeEarnings)), a 53-byte preimage. */
export function tokenLeaf(leaf: TokenTreeMerkleLeaf): Hex {
  requireAddress(leaf.token, "token");
  requireUint(leaf.cumulativeEarnings, UINT256_MAX, "cumulativeEarnings");
  return keccak256(concat([TOKEN_LEAF_SALT, leaf.token, numberToHex(leaf.cumulativeEarnings, { size: 32 })]));
}

/** calculateEarnerLeafHash: keccak256(0x00 ‖ earner ‖ earnerTokenRoot), a 53-byte preimage. */
export function earnerLeaf(leaf: EarnerTreeMerkleLeaf): Hex {
  requireAddress(leaf.earner, "earner");
  requireBytes32(leaf.earnerTokenRoot, "earnerTokenRoot");
  return keccak256(concat([EARNER_LEAF_SALT, leaf.earner, leaf.earnerTokenRoot]));
}

/* ------------------------------------------------------------------ trees */

/** The levels of a tree, leaves first (padded with zero nodes to a power of two), root last. */
function levels(leaves: readonly Hex[]): Hex[][] {
  if (leaves.length === 0) throw new ProtocolError("InputArrayLengthZero", "a Merkle tree needs at least one leaf");
  let width = 1;
  while (width < leaves.length) width *= 2;
  const bottom = [...leaves];
  while (bottom.length < width) bottom.push(ZERO_BYTES32);
  const out: Hex[][] = [bottom];
  let level = bottom;
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(keccak256(concat([level[i]!, level[i + 1]!])));
    out.push(next);
    level = next;
  }
  return out;
}

/** The sibling of each level from the leaf up, concatenated (the `bytes` proof the contract takes). */
function proofFrom(tree: Hex[][], index: number): Hex {
  const siblings: Hex[] = [];
  let i = index;
  for (let d = 0; d < tree.length - 1; d++) {
    siblings.push(tree[d]![i ^ 1]!);
    i >>= 1;
  }
  return siblings.length === 0 ? "0x" : concat(siblings);
}

/** The root of a tree over already-hashed leaves, in the order given. */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  const tree = levels(leaves);
  return tree[tree.length - 1]![0]!;
}

/** The proof of leaf `index` in a tree over already-hashed leaves. */
export function merkleProof(leaves: readonly Hex[], index: number): Hex {
  require(Number.isInteger(index) && index >= 0 && index < leaves.length, "InputOutOfRange", "no such leaf");
  return proofFrom(levels(leaves), index);
}

/* ------------------------------------------------------------------ Merkle.sol */

const byteLength = (h: Hex): number => (h.length - 2) / 2;

/** Merkle.processInclusionProofKeccak: the root implied by `leaf` at `index` and the proof. */
export function processInclusionProofKeccak(proof: Hex, leaf: Hex, index: bigint): Hex {
  requireBytes(proof, "proof");
  requireBytes32(leaf, "leaf");
  requireUint(index, UINT256_MAX, "index");
  const len = byteLength(proof);
  if (len === 0) return leaf;
  require(len % 32 === 0, "InvalidProofLength", "proof length must be a multiple of 32");
  let h = leaf;
  let i = index;
  for (let off = 0; off < len; off += 32) {
    const sibling = `0x${proof.slice(2 + off * 2, 2 + (off + 32) * 2)}` as Hex;
    h = i % 2n === 0n ? keccak256(concat([h, sibling])) : keccak256(concat([sibling, h]));
    i /= 2n;
  }
  require(i === 0n, "InvalidIndex", "index does not fit the proof");
  return h;
}

/**
 * Merkle.verifyInclusionKeccak: reverts `EmptyRoot` for a zero root, `InvalidProofLength` and `InvalidIndex` as the
 * library does; otherwise whether the proof leads from `leaf` at `index` to `root`. An empty proof means leaf == root.
 */
export function verifyInclusionKeccak(proof: Hex, root: Hex, leaf: Hex, index: bigint): boolean {
  requireBytes32(root, "root");
  require(BigInt(root) !== 0n, "EmptyRoot", "the root is zero");
  return processInclusionProofKeccak(proof, leaf, index).toLowerCase() === root.toLowerCase();
}

/** `1 << (proof.length / 32)` in uint256: 0 once the shift reaches 256 bits. */
function indexBound(proof: Hex): bigint {
  const n = BigInt(Math.floor(byteLength(proof) / 32));
  return n >= 256n ? 0n : 1n << n;
}

/**
 * Steps 2–3 of RewardsCoordinator._checkClaim (the proofs; the root's state is checked by the coordinator): array
 * lengths, the earner leaf against `root`, each token leaf against the earner's token root. Throws the contract's
 * revert (`InputArrayLengthMismatch`, `InvalidEarnerLeafIndex`, `InvalidTokenLeafIndex`, `InvalidClaimProof`, or
 * Merkle's `EmptyRoot` / `InvalidProofLength`).
 */
export function checkClaimProofs(root: Hex, claim: RewardsMerkleClaim): void {
  checkClaimShape(claim);
  require(claim.tokenIndices.length === claim.tokenTreeProofs.length, "InputArrayLengthMismatch");
  require(claim.tokenTreeProofs.length === claim.tokenLeaves.length, "InputArrayLengthMismatch");
  require(claim.earnerIndex < indexBound(claim.earnerTreeProof), "InvalidEarnerLeafIndex");
  require(verifyInclusionKeccak(
    claim.earnerTreeProof,
    root,
    earnerLeaf(claim.earnerLeaf),
    claim.earnerIndex,
  ), "InvalidClaimProof", "the earner leaf is not in the distribution root");
  claim.tokenLeaves.forEach((leaf, i) => {
    const proof = claim.tokenTreeProofs[i]!;
    const index = claim.tokenIndices[i]!;
    require(index < indexBound(proof), "InvalidTokenLeafIndex");
    require(verifyInclusionKeccak(
      proof,
      claim.earnerLeaf.earnerTokenRoot,
      tokenLeaf(leaf),
      index,
    ), "InvalidClaimProof", "a token leaf is not in the earner's token root", { token: leaf.token });
  });
}

/** Rejects what the ABI could not encode: uint32 indices, malformed bytes, addresses and amounts. */
export function checkClaimShape(claim: RewardsMerkleClaim): void {
  require(typeof claim === "object" && claim !== null, "InputOutOfRange", "claim must be an object");
  requireUint(claim.rootIndex, UINT32_MAX, "rootIndex");
  requireUint(claim.earnerIndex, UINT32_MAX, "earnerIndex");
  requireBytes(claim.earnerTreeProof, "earnerTreeProof");
  require(typeof claim.earnerLeaf === "object" && claim.earnerLeaf !== null, "InputOutOfRange", "earnerLeaf");
  requireAddress(claim.earnerLeaf.earner, "earner");
  requireBytes32(claim.earnerLeaf.earnerTokenRoot, "earnerTokenRoot");
  require(Array.isArray(claim.tokenIndices) &&
    Array.isArray(claim.tokenTreeProofs) &&
    Array.isArray(
      claim.tokenLeaves,
    ), "InputOutOfRange", "tokenIndices, tokenTreeProofs and tokenLeaves must be arrays");
  for (const i of claim.tokenIndices) requireUint(i, UINT32_MAX, "tokenIndices[]");
  for (const p of claim.tokenTreeProofs) requireBytes(p, "tokenTreeProofs[]");
  for (const leaf of claim.tokenLeaves) {
    require(typeof leaf === "object" && leaf !== null, "InputOutOfRange", "tokenLeaves[]");
    requireAddress(leaf.token, "token");
    requireUint(leaf.cumulativeEarnings, UINT256_MAX, "cumulativeEarnings");
  }
}

/* ------------------------------------------------------------------ distributions */

export interface DistributionToken {
  token: Address;
  cumulativeEarnings: bigint;
  /** position in the earner's token tree */
  index: number;
  leaf: Hex;
  proof: Hex;
}

export interface DistributionEarner {
  earner: Address;
  tokenRoot: Hex;
  tokens: DistributionToken[];
  /** position in the earner tree */
  index: number;
  leaf: Hex;
  proof: Hex;
}

export interface RewardsDistribution {
  root: Hex;
  /** in ascending address order, as in the tree */
  earners: DistributionEarner[];
}

/**
 * Builds the distribution tree of cumulative earnings (earner → token → cumulative amount) as
 * eigenlayer-rewards-proofs does, with every leaf's index and proof.
 */
export function buildDistribution(earnings: ReadonlyMap<Address, ReadonlyMap<Address, bigint>>): RewardsDistribution {
  const earnerAddresses = [...earnings.keys()];
  for (const e of earnerAddresses) requireAddress(e, "earner");
  earnerAddresses.sort();
  const earners: DistributionEarner[] = earnerAddresses.map((earner, index) => {
    const byToken = earnings.get(earner)!;
    const tokenAddresses = [...byToken.keys()];
    for (const t of tokenAddresses) requireAddress(t, "token");
    tokenAddresses.sort();
    const tokenLeaves = tokenAddresses.map((token) => tokenLeaf({ token, cumulativeEarnings: byToken.get(token)! }));
    if (tokenLeaves.length === 0)
      throw new ProtocolError("InputArrayLengthZero", "an earner has no tokens", { earner });
    const tree = levels(tokenLeaves);
    const tokenRoot = tree[tree.length - 1]![0]!;
    const tokens = tokenAddresses.map((token, i) => ({
      token,
      cumulativeEarnings: byToken.get(token)!,
      index: i,
      leaf: tokenLeaves[i]!,
      proof: proofFrom(tree, i),
    }));
    return { earner, tokenRoot, tokens, index, leaf: earnerLeaf({ earner, earnerTokenRoot: tokenRoot }), proof: "0x" };
  });
  const tree = levels(earners.map((e) => e.leaf));
  for (const e of earners) e.proof = proofFrom(tree, e.index);
  return { root: tree[tree.length - 1]![0]!, earners };
}

/**
 * The claim an earner submits against the root at `rootIndex` (which must hold this distribution's root): every
 * token of the earner, or only `tokens` (in the order given).
 */
export function claimFor(
  distribution: RewardsDistribution,
  earner: Address,
  rootIndex: bigint | number,
  tokens?: readonly Address[],
): RewardsMerkleClaim {
  const e = distribution.earners.find((x) => x.earner === earner);
  if (e === undefined) throw new ProtocolError("InvalidEarner", "the earner is not in the distribution", { earner });
  const picked =
    tokens === undefined
      ? e.tokens
      : tokens.map((t) => {
          const found = e.tokens.find((x) => x.token === t);
          if (found === undefined)
            throw new ProtocolError("UnknownToken", "the earner has no such token", { token: t });
          return found;
        });
  return {
    rootIndex: BigInt(rootIndex),
    earnerIndex: BigInt(e.index),
    earnerTreeProof: e.proof,
    earnerLeaf: { earner: e.earner, earnerTokenRoot: e.tokenRoot },
    tokenIndices: picked.map((t) => BigInt(t.index)),
    tokenTreeProofs: picked.map((t) => t.proof),
    tokenLeaves: picked.map((t) => ({ token: t.token, cumulativeEarnings: t.cumulativeEarnings })),
  };
}
