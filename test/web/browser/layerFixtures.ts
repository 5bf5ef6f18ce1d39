import { ApiError } from "../../../web/src/api/client.ts";
import type {
  Checklist,
  LrtDetail,
  LrtFees,
  LrtHistory,
  LrtHoldings,
  LrtList,
  LrtRequests,
  MarketHealth,
  Markets,
  SecuritySummary,
} from "../../../web/src/api/types.ts";

/** The accounts of fixtures.ts (not imported from it: fixtures.ts imports these answers as defaults of fakeApi). */
const ADDR = {
  opA: `0x${"a1".repeat(20)}`,
  opB: `0x${"b2".repeat(20)}`,
  avs: `0x${"c3".repeat(20)}`,
  staker: `0x${"e5".repeat(20)}`,
  beacon: "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0",
};
const SET = `${ADDR.avs}/0`;

/**
 * Hand-checked answers of the layer endpoints for component tests:
 * - eETH (ether.fi): rate 1.02, NAV 1,020 ETH over 1,000 eETH; weETH trades at 1.015 on weETH-WETH, so −0.49%;
 *   weETH supply 300 on ethereum (100 of it locked in the Arbitrum adapter), 100 on arbitrum, 10 in flight: canonical
 *   200 + 100 + 10 = 310 = backed. Its history: three days, the DEX price dipping to 0.97 on day two (−396.03 bps);
 * - rsETH (Kelp): 5 rsETH unbacked (a forged bridge message);
 * - markets: three borrowers at HF 0.95 (liquidatable), 1.03 and 1.5; one liquidation;
 * - security: secure, γ* = 1/10, Claim 1 fails for the fixture's set 0;
 * - the fixture staker holds eETH; its checklist is "high" overall.
 */

const E18 = 10n ** 18n;
const e = (n: number | bigint) => (BigInt(n) * E18).toString();
const milli = (n: number) => ((BigInt(n) * E18) / 1000n).toString();
export const T0 = 1_767_225_600; // 2026-01-01 00:00 UTC
export const LAYER = {
  treasury: `0x${"7e".repeat(20)}`,
  borrowerLow: `0x${"b0".repeat(20)}`,
  borrowerMid: `0x${"b1".repeat(20)}`,
  borrowerHigh: `0x${"b3".repeat(20)}`,
  liquidator: `0x${"1d".repeat(20)}`,
};

export const lrts: LrtList = {
  lrts: [
    {
      id: "eeth",
      protocol: "etherfi",
      symbol: "eETH",
      wrappedSymbol: "weETH",
      rate: milli(1020),
      nav: e(1020),
      supply: e(1000),
      delegators: 2,
      queuePending: 1,
      paused: [],
      supplyInvariantHolds: true,
      unbacked: "0",
    },
    {
      id: "rseth",
      protocol: "kelp",
      symbol: "rsETH",
      wrappedSymbol: null,
      rate: milli(1010),
      nav: e(505),
      supply: e(500),
      delegators: 1,
      queuePending: 0,
      paused: ["bridge"],
      supplyInvariantHolds: false,
      unbacked: e(5),
    },
  ],
};

export const eethDetail: LrtDetail = {
  summary: lrts.lrts[0]!,
  nav: {
    assets: [],
    totalAssets: e(1020),
    totalLiabilities: "0",
    nav: e(1020),
    supply: e(1000),
    navPerToken: milli(1020),
    rate: milli(1020),
    protocolValue: e(1020),
  },
  queue: { pending: 1, finalized: 1, invalid: 0, nextRequestId: "3", lastFinalizedId: "1" },
  liquidity: { assets: [] },
  supplyByChain: {
    lrt: "eeth",
    token: "weETH",
    chains: [
      { chain: "ethereum", supply: e(300), lockedInAdapter: e(100) },
      { chain: "arbitrum", supply: e(100), lockedInAdapter: "0" },
    ],
    canonicalL1: e(200),
    l2Total: e(100),
    inFlight: e(10),
    backed: e(310),
    unbacked: "0",
    holds: true,
  },
  allocation: {
    totalValue: e(1000),
    delegators: [
      {
        index: 0,
        delegator: `0x${"d0".repeat(20)}`,
        operator: ADDR.opA,
        delegatedTo: ADDR.opA,
        weightBps: "6000",
        value: e(600),
        actualBps: "6000",
      },
      {
        index: 1,
        delegator: `0x${"d1".repeat(20)}`,
        operator: ADDR.opB,
        delegatedTo: ADDR.opB,
        weightBps: "4000",
        value: e(400),
        actualBps: "4000",
      },
    ],
    operatorSets: [{ operator: ADDR.opA, serviceSet: SET, strategy: ADDR.beacon, value: e(100), fractionWad: e(1) }],
  },
};

