import { type ApiClient, ApiError } from "../../../web/src/api/client.ts";
import type {
  Avs,
  AvsList,
  Clock,
  EventsPage,
  Neutral,
  NodeParams,
  Operator,
  OperatorSet,
  Operators,
  Slashes,
  Staker,
  Strategies,
  Withdrawals,
} from "../../../web/src/api/types.ts";

import { layerRoutes } from "./layerFixtures.ts";

/**
 * A small, hand-checked network for component tests:
 * - strategies: stETH (1:1), USDC (6 decimals), native ETH;
 * - operator A: 200 stETH + 100 ETH delegated (75% of 400 ETH), operator B: 100 stETH (25%) → HHI 6,250, Nakamoto 1;
 * - one AVS ("tessera-da") with set 0; A allocated 50 stETH + 25 ETH to it, B 10 stETH;
 * - staker S: 100 of A's 200 stETH shares, so half of A's 50 stETH exposure = 25 stETH; plus a queued withdrawal of
 *   10 stETH queued from A, slashable until block 30 at the set's 25% fraction = 2.5 stETH;
 * - one slash of B by the set, 5% of its allocation.
 */

const E18 = 10n ** 18n;
const e = (n: number | bigint) => (BigInt(n) * E18).toString();

export const ADDR = {
  stETH: `0x${"51".repeat(20)}`,
  usdc: `0x${"52".repeat(20)}`,
  beacon: "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0",
  opA: `0x${"a1".repeat(20)}`,
  opB: `0x${"b2".repeat(20)}`,
  avs: `0x${"c3".repeat(20)}`,
  slasher: `0x${"d4".repeat(20)}`,
  staker: `0x${"e5".repeat(20)}`,
  nobody: `0x${"f6".repeat(20)}`,
};
export const SET = `${ADDR.avs}/0`;

export const strategies: Strategies = {
  strategies: [
    {
      address: ADDR.stETH,
      token: `0x${"71".repeat(20)}`,
      symbol: "stETH",
      decimals: 18,
      totalShares: e(300),
      balance: e(300),
      rate: e(1),
    },
    {
      address: ADDR.usdc,
      token: `0x${"72".repeat(20)}`,
      symbol: "USDC",
      decimals: 6,
      totalShares: "5000000000",
      balance: "5000000000",
      rate: e(1),
    },
  ],
  beaconChainETH: { strategy: ADDR.beacon, asset: "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", burnableShares: "0" },
};

export const neutral: Neutral = {
  protocol: "eigenlayer",
  block: "10",
  horizonBlock: "10",
  exposures: [
    exposure(ADDR.opA, ADDR.stETH, e(50), (E18 / 4n).toString()),
    exposure(ADDR.opA, ADDR.beacon, e(25), (E18 / 4n).toString()),
    exposure(ADDR.opB, ADDR.stETH, e(10), (E18 / 10n).toString()),
  ],
  operators: [
    {
      operator: ADDR.opA,
      delegated: [
        { collateral: ADDR.stETH, asset: "", shares: e(200), assetAmount: e(200) },
        { collateral: ADDR.beacon, asset: "", shares: e(100), assetAmount: e(100) },
      ],
      stakers: 3,
    },
    {
      operator: ADDR.opB,
      delegated: [
        { collateral: ADDR.stETH, asset: "", shares: e(100), assetAmount: e(100) },
        { collateral: ADDR.usdc, asset: "", shares: "5000000000", assetAmount: "5000000000" },
      ],
      stakers: 1,
    },
  ],
  services: [
    {
      service: ADDR.avs,
      serviceSets: [
        {
          serviceSet: SET,
          slasher: ADDR.slasher,
          collaterals: [ADDR.stETH, ADDR.beacon],
          operators: [ADDR.opA, ADDR.opB],
          redistributionRecipient: null,
        },
      ],
    },
  ],
};

function exposure(operator: string, collateral: string, amount: string, fractionWad: string) {
  return {
    collateral,
    asset: "",
    operator,
    service: ADDR.avs,
    serviceSet: SET,
    slasher: ADDR.slasher,
    redistributionRecipient: null,
    shares: amount,
    assetAmount: amount,
    sharesAtHorizon: amount,
    fractionWad,
    slashableUntil: null,
  };
}

const delay = { isSet: true, delay: "0", pendingDelay: "0", effectBlock: "1" };

export const operators: Operators = {
  block: "10",
  operators: [
    {
      address: ADDR.opA,
      delegationApprover: null,
      registeredAtBlock: "1",
      allocationDelay: delay,
      delegatedStakers: 3,
      shares: [],
      registeredSets: [SET],
    },
    {
      address: ADDR.opB,
      delegationApprover: null,
      registeredAtBlock: "1",
      allocationDelay: delay,
      delegatedStakers: 1,
      shares: [],
      registeredSets: [SET],
    },
  ],
};

