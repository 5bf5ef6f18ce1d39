import fc from "fast-check";
import { concat, type Hex, keccak256, numberToHex, pad } from "viem";
import { describe, expect, it } from "vitest";
import {
  buildDistribution,
  checkClaimProofs,
  claimFor,
  earnerLeaf,
  merkleProof,
  merkleRoot,
  processInclusionProofKeccak,
  type RewardsMerkleClaim,
  tokenLeaf,
  verifyInclusionKeccak,
} from "../../src/core/eigenlayer/merkle.ts";
import type { Address } from "../../src/core/eigenlayer/state.ts";
import { ProtocolError } from "../../src/core/shared/errors.ts";

/**
 * The rewards Merkle format, checked against an independent implementation written here with viem's keccak256 and
 * concat only (not merkle.ts): salted 53-byte leaves, ascending earners and tokens, power-of-two padding with
 * unhashed zero nodes, keccak256(left ‖ right) parents, Merkle.sol's index-parity verification.
 */

const ZERO: Hex = `0x${"00".repeat(32)}`;
const a = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}` as Address;

/* ---------------------------------------------------------------- the reference implementation */

const refTokenLeaf = (token: Address, amount: bigint): Hex =>
  keccak256(concat(["0x01", token, pad(numberToHex(amount), { size: 32 })]));
const refEarnerLeaf = (earner: Address, tokenRoot: Hex): Hex => keccak256(concat(["0x00", earner, tokenRoot]));

/** Root of `leaves` padded with zero nodes to `width` leaves, by recursive halving. */
function refRoot(leaves: Hex[], width: number): Hex {
  if (width === 1) return leaves[0] ?? ZERO;
  const half = width / 2;
  return keccak256(concat([refRoot(leaves.slice(0, half), half), refRoot(leaves.slice(half), half)]));
}

const pow2 = (n: number): number => (n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n)));

/** Siblings from the leaf up, by recursive halving. */
function refProof(leaves: Hex[], width: number, index: number): Hex[] {
  if (width === 1) return [];
  const half = width / 2;
  const left = leaves.slice(0, half);
  const right = leaves.slice(half);
  return index < half
    ? [...refProof(left, half, index), refRoot(right, half)]
    : [...refProof(right, half, index - half), refRoot(left, half)];
}

/** Merkle.sol's loop, written out again. */
function refVerify(proof: Hex[], root: Hex, leaf: Hex, index: number): boolean {
  let h = leaf;
  let i = index;
  for (const sib of proof) {
    h = i % 2 === 0 ? keccak256(concat([h, sib])) : keccak256(concat([sib, h]));
    i = Math.floor(i / 2);
  }
  return i === 0 && h === root;
}

const proofBytes = (siblings: Hex[]): Hex => (siblings.length === 0 ? "0x" : concat(siblings));

function refDistribution(earnings: Map<Address, Map<Address, bigint>>) {
  const earners = [...earnings.keys()].sort();
  const perEarner = earners.map((earner) => {
    const tokens = [...earnings.get(earner)!.keys()].sort();
    const leaves = tokens.map((t) => refTokenLeaf(t, earnings.get(earner)!.get(t)!));
    const width = pow2(leaves.length);
    const tokenRoot = refRoot(leaves, width);
    return {
      earner,
      tokenRoot,
      leaf: refEarnerLeaf(earner, tokenRoot),
      tokens: tokens.map((token, i) => ({ token, leaf: leaves[i]!, proof: proofBytes(refProof(leaves, width, i)) })),
    };
  });
  const leaves = perEarner.map((e) => e.leaf);
  const width = pow2(leaves.length);
  return {
    root: refRoot(leaves, width),
    earners: perEarner.map((e, i) => ({ ...e, proof: proofBytes(refProof(leaves, width, i)) })),
  };
}

/* ---------------------------------------------------------------- leaves */

describe("rewards Merkle: leaves", () => {
  it("token leaf = keccak256(0x01 ‖ token ‖ uint256 BE amount), a 53-byte preimage", () => {
    const token = "0x00000000000000000000000000000000000000aa" as Address;
    const preimage = `0x01${token.slice(2)}${"00".repeat(31)}07` as Hex;
    expect((preimage.length - 2) / 2).toBe(53);
    expect(tokenLeaf({ token, cumulativeEarnings: 7n })).toBe(keccak256(preimage));
    expect(tokenLeaf({ token, cumulativeEarnings: 2n ** 256n - 1n })).toBe(
      keccak256(`0x01${token.slice(2)}${"ff".repeat(32)}`),
    );
  });

  it("earner leaf = keccak256(0x00 ‖ earner ‖ earnerTokenRoot), a 53-byte preimage", () => {
    const earner = "0x00000000000000000000000000000000000000bb" as Address;
    const root = `0x${"12".repeat(32)}` as Hex;
    expect(earnerLeaf({ earner, earnerTokenRoot: root })).toBe(keccak256(`0x00${earner.slice(2)}${"12".repeat(32)}`));
  });

  it("the salts keep a token leaf and an earner leaf over the same bytes apart", () => {
    const x = "0x00000000000000000000000000000000000000cc" as Address;
    const word = numberToHex(5n, { size: 32 });
    expect(tokenLeaf({ token: x, cumulativeEarnings: 5n })).not.toBe(earnerLeaf({ earner: x, earnerTokenRoot: word }));
  });

  it("rejects what the ABI could not encode", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ProtocolError).code;
      }
      return "none";
    };
    expect(code(() => tokenLeaf({ token: a(1), cumulativeEarnings: -1n }))).toBe("InputOutOfRange");
    expect(code(() => tokenLeaf({ token: a(1), cumulativeEarnings: 2n ** 256n }))).toBe("InputOutOfRange");
    expect(code(() => tokenLeaf({ token: "0xABC" as Address, cumulativeEarnings: 1n }))).toBe("InvalidAddress");
    expect(code(() => earnerLeaf({ earner: a(1), earnerTokenRoot: "0x12" }))).toBe("InputOutOfRange");
  });
});

/* ---------------------------------------------------------------- trees */

describe("rewards Merkle: trees", () => {
  it("one leaf: the root is the leaf, the proof is empty", () => {
    const l = refTokenLeaf(a(1), 1n);
    expect(merkleRoot([l])).toBe(l);
    expect(merkleProof([l], 0)).toBe("0x");
  });

  it("three leaves are padded to four with an unhashed zero node", () => {
    const [l0, l1, l2] = [1, 2, 3].map((i) => refTokenLeaf(a(i), BigInt(i))) as [Hex, Hex, Hex];
    const expected = keccak256(concat([keccak256(concat([l0, l1])), keccak256(concat([l2, ZERO]))]));
    expect(merkleRoot([l0, l1, l2])).toBe(expected);
    expect(merkleProof([l0, l1, l2], 2)).toBe(concat([ZERO, keccak256(concat([l0, l1]))]));
    expect(merkleProof([l0, l1, l2], 1)).toBe(concat([l0, keccak256(concat([l2, ZERO]))]));
  });

  it("pairs are hashed in position order, not sorted (unlike OpenZeppelin's commutative trees)", () => {
    const l0 = refTokenLeaf(a(1), 1n);
    const l1 = refTokenLeaf(a(2), 1n);
    expect(merkleRoot([l0, l1])).toBe(keccak256(concat([l0, l1])));
    expect(merkleRoot([l1, l0])).toBe(keccak256(concat([l1, l0])));
    expect(merkleRoot([l0, l1])).not.toBe(merkleRoot([l1, l0]));
  });

  it("buildDistribution sorts earners and tokens ascending whatever the input order, and matches the reference", () => {
    const earnings = new Map<Address, Map<Address, bigint>>([
      [
        a(0x30),
        new Map([
          [a(0x9), 5n],
          [a(0x2), 7n],
        ]),
      ],
      [a(0x10), new Map([[a(0x2), 1n]])],
      [
        a(0x20),
        new Map([
          [a(0x3), 0n],
          [a(0x1), 2n ** 200n],
          [a(0x2), 3n],
        ]),
      ],
    ]);
    const d = buildDistribution(earnings);
    const ref = refDistribution(earnings);
    expect(d.root).toBe(ref.root);
    expect(d.earners.map((e) => e.earner)).toEqual([a(0x10), a(0x20), a(0x30)]);
    expect(d.earners[1]!.tokens.map((t) => t.token)).toEqual([a(0x1), a(0x2), a(0x3)]);
    d.earners.forEach((e, i) => {
      const r = ref.earners[i]!;
      expect(e.index).toBe(i);
      expect(e.tokenRoot).toBe(r.tokenRoot);
      expect(e.leaf).toBe(r.leaf);
      expect(e.proof).toBe(r.proof);
      e.tokens.forEach((t, j) => {
        expect(t.index).toBe(j);
        expect(t.leaf).toBe(r.tokens[j]!.leaf);
        expect(t.proof).toBe(r.tokens[j]!.proof);
      });
    });
  });

  it("claimFor builds the contract's claim struct; a token subset keeps its own indices", () => {
    const earnings = new Map([
      [
        a(0x10),
        new Map([
          [a(0x1), 10n],
          [a(0x2), 20n],
          [a(0x3), 30n],
        ]),
      ],
      [a(0x20), new Map([[a(0x1), 5n]])],
    ]);
    const d = buildDistribution(earnings);
    const claim = claimFor(d, a(0x10), 3);
    expect(claim.rootIndex).toBe(3n);
    expect(claim.earnerIndex).toBe(0n);
    expect(claim.earnerLeaf).toEqual({ earner: a(0x10), earnerTokenRoot: d.earners[0]!.tokenRoot });
    expect(claim.tokenIndices).toEqual([0n, 1n, 2n]);
    expect(claim.tokenLeaves).toEqual([
      { token: a(0x1), cumulativeEarnings: 10n },
      { token: a(0x2), cumulativeEarnings: 20n },
      { token: a(0x3), cumulativeEarnings: 30n },
    ]);
    checkClaimProofs(d.root, claim);
    const sub = claimFor(d, a(0x10), 3n, [a(0x3)]);
    expect(sub.tokenIndices).toEqual([2n]);
    checkClaimProofs(d.root, sub);
  });

  it("rejects an earner with no tokens and an empty distribution", () => {
    expect(() => buildDistribution(new Map())).toThrow(ProtocolError);
    expect(() => buildDistribution(new Map([[a(1), new Map()]]))).toThrow(ProtocolError);
  });
});

/* ---------------------------------------------------------------- Merkle.sol */

describe("rewards Merkle: verifyInclusionKeccak as Merkle.sol", () => {
  const leaves = [1, 2, 3, 4, 5].map((i) => refTokenLeaf(a(i), BigInt(i)));
  const root = refRoot(leaves, 8);
  const proofOf = (i: number) => proofBytes(refProof(leaves, 8, i));
  const codeOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as ProtocolError).code;
    }
    return "none";
  };

  it("every leaf verifies at its index and at no other", () => {
    leaves.forEach((leaf, i) => {
      expect(verifyInclusionKeccak(proofOf(i), root, leaf, BigInt(i))).toBe(true);
      for (let j = 0; j < 8; j++)
        if (j !== i) expect(verifyInclusionKeccak(proofOf(i), root, leaf, BigInt(j))).toBe(false);
    });
  });

  it("an empty proof is the single-leaf tree: the leaf must equal the root, whatever the index", () => {
    const leaf = leaves[0]!;
    expect(verifyInclusionKeccak("0x", leaf, leaf, 0n)).toBe(true);
    expect(verifyInclusionKeccak("0x", leaf, leaf, 5n)).toBe(true); // the library does not check the index here
    expect(verifyInclusionKeccak("0x", root, leaf, 0n)).toBe(false);
  });

  it("reverts EmptyRoot, InvalidProofLength and InvalidIndex", () => {
    expect(codeOf(() => verifyInclusionKeccak(proofOf(0), ZERO, leaves[0]!, 0n))).toBe("EmptyRoot");
    expect(codeOf(() => verifyInclusionKeccak(`${proofOf(0)}00`, root, leaves[0]!, 0n))).toBe("InvalidProofLength");
    expect(codeOf(() => verifyInclusionKeccak(proofOf(0), root, leaves[0]!, 8n))).toBe("InvalidIndex");
    expect(codeOf(() => processInclusionProofKeccak(proofOf(0), leaves[0]!, 9n))).toBe("InvalidIndex");
  });

  it("index parity decides the order at each level", () => {
    const sib = leaves[1]!;
    expect(processInclusionProofKeccak(sib, leaves[0]!, 0n)).toBe(keccak256(concat([leaves[0]!, sib])));
    expect(processInclusionProofKeccak(sib, leaves[0]!, 1n)).toBe(keccak256(concat([sib, leaves[0]!])));
  });
});

/* ---------------------------------------------------------------- properties */

const addressArb = fc.integer({ min: 1, max: 2 ** 31 }).map((n) => a(n));
const earningsArb = fc
  .uniqueArray(
    fc.tuple(
      addressArb,
      fc.uniqueArray(fc.tuple(addressArb, fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })), {
        minLength: 1,
        maxLength: 6,
        selector: (t) => t[0],
      }),
    ),
    { minLength: 1, maxLength: 12, selector: (e) => e[0] },
  )
  .map((list) => new Map(list.map(([earner, tokens]) => [earner, new Map(tokens)])));

function flipHexBit(h: Hex, bit: number): Hex {
  const bytes = Buffer.from(h.slice(2), "hex");
  const i = Math.floor(bit / 8) % bytes.length;
  bytes[i] = bytes[i]! ^ (1 << (bit % 8));
  return `0x${bytes.toString("hex")}` as Hex;
}

const fails = (root: Hex, claim: RewardsMerkleClaim): boolean => {
  try {
    checkClaimProofs(root, claim);
    return false;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return true;
  }
};

describe("rewards Merkle: properties", () => {
  it("buildDistribution agrees with the reference on every root, leaf and proof", () => {
    fc.assert(
      fc.property(earningsArb, (earnings) => {
        const d = buildDistribution(earnings);
        const ref = refDistribution(earnings);
        expect(d.root).toBe(ref.root);
        d.earners.forEach((e, i) => {
          expect([e.earner, e.tokenRoot, e.leaf, e.proof]).toEqual([
            ref.earners[i]!.earner,
            ref.earners[i]!.tokenRoot,
            ref.earners[i]!.leaf,
            ref.earners[i]!.proof,
          ]);
          e.tokens.forEach((t, j) => {
            expect([t.leaf, t.proof]).toEqual([ref.earners[i]!.tokens[j]!.leaf, ref.earners[i]!.tokens[j]!.proof]);
          });
        });
      }),
      { numRuns: 60 },
    );
  });

  it("every generated claim verifies, against the contract's checks and the reference loop", () => {
    fc.assert(
      fc.property(earningsArb, (earnings) => {
        const d = buildDistribution(earnings);
        for (const e of d.earners) {
          const claim = claimFor(d, e.earner, 0n);
          checkClaimProofs(d.root, claim);
          const siblings = (p: Hex) =>
            p === "0x" ? [] : (p.slice(2).match(/.{64}/g) ?? []).map((x) => `0x${x}` as Hex);
          expect(refVerify(siblings(claim.earnerTreeProof), d.root, e.leaf, Number(claim.earnerIndex))).toBe(true);
          claim.tokenLeaves.forEach((leaf, i) => {
            const tl = refTokenLeaf(leaf.token, leaf.cumulativeEarnings);
            expect(
              refVerify(siblings(claim.tokenTreeProofs[i]!), e.tokenRoot, tl, Number(claim.tokenIndices[i]!)),
            ).toBe(true);
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  type Mutation =
    | "earnerProof"
    | "tokenProof"
    | "amount"
    | "earner"
    | "token"
    | "tokenRoot"
    | "earnerIndex"
    | "tokenIndex";
  const mutations: Mutation[] = [
    "earnerProof",
    "tokenProof",
    "amount",
    "earner",
    "token",
    "tokenRoot",
    "earnerIndex",
    "tokenIndex",
  ];

  it("flipping any one bit of a claim makes it fail", () => {
    fc.assert(
      fc.property(
        earningsArb,
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...mutations),
        fc.nat({ max: 255 }),
        (earnings, pickE, pickT, what, bit) => {
          const d = buildDistribution(earnings);
          const e = d.earners[pickE % d.earners.length]!;
          const claim = claimFor(d, e.earner, 0n);
          const t = pickT % claim.tokenLeaves.length;
          const c: RewardsMerkleClaim = structuredClone(claim);
          switch (what) {
            case "earnerProof":
              if (c.earnerTreeProof === "0x")
                c.earnerTreeProof = flipHexBit(ZERO, bit); // a proof where none belongs
              else c.earnerTreeProof = flipHexBit(c.earnerTreeProof, bit);
              break;
            case "tokenProof":
              c.tokenTreeProofs[t] =
                c.tokenTreeProofs[t] === "0x" ? flipHexBit(ZERO, bit) : flipHexBit(c.tokenTreeProofs[t]!, bit);
              break;
            case "amount":
              c.tokenLeaves[t]!.cumulativeEarnings ^= 1n << BigInt(bit);
              break;
            case "earner":
              c.earnerLeaf.earner = flipHexBit(c.earnerLeaf.earner, bit % 160) as Address;
              break;
            case "token":
              c.tokenLeaves[t]!.token = flipHexBit(c.tokenLeaves[t]!.token, bit % 160) as Address;
              break;
            case "tokenRoot":
              c.earnerLeaf.earnerTokenRoot = flipHexBit(c.earnerLeaf.earnerTokenRoot, bit);
              break;
            case "earnerIndex":
              c.earnerIndex ^= 1n << BigInt(bit % 32);
              break;
            case "tokenIndex":
              c.tokenIndices[t]! ^= 1n << BigInt(bit % 32);
              break;
          }
          expect(fails(d.root, claim)).toBe(false);
          expect(fails(d.root, c), `${what} bit ${bit}`).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