const sample = (day: number, seq: number, rate: number, dex: number | null, depegBps: number | null) => ({
  seq,
  block: String(1 + day * 7200),
  timestamp: String(T0 + day * 86_400),
  rate: milli(rate),
  navPerToken: milli(rate),
  dexPrice: dex === null ? null : milli(dex),
  depegBps,
});

export const eethHistory: LrtHistory = {
  lrt: "eeth",
  symbol: "weETH",
  market: { asset: "weETH", pool: "weETH-WETH", quote: "WETH" },
  capacity: 2000,
  dropped: 0,
  from: 1,
  samples: [sample(0, 10, 1000, 1000, 0), sample(1, 20, 1010, 970, -396.03), sample(2, 30, 1020, 1015, -49.01)],
};

export const eethFees: LrtFees = {
  lrt: "eeth",
  protocol: "etherfi",
  symbol: "eETH",
  rate: milli(1020),
  fees: [
    { key: "rewards", label: "Protocol fee", bps: "1000", description: "share of each recognised rebase gain" },
    { key: "exit", label: "Instant-redemption exit fee", bps: "30", description: "charged on instant redemptions" },
  ],
  recipients: [
    {
      role: "treasury",
      address: LAYER.treasury,
      holdings: [{ token: "eETH", chain: "ethereum", amount: e(2), valueEth: e(2) }],
      totalEth: e(2),
    },
  ],
  collectedEth: e(2),
};

export const eethRequests: LrtRequests = {
  lrt: "eeth",
  protocol: "etherfi",
  symbol: "eETH",
  process: "ether.fi's oracle report finalizes pending requests in order.",
  totals: { pending: 1, finalized: 1, claimed: 0, invalid: 0, pendingPayout: e(25), finalizedOwed: e(10) },
  requests: [
    {
      id: "2",
      owner: ADDR.staker,
      asset: "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      assetSymbol: "ETH",
      shares: e(25),
      amountAtRequest: e(25),
      payout: e(25),
      payoutFixed: false,
      status: "pending",
      requestedBlock: "7201",
      requestedAt: String(T0 + 86_400),
      finalizedAt: null,
      claimableAt: null,
      claimableAtBlock: null,
    },
    {
      id: "1",
      owner: ADDR.opA,
      asset: "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      assetSymbol: "ETH",
      shares: e(10),
      amountAtRequest: e(10),
      payout: e(10),
      payoutFixed: true,
      status: "finalized",
      requestedBlock: "1",
      requestedAt: String(T0),
      finalizedAt: String(T0 + 86_400),
      claimableAt: null,
      claimableAtBlock: null,
    },
  ],
};

export const markets: Markets = {
  assets: [
    { id: "USDC", decimals: 6 },
    { id: "WETH", decimals: 18 },
    { id: "weETH", decimals: 18 },
  ],
  pools: [
    {
      id: "WETH-USDC",
      kind: "constantProduct",
      assets: ["WETH", "USDC"],
      balances: [e(100), "300000000000"],
      totalSupply: e(1),
      fee: milli(3),
      adminFee: "0",
      invariant: "0",
      prices: [{ asset: "WETH", quote: "USDC", price: e(3000) }],
    },
    {
      id: "weETH-WETH",
      kind: "stableswap",
      assets: ["weETH", "WETH"],
      balances: [e(500), e(510)],
      totalSupply: e(1000),
      amplification: "100",
      fee: "400000000000000",
      adminFee: "0",
      invariant: "0",
      prices: [{ asset: "weETH", quote: "WETH", price: milli(1015) }],
    },
  ],
  lending: {
    reserves: [
      {
        asset: "WETH",
        oracle: "ETH",
        price: "300000000000",
        ltv: "8000",
        liquidationThreshold: "8300",
        liquidationBonus: "10500",
        supplyCap: "0",
        borrowCap: "0",
        frozen: false,
        paused: false,
        borrowingEnabled: true,
        totalSupplied: e(1000),
        totalBorrowed: e(250),
        availableLiquidity: e(750),
        utilization: milli(250),
        supplyRate: "0",
        borrowRate: (3n * 10n ** 25n).toString(),
      },
    ],
    eModes: [
      {
        id: 1,
        label: "ETH correlated",
        ltv: "9300",
        liquidationThreshold: "9500",
        liquidationBonus: "10100",
        collateralAssets: ["weETH"],
        borrowableAssets: ["WETH"],
      },
    ],
    morpho: [],
  },
  liquidations: [
    {
      venue: "morpho",
      market: "weETH-WETH-86",
      timestamp: String(T0 + 2 * 86_400),
      liquidator: LAYER.liquidator,
      borrower: LAYER.borrowerLow,
      collateralAsset: "weETH",
      debtAsset: "WETH",
      debtRepaid: e(50),
      collateralSeized: milli(54_798),
      protocolFee: "0",
      badDebt: "0",
      healthFactorBefore: milli(982),
      healthFactorAfter: milli(1068),
    },
  ],
};