export const operatorA: Operator = {
  address: ADDR.opA,
  block: "10",
  delegationApprover: null,
  registeredAtBlock: "1",
  allocationDelay: delay,
  delegatedStakers: 3,
  strategies: [
    {
      strategy: ADDR.stETH,
      operatorShares: e(200),
      maxMagnitude: e(1),
      encumberedMagnitude: (E18 / 4n).toString(),
      allocatableMagnitude: ((E18 * 3n) / 4n).toString(),
      slashableSharesInQueue: e(10),
    },
    {
      strategy: ADDR.usdc,
      operatorShares: "0",
      maxMagnitude: e(1),
      encumberedMagnitude: "0",
      allocatableMagnitude: e(1),
      slashableSharesInQueue: "0",
    },
    {
      strategy: ADDR.beacon,
      operatorShares: e(100),
      maxMagnitude: e(1),
      encumberedMagnitude: (E18 / 4n).toString(),
      allocatableMagnitude: ((E18 * 3n) / 4n).toString(),
      slashableSharesInQueue: "0",
    },
  ],
  registeredSets: [SET],
  operatorSets: [
    { operatorSet: SET, avs: ADDR.avs, operatorSetId: "0", registered: true, slashable: true, slashableUntil: null },
  ],
  allocations: [
    {
      operator: ADDR.opA,
      operatorSet: SET,
      avs: ADDR.avs,
      operatorSetId: "0",
      strategy: ADDR.stETH,
      currentMagnitude: (E18 / 4n).toString(),
      pendingDiff: "0",
      effectBlock: "0",
      allocatedStake: e(50),
      slashableStake: e(50),
    },
    {
      operator: ADDR.opA,
      operatorSet: SET,
      avs: ADDR.avs,
      operatorSetId: "0",
      strategy: ADDR.beacon,
      currentMagnitude: (E18 / 4n).toString(),
      pendingDiff: (-E18 / 10n).toString(),
      effectBlock: "35",
      allocatedStake: e(25),
      slashableStake: e(25),
    },
  ],
};

export const avsList: AvsList = {
  avss: [{ address: ADDR.avs, metadataURI: "https://example.test/avs/tessera-da.json", operatorSets: [SET] }],
};

export const avs: Avs = {
  address: ADDR.avs,
  metadataURI: "https://example.test/avs/tessera-da.json",
  operatorSets: [
    {
      operatorSet: SET,
      avs: ADDR.avs,
      operatorSetId: "0",
      strategies: [ADDR.stETH, ADDR.beacon],
      members: [ADDR.opA, ADDR.opB],
      slasher: ADDR.slasher,
      redistributionRecipient: null,
      slashCount: "1",
    },
  ],
};

/** The operator set at `futureBlock` (default: now): A's native allocation drops by 10% at block 35. */
export function operatorSet(futureBlock = "10"): OperatorSet {
  const later = BigInt(futureBlock) >= 35n;
  return {
    operatorSet: SET,
    avs: ADDR.avs,
    operatorSetId: "0",
    block: "10",
    futureBlock,
    strategies: [ADDR.stETH, ADDR.beacon],
    members: [ADDR.opA, ADDR.opB],
    slashableOperators: [ADDR.opA, ADDR.opB],
    slasher: { current: ADDR.slasher, pending: ADDR.slasher, effectBlock: "1" },
    redistributionRecipient: null,
    slashCount: "1",
    stake: [
      {
        operator: ADDR.opA,
        strategy: ADDR.stETH,
        currentMagnitude: (E18 / 4n).toString(),
        pendingDiff: "0",
        effectBlock: "0",
        allocatedStake: e(50),
        minimumSlashableStake: e(50),
      },
      {
        operator: ADDR.opA,
        strategy: ADDR.beacon,
        currentMagnitude: (E18 / 4n).toString(),
        pendingDiff: (-E18 / 10n).toString(),
        effectBlock: "35",
        allocatedStake: e(25),
        minimumSlashableStake: later ? e(15) : e(25),
      },
      {
        operator: ADDR.opB,
        strategy: ADDR.stETH,
        currentMagnitude: (E18 / 10n).toString(),
        pendingDiff: "0",
        effectBlock: "0",
        allocatedStake: e(10),
        minimumSlashableStake: e(10),
      },
      {
        operator: ADDR.opB,
        strategy: ADDR.beacon,
        currentMagnitude: "0",
        pendingDiff: "0",
        effectBlock: "0",
        allocatedStake: "0",
        minimumSlashableStake: "0",
      },
    ],
    pendingSlashes: [],
  };
}