const position = (account: string, hf: number, debtUsd: number, venue: "aave" | "morpho") => ({
  account,
  venue,
  market: venue === "aave" ? "aave" : "weETH-WETH-86",
  collateral: ["weETH"],
  debt: ["WETH"],
  healthFactor: milli(hf),
  collateralBase: (BigInt(debtUsd * 2) * 10n ** 8n).toString(),
  debtBase: (BigInt(debtUsd) * 10n ** 8n).toString(),
  liquidatable: hf < 1000,
});

export const health: MarketHealth = {
  timestamp: String(T0 + 3 * 86_400),
  positions: [
    position(LAYER.borrowerLow, 950, 30_000, "morpho"),
    position(LAYER.borrowerMid, 1030, 60_000, "aave"),
    position(LAYER.borrowerHigh, 1500, 90_000, "aave"),
  ],
  bands: [
    { label: "< 1", from: "0", to: e(1), count: 1, debtBase: "3000000000000" },
    { label: "1–1.05", from: e(1), to: milli(1050), count: 1, debtBase: "6000000000000" },
    { label: "1.05–1.1", from: milli(1050), to: milli(1100), count: 0, debtBase: "0" },
    { label: "1.1–1.25", from: milli(1100), to: milli(1250), count: 0, debtBase: "0" },
    { label: "1.25–1.5", from: milli(1250), to: milli(1500), count: 0, debtBase: "0" },
    { label: "1.5–2", from: milli(1500), to: e(2), count: 1, debtBase: "9000000000000" },
    { label: "≥ 2", from: e(2), to: null, count: 0, debtBase: "0" },
  ],
  liquidatable: 1,
  totalDebtBase: "18000000000000",
};

export const security: SecuritySummary = {
  seq: 5,
  block: "10",
  configured: true,
  model: "unique",
  services: 1,
  validators: 2,
  leftOut: [],
  secure: true,
  slack: "1/10",
  slackExact: true,
  slackLower: "1/10",
  claim1: { holds: false, violators: [SET], maxGamma: "-1/20", unstaked: [] },
  certificate: "milp",
  worstAttack: { services: [SET], operators: [ADDR.opA], profit: e(50), cost: e(55) },
  timeMs: 12,
  notes: [],
};

export const unconfigured: SecuritySummary = {
  ...security,
  configured: false,
  services: 0,
  validators: 0,
  secure: true,
  slack: null,
  claim1: { holds: true, violators: [], maxGamma: null, unstaked: [] },
  certificate: "claim1",
  worstAttack: null,
};

export const eethChecklist: Checklist = {
  lrt: "eeth",
  protocol: "etherfi",
  symbol: "eETH",
  block: "10",
  nav: e(1020),
  supply: e(1000),
  rate: milli(1020),
  severity: "high",
  items: [
    {
      key: "restaked",
      question: "What's actually restaked?",
      severity: "low",
      summary: "80 % of NAV restaked natively",
      findings: [],
      computed: true,
    },
    {
      key: "deployment",
      question: "Where are the contracts deployed?",
      severity: "high",
      summary: "L1 plus arbitrum; 33 % of supply on L2s",
      findings: ["33 % of supply on L2s ≥ 25 %: high", "one 1-of-1 verifier per route"],
      computed: true,
    },
    {
      key: "audit",
      question: "Has the protocol been audited since the last upgrade?",
      severity: "info",
      summary: "not answerable from state",
      findings: [],
      computed: false,
    },
  ],
};

export const stakerHoldings: LrtHoldings = {
  address: ADDR.staker,
  lrts: [
    {
      lrt: "eeth",
      protocol: "etherfi",
      symbol: "eETH",
      tokens: [
        { token: "eETH", chain: "ethereum", amount: e(40) },
        { token: "weETH", chain: "arbitrum", amount: e(12) },
      ],
      pendingRequests: 1,
      market: [{ asset: "weETH", where: "aave", amount: e(5) }],
    },
  ],
};

/** Default answers for the layer endpoints (prefix routes for fakeApi; more specific prefixes first). */
export const layerRoutes: [string, unknown | ((path: string) => unknown)][] = [
  ["/lrts/holdings/", (p: string) => (p.endsWith(ADDR.staker) ? stakerHoldings : { address: p.slice(15), lrts: [] })],
  ["/lrts/eeth/history", eethHistory],
  ["/lrts/eeth/fees", eethFees],
  ["/lrts/eeth/requests", eethRequests],
  ["/lrts/eeth", eethDetail],
  [
    "/lrts/",
    (p: string) => {
      throw new ApiError(404, "NotFound", `no LRT ${p.slice(6)}`);
    },
  ],
  ["/lrts", lrts],
  ["/markets/health", health],
  ["/markets", markets],
  ["/risk/summary", security],
  ["/risk/checklist/eeth", eethChecklist],
  [
    "/risk/checklist/",
    (p: string) => {
      throw new ApiError(404, "UnknownLrt", `no LRT ${p.slice(16)}`);
    },
  ],
];