export const slashes: Slashes = {
  indexedThroughSeq: 5,
  slashes: [
    {
      slashId: "1",
      operatorSet: SET,
      avs: ADDR.avs,
      operatorSetId: "0",
      operator: ADDR.opB,
      slasher: ADDR.slasher,
      description: "double signing",
      seq: 4,
      block: "8",
      timestamp: "1767225696",
      txHash: `0x${"ab".repeat(32)}`,
      strategies: [
        {
          strategy: ADDR.stETH,
          wadToSlash: (E18 / 20n).toString(),
          wadSlashed: (E18 / 200n).toString(),
          sharesSlashed: (E18 / 2n).toString(),
        },
      ],
      cleared: [],
      pending: { resolutionBlock: "18", shares: [{ strategy: ADDR.stETH, shares: (E18 / 2n).toString() }] },
    },
  ],
};

const queued = {
  root: `0x${"99".repeat(32)}`,
  staker: ADDR.staker,
  delegatedTo: ADDR.opA,
  withdrawer: ADDR.staker,
  nonce: "0",
  startBlock: "5",
  strategies: [ADDR.stETH],
  shares: [e(10)],
  slashableUntil: "30",
  completableFrom: "31",
  completable: false,
};

export const withdrawals: Withdrawals = { block: "10", total: 1, withdrawals: [queued] };

export function staker(stETH = e(100)): Staker {
  return {
    address: ADDR.staker,
    block: "10",
    delegatedTo: ADDR.opA,
    isOperator: false,
    beaconChainSlashingFactor: e(1),
    strategies: [
      {
        strategy: ADDR.stETH,
        asset: "",
        depositShares: stETH,
        withdrawableShares: stETH,
        withdrawableAmount: stETH,
        depositScalingFactor: e(1),
        slashingFactor: e(1),
      },
    ],
    tokenBalances: [],
    queuedWithdrawals: [queued],
    pod: null,
  };
}

export const emptyStaker: Staker = {
  address: ADDR.nobody,
  block: "10",
  delegatedTo: null,
  isOperator: false,
  beaconChainSlashingFactor: e(1),
  strategies: [],
  tokenBalances: [],
  queuedWithdrawals: [],
  pod: null,
};

export const clock: Clock = {
  mode: "manual",
  blockTimeSeconds: "12",
  seq: 5,
  block: "10",
  timestamp: "1767225720",
  now: { block: "10", timestamp: "1767225720" },
};

export const params: NodeParams = {
  chainId: "31337",
  deployment: `0x${"0d".repeat(20)}`,
  minWithdrawalDelayBlocks: "20",
  deallocationDelayBlocks: "25",
  allocationConfigurationDelayBlocks: "10",
  slashResolutionDelayBlocks: "10",
};

export const events = (head: number): EventsPage => ({ entries: [], nextCursor: head + 1, head, hasMore: false });

/* ------------------------------------------------------------------ a fake API */

export type Route = (path: string) => unknown;

/**
 * An ApiClient answering from the fixtures. `overrides` replace answers by path prefix (first match wins); a function
 * answer can throw an ApiError. Every requested path is recorded in `calls`.
 */
export function fakeApi(overrides: [string, unknown | Route][] = []): ApiClient & { calls: string[] } {
  const defaults: [string, unknown | Route][] = [
    ["/events", () => events(5)],
    ["/clock", clock],
    ["/params", params],
    ["/strategies", strategies],
    ["/neutral", neutral],
    ["/operators/", (p: string) => (p === `/operators/${ADDR.opA}` ? operatorA : notFound("operator"))],
    ["/operators", operators],
    ["/avs/", (p: string) => (p === `/avs/${ADDR.avs}` ? avs : notFound("avs"))],
    ["/avs", avsList],
    ["/operator-sets/", (p: string) => operatorSet(/futureBlock=(\d+)/.exec(p)?.[1])],
    ["/slashes", (p: string) => (p.includes(ADDR.opA) ? { ...slashes, slashes: [] } : slashes)],
    ["/withdrawals", withdrawals],
    [
      "/stakers/",
      (p: string) => (p === `/stakers/${ADDR.staker}` ? staker() : { ...emptyStaker, address: p.slice(9) }),
    ],
    // LRTs, markets and the security summary (layerFixtures.ts)
    ...layerRoutes,
  ];
  const routes = [...overrides, ...defaults];
  const calls: string[] = [];
  return {
    calls,
    async get<T>(path: string): Promise<T> {
      calls.push(path);
      await new Promise((r) => setTimeout(r, 5));
      const hit = routes.find(([prefix]) => path.startsWith(prefix));
      if (hit === undefined) throw new ApiError(404, "NotFound", `no route for GET ${path}`);
      const answer = typeof hit[1] === "function" ? (hit[1] as Route)(path) : hit[1];
      return structuredClone(answer) as T;
    },
  };
}

export function notFound(what: string): never {
  throw new ApiError(404, "NotFound", `no ${what}`);
}
