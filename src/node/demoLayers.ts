import { keccak256, stringToBytes } from "viem";
import { NATIVE_ETH } from "../core/eigenlayer/eigenPodManager.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { balanceOf } from "../core/eigenlayer/tokens.ts";
import { WAD } from "../core/shared/math.ts";
import { getLrt, getLst } from "../lrt/context.ts";
import { LST_PRESETS, PRESETS, presetCommand } from "../lrt/presets.ts";
import type { LrtRoles, ProtocolKind } from "../lrt/state.ts";
import { VALIDATOR_ETH } from "../lrt/valuation.ts";
import * as lrtViews from "../lrt/views.ts";
import { LRT_CURVE, USDC_CURVE, WETH_CURVE } from "../markets/curves.ts";
import * as morpho from "../markets/morpho.ts";
import type { DemoCall, KeySource, Submitter } from "./demoSubmitter.ts";
import type { Ledger } from "./ledger.ts";

/**
 * The demo network's layers above the core, seeded after it (src/node/demo.ts) through signed `lrt.*` and `market.*`
 * transactions, so that the LRT and Markets pages have something real to show:
 *
 * - three LSTs (stETH, rETH, cbETH) with some accrued rewards, and the five LRT presets (eETH/weETH, ezETH, rsETH,
 *   pufETH, rswETH), each delegating through two or three operator delegators to the demo's operators;
 * - deposits in ETH and LSTs from twenty demo stakers; the ETH is restaked natively (validators reported by the
 *   beacon reporter), so the LRTs' stake sits with the operators and is slashable by their operator sets; LST
 *   deposits stay in the LRTs' pools (the demo's operator sets take no LST of the LRT layer);
 * - queued withdrawals (eETH, ezETH, rsETH, pufETH), two instant redemptions (exit fees), and supply bridged to three
 *   L2s (weETH on Arbitrum, ezETH on Base, rsETH on Unichain) with one message still in flight;
 * - markets: an LRT/WETH StableSwap pool per LRT and a WETH/USDC pool, an Aave-style pool (WETH, weETH, ezETH, rsETH,
 *   USDC) with two e-modes, two Morpho markets (ezETH/WETH priced by the pool, rsETH/WETH at the exchange rate),
 *   eight borrowers with health factors from about 1.03 to 1.35;
 * - history: six rounds of daily rewards, LST and LRT reports and trades; on day 3 a large ezETH sale moves its pool
 *   about 4% below the rate, on day 4 the Morpho borrower it pushed under 1 is liquidated, on day 5 arbitrage
 *   recovers part of the gap.
 *
 * With a manual clock each round is a day of chain time (the admin advances the clock). On a real-time clock the
 * rounds run back to back at the time of seeding: reports that need time to have passed (ether.fi's rebase,
 * Puffer's and Swell's reports) are skipped, and the history is a sequence of transactions rather than of days.
 *
 * Every signer is a public dev key (`devKey(name)`, listed by `demoLayerAccountNames`); fee recipients are derived
 * addresses nobody signs for.
 */

const E = (n: number | bigint) => BigInt(n) * WAD;
const E6 = 10n ** 6n;
const E8 = 10n ** 8n;
const BLOCKS_PER_DAY = 7_200n;
/** rewards the demo pays per day: about 3.2% a year of the value (LSTs: consensus; LRTs: consensus + restaking) */
const DAILY_REWARD_PPM = 88n;

export const DEMO_HISTORY_DAYS = 6;
export const DEMO_L2S = { eeth: "arbitrum", ezeth: "base", rseth: "unichain" } as const;

/** The LRTs: which operators each delegates to (target weights in bps) and its market: pool depth and A. */
export const DEMO_LRTS: {
  kind: ProtocolKind;
  delegators: [operatorKey: string, weightBps: bigint][];
  /** the market asset (the bridgeable token) */
  asset: string;
  pool: { depth: bigint; amplification: bigint };
}[] = [
  {
    kind: "etherfi",
    delegators: [
      ["operator-northstar", 4_000n],
      ["operator-granite", 3_000n],
      ["operator-lattice", 3_000n],
    ],
    asset: "weETH",
    pool: { depth: E(600), amplification: 100n },
  },
  {
    kind: "renzo",
    delegators: [
      ["operator-kestrel", 4_000n],
      ["operator-meridian", 3_500n],
      ["operator-aurora", 2_500n],
    ],
    asset: "ezETH",
    pool: { depth: E(400), amplification: 50n },
  },
  {
    kind: "kelp",
    delegators: [
      ["operator-northstar", 5_000n],
      ["operator-bluefjord", 5_000n],
    ],
    asset: "rsETH",
    pool: { depth: E(300), amplification: 100n },
  },
  {
    kind: "puffer",
    delegators: [
      ["operator-granite", 6_000n],
      ["operator-quill", 4_000n],
    ],
    asset: "pufETH",
    pool: { depth: E(200), amplification: 100n },
  },
  {
    kind: "swell",
    delegators: [
      ["operator-lattice", 5_000n],
      ["operator-kestrel", 5_000n],
    ],
    asset: "rswETH",
    pool: { depth: E(150), amplification: 100n },
  },
];

type DepositAsset = "ETH" | "steth" | "reth" | "cbeth";

/** Who deposits what into which LRT (staker number, LRT id, asset, ETH worth). */
export const DEMO_LRT_DEPOSITS: [staker: number, lrt: string, asset: DepositAsset, eth: number][] = [
  [2, "eeth", "ETH", 840],
  [3, "eeth", "ETH", 1_300],
  [4, "eeth", "steth", 240],
  [5, "eeth", "ETH", 180],
  [6, "eeth", "ETH", 600],
  [22, "eeth", "ETH", 1_050],
  [7, "ezeth", "ETH", 760],
  [8, "ezeth", "ETH", 520],
  [9, "ezeth", "steth", 300],
  [10, "ezeth", "ETH", 1_000],
  [20, "ezeth", "cbeth", 150],
  [11, "rseth", "ETH", 480],
  [12, "rseth", "reth", 360],
  [13, "rseth", "cbeth", 180],
  [14, "rseth", "ETH", 660],
  [3, "rseth", "ETH", 200],
  [15, "pufeth", "ETH", 560],
  [16, "pufeth", "steth", 220],
  [17, "pufeth", "ETH", 400],
  [18, "rsweth", "ETH", 520],
  [19, "rsweth", "ETH", 280],
  [23, "rsweth", "ETH", 120],
];

// lending and borrowing: the demo's borrowers (staker numbers) and what each does

export const DEMO_MORPHO_EZETH = "ezETH-WETH-86";
export const DEMO_MORPHO_RSETH = "rsETH-WETH-945";
/** the Morpho borrower the ezETH sale pushes under 1 (liquidated on day 4), and the one it leaves close to 1 */
export const DEMO_LIQUIDATED = 10;
export const DEMO_CLOSE_CALL = 8;

export const lrtRoleKey = (id: string, role: "admin" | "oracle" | "manager"): string => `lrt-${id}-${role}`;
const staker = (i: number): string => `staker-${String(i).padStart(2, "0")}`;

/** The dev keys the layers sign with, in a stable order. */
export function demoLayerAccountNames(): string[] {
  const names = ["lst-oracle", "bridge-verifier", "market-maker", "liquidator"];
  for (const l of DEMO_LRTS) {
    const id = PRESETS[l.kind].id;
    names.push(lrtRoleKey(id, "admin"), lrtRoleKey(id, "oracle"), lrtRoleKey(id, "manager"));
  }
  return names;
}

export interface DemoLayersSummary {
  lsts: number;
  lrts: number;
  /** pods the LRTs' delegators created */
  pods: number;
  lrtDeposits: number;
  lrtRequests: number;
  bridgedChains: number;
  pools: number;
  reserves: number;
  morphoMarkets: number;
  borrowers: number;
  liquidations: number;
  days: number;
}

/** Fee recipients: derived addresses (nobody signs for them), as src/node/demo.ts derives its contracts'. */
export function feeAccount(id: string, what: "treasury" | "node-operators"): Address {
  return `0x${keccak256(stringToBytes(`restake-demo:lrt/${id}/${what}`)).slice(-40)}`;
}

function rolesFor(id: string, keys: KeySource): LrtRoles {
  const admin = keys(lrtRoleKey(id, "admin")).address;
  return {
    admin,
    oracle: keys(lrtRoleKey(id, "oracle")).address,
    manager: keys(lrtRoleKey(id, "manager")).address,
    pauser: admin,
    riskOracle: admin,
    treasury: feeAccount(id, "treasury"),
    nodeOperatorRewards: feeAccount(id, "node-operators"),
  };
}

export async function seedDemoLayers(
  tx: Submitter,
  ledger: Ledger,
  keys: KeySource,
  opts: { manual: boolean },
): Promise<DemoLayersSummary> {
  const manual = opts.manual;
  const w = () => ({ eigen: ledger.world.eigen, lrt: ledger.world.lrt });
  const addr = (name: string) => keys(name).address;
  const summary: DemoLayersSummary = {
    lsts: LST_PRESETS.length,
    lrts: DEMO_LRTS.length,
    pods: 0,
    lrtDeposits: DEMO_LRT_DEPOSITS.length,
    lrtRequests: 0,
    bridgedChains: Object.keys(DEMO_L2S).length,
    pools: DEMO_LRTS.length + 1,
    reserves: 5,
    morphoMarkets: 2,
    borrowers: 0,
    liquidations: 0,
    days: DEMO_HISTORY_DAYS,
  };
  const calls: DemoCall[] = [];
  const flush = () => tx.run(calls.splice(0));
  const lstToken = (id: string) => getLst(w(), id).token;

  // 1. LSTs: created, seeded with ETH, and reported up to rates of about 1.15, 1.12 and 1.08
  calls.push(["admin", "mint", { token: NATIVE_ETH, to: addr("market-maker"), amount: E(40_000) }]);
  for (const p of LST_PRESETS) {
    calls.push(["admin", "lrt.createLst", { ...p, oracle: addr("lst-oracle"), admin: addr("admin") }]);
    calls.push(["market-maker", "lrt.lstSubmit", { lst: p.id, amount: E(10_000) }]);
  }
  calls.push(["lst-oracle", "lrt.lstReport", { lst: "steth", rewardsWei: E(1_700), penaltiesWei: 0n }]);
  calls.push(["lst-oracle", "lrt.lstReport", { lst: "reth", rewardsWei: E(1_200), penaltiesWei: 0n }]);
  calls.push(["lst-oracle", "lrt.lstReport", { lst: "cbeth", rewardsWei: E(800), penaltiesWei: 0n }]);
  await flush();

  // 2. the five LRTs, their delegators (one per operator), bridge routes; Renzo keeps an ETH withdraw buffer
  const assets = { stETH: lstToken("steth"), rETH: lstToken("reth"), cbETH: lstToken("cbeth") };
  for (const l of DEMO_LRTS) {
    const id = PRESETS[l.kind].id;
    const cmd = presetCommand(l.kind, rolesFor(id, keys), assets);
    const { type: _type, ...params } = cmd;
    if (l.kind === "renzo") params.params = { ...params.params, bufferTargets: [[NATIVE_ETH, E(120)]] };
    calls.push(["admin", "lrt.createLrt", params]);
    for (const [op, weightBps] of l.delegators) {
      calls.push([lrtRoleKey(id, "admin"), "lrt.addDelegator", { lrt: id, operator: addr(op), weightBps }]);
    }
    const chain = DEMO_L2S[id as keyof typeof DEMO_L2S];
    if (chain !== undefined) {
      calls.push([
        lrtRoleKey(id, "admin"),
        "lrt.addBridgeRoute",
        {
          lrt: id,
          chain,
          mechanism: id === "ezeth" ? "burnAndMint" : "lockAndMint",
          verifier: addr("bridge-verifier"),
        },
      ]);
    }
    // the oracles and managers pay rewards in and cover gas-like costs: give them ETH
    calls.push(["admin", "mint", { token: NATIVE_ETH, to: addr(lrtRoleKey(id, "manager")), amount: E(500) }]);
  }
  // Renzo's feeds must exist before its first deposit
  calls.push([lrtRoleKey("ezeth", "oracle"), "lrt.report", { lrt: "ezeth" }]);
  await flush();

  // 3. deposits: ETH minted to each staker, LSTs bought with it where the deposit is an LST
  for (const [i, lrt, asset, value] of DEMO_LRT_DEPOSITS) {
    const name = staker(i);
    calls.push(["admin", "mint", { token: NATIVE_ETH, to: addr(name), amount: E(value) }]);
    if (asset === "ETH") {
      calls.push([name, "lrt.deposit", { lrt, asset: NATIVE_ETH, amount: E(value) }]);
    } else {
      const l = getLst(w(), asset);
      // the shares the submit buys, less a few wei of rounding (other submits in the batch move the ratio slightly)
      const shares = (E(value) * l.totalShares) / l.totalPooledEther - 10n;
      calls.push([name, "lrt.lstSubmit", { lst: asset, amount: E(value) }]);
      calls.push([name, "lrt.deposit", { lrt, asset: lstToken(asset), amount: shares }]);
    }
  }
  await flush();

  // 4. native restaking: each LRT stakes ~85% of its liquid ETH in validators, split by delegator weight; the beacon
  // reporter then verifies their withdrawal credentials, so the pods' shares count for the operators
  let validatorIndex = 1_500_000n;
  const verify: DemoCall[] = [];
  for (const l of DEMO_LRTS) {
    const id = PRESETS[l.kind].id;
    const rec = getLrt(w(), id);
    const liquid = balanceOf(ledger.world.eigen, NATIVE_ETH, rec.accounts.pool);
    const validators = (liquid * 85n) / 100n / VALIDATOR_ETH;
    let left = validators;
    rec.delegators.forEach((d, n) => {
      const count = n === rec.delegators.length - 1 ? left : (validators * d.weightBps) / 10_000n;
      left -= count;
      if (count === 0n) return;
      calls.push([lrtRoleKey(id, "manager"), "lrt.stakeNative", { lrt: id, delegator: BigInt(n), validators: count }]);
      verify.push([
        "beacon-reporter",
        "verifyWithdrawalCredentials",
        {
          podOwner: d.address,
          validators: Array.from({ length: Number(count) }, () => ({
            validatorIndex: validatorIndex++,
            effectiveBalanceGwei: 32_000_000_000n,
          })),
        },
      ]);
      summary.pods++;
    });
  }
  await flush();
  await tx.run(verify);

  // 5. bridged supply, queued withdrawals, instant redemptions (exit fees)
  const s3 = addr(staker(3));
  calls.push([staker(3), "lrt.wrap", { lrt: "eeth", amount: E(400) }]);
  calls.push([
    staker(3),
    "lrt.bridgeOut",
    { lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: s3, amount: E(240) },
  ]);
  calls.push([
    staker(10),
    "lrt.bridgeOut",
    { lrt: "ezeth", fromChain: "ethereum", toChain: "base", to: addr(staker(10)), amount: E(160) },
  ]);
  calls.push([
    staker(14),
    "lrt.bridgeOut",
    { lrt: "rseth", fromChain: "ethereum", toChain: "unichain", to: addr(staker(14)), amount: E(120) },
  ]);
  await flush();
  calls.push([
    "bridge-verifier",
    "lrt.bridgeIn",
    { lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", nonce: 1n, to: s3, amount: E(240) },
  ]);
  calls.push([
    "bridge-verifier",
    "lrt.bridgeIn",
    { lrt: "ezeth", fromChain: "ethereum", toChain: "base", nonce: 1n, to: addr(staker(10)), amount: E(160) },
  ]);
  calls.push([
    "bridge-verifier",
    "lrt.bridgeIn",
    { lrt: "rseth", fromChain: "ethereum", toChain: "unichain", nonce: 1n, to: addr(staker(14)), amount: E(120) },
  ]);
  // a second transfer to Arbitrum, still in flight
  calls.push([
    staker(3),
    "lrt.bridgeOut",
    { lrt: "eeth", fromChain: "ethereum", toChain: "arbitrum", to: s3, amount: E(30) },
  ]);
  const requests: DemoCall[] = [
    [staker(2), "lrt.requestWithdrawal", { lrt: "eeth", amount: E(50) }],
    [staker(6), "lrt.requestWithdrawal", { lrt: "eeth", amount: E(35) }],
    [staker(7), "lrt.requestWithdrawal", { lrt: "ezeth", amount: E(30), asset: NATIVE_ETH }],
    [staker(11), "lrt.requestWithdrawal", { lrt: "rseth", amount: E(60), asset: NATIVE_ETH }],
    [staker(15), "lrt.requestWithdrawal", { lrt: "pufeth", amount: E(40) }],
    [staker(18), "lrt.requestWithdrawal", { lrt: "rsweth", amount: E(25) }],
  ];
  calls.push(...requests);
  summary.lrtRequests = requests.length;
  calls.push([staker(5), "lrt.instantRedeem", { lrt: "eeth", amount: E(20) }]);
  calls.push([staker(17), "lrt.instantRedeem", { lrt: "pufeth", amount: E(15) }]);
  await flush();

  // 6. markets: assets, oracles (LRT exchange rates read live from the LRT layer), pools, lending
  const mm = addr("market-maker");
  for (const [asset, decimals] of [
    ["WETH", 18],
    ...DEMO_LRTS.map((l) => [l.asset, 18] as const),
    ["USDC", 6],
  ] as const) {
    calls.push(["admin", "market.listAsset", { asset, decimals }]);
  }
  calls.push(["admin", "market.createOracle", { oracle: "ETH", spec: { kind: "fixed", price: 3_000n * E8 } }]);
  calls.push(["admin", "market.createOracle", { oracle: "USDC", spec: { kind: "fixed", price: E8 } }]);
  for (const l of DEMO_LRTS) {
    const id = PRESETS[l.kind].id;
    calls.push([
      "admin",
      "market.createOracle",
      { oracle: l.asset, spec: { kind: "exchangeRate", source: id, base: "ETH" } },
    ]);
    calls.push([
      "admin",
      "market.createStableSwapPool",
      {
        pool: `${l.asset}-WETH`,
        assets: [l.asset, "WETH"],
        amplification: l.pool.amplification,
        fee: 4_000_000n,
        adminFee: 5_000_000_000n,
        rateMultipliers: [lrtViews.rate(w(), id), WAD],
      },
    ]);
    calls.push(["admin", "market.mint", { asset: l.asset, to: mm, amount: l.pool.depth * 2n }]);
  }
  calls.push([
    "admin",
    "market.createOracle",
    {
      oracle: "ezETH-capo",
      spec: {
        kind: "capo",
        source: "ezeth",
        base: "ETH",
        snapshotRatio: lrtViews.rate(w(), "ezeth"),
        snapshotTimestamp: ledger.time.timestamp,
        maxYearlyRatioGrowthBps: 800n,
      },
    },
  ]);
  calls.push([
    "admin",
    "market.createConstantProductPool",
    { pool: "WETH-USDC", assets: ["WETH", "USDC"], feeBps: 30n },
  ]);
  calls.push(["admin", "market.mint", { asset: "WETH", to: mm, amount: E(12_000) }]);
  calls.push(["admin", "market.mint", { asset: "USDC", to: mm, amount: 8_000_000n * E6 }]);
  for (const l of DEMO_LRTS) {
    const id = PRESETS[l.kind].id;
    const rate = lrtViews.rate(w(), id);
    calls.push([
      "market-maker",
      "market.addLiquidity",
      { pool: `${l.asset}-WETH`, amounts: [l.pool.depth, (l.pool.depth * rate) / WAD], minLpOut: 0n },
    ]);
  }
  calls.push([
    "market-maker",
    "market.addLiquidity",
    { pool: "WETH-USDC", amounts: [E(1_000), 3_000_000n * E6], minLpOut: 0n },
  ]);
  calls.push([
    "admin",
    "market.createOracle",
    { oracle: "ezETH-dex", spec: { kind: "dex", pool: "ezETH-WETH", asset: "ezETH", quote: "WETH", base: "ETH" } },
  ]);
  const reserve = (asset: string, oracle: string, cfg: Record<string, unknown>): DemoCall => [
    "admin",
    "market.aaveInitReserve",
    {
      asset,
      config: {
        oracle,
        liquidationProtocolFee: 1_000n,
        supplyCap: 0n,
        borrowCap: 0n,
        borrowingEnabled: true,
        ...cfg,
      },
    },
  ];
  calls.push(
    reserve("WETH", "ETH", {
      ltv: 8_000n,
      liquidationThreshold: 8_300n,
      liquidationBonus: 10_500n,
      reserveFactor: 1_500n,
      rate: WETH_CURVE,
    }),
    reserve("weETH", "weETH", {
      ltv: 7_250n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      reserveFactor: 4_500n,
      supplyCap: 20_000n,
      rate: LRT_CURVE,
    }),
    reserve("ezETH", "ezETH-capo", {
      ltv: 5n,
      liquidationThreshold: 10n,
      liquidationBonus: 10_750n,
      reserveFactor: 1_500n,
      supplyCap: 10_000n,
      borrowingEnabled: false,
      rate: LRT_CURVE,
    }),
    reserve("rsETH", "rsETH", {
      ltv: 7_200n,
      liquidationThreshold: 7_500n,
      liquidationBonus: 10_750n,
      reserveFactor: 4_500n,
      supplyCap: 10_000n,
      borrowingEnabled: false,
      rate: LRT_CURVE,
    }),
    reserve("USDC", "USDC", {
      ltv: 7_500n,
      liquidationThreshold: 7_800n,
      liquidationBonus: 10_450n,
      reserveFactor: 1_000n,
      rate: USDC_CURVE,
    }),
  );
  calls.push([
    "admin",
    "market.aaveSetEModeCategory",
    {
      id: 1,
      label: "ETH correlated",
      ltv: 9_300n,
      liquidationThreshold: 9_500n,
      liquidationBonus: 10_100n,
      collateralAssets: ["WETH", "weETH", "rsETH"],
      borrowableAssets: ["WETH"],
    },
  ]);
  calls.push([
    "admin",
    "market.aaveSetEModeCategory",
    {
      id: 2,
      label: "ezETH/WETH",
      ltv: 9_000n,
      liquidationThreshold: 9_300n,
      liquidationBonus: 10_200n,
      collateralAssets: ["ezETH"],
      borrowableAssets: ["WETH"],
    },
  ]);
  for (const [market, collateral, oracle, lltv] of [
    [DEMO_MORPHO_EZETH, "ezETH", "ezETH-dex", 86n],
    [DEMO_MORPHO_RSETH, "rsETH", "rsETH", 945n],
  ] as const) {
    calls.push([
      "admin",
      "market.createMorphoMarket",
      {
        market,
        loanToken: "WETH",
        collateralToken: collateral,
        collateralOracle: oracle,
        loanOracle: "ETH",
        irm: { kind: "kink", curve: WETH_CURVE },
        lltv: lltv < 100n ? lltv * 10n ** 16n : lltv * 10n ** 15n,
        fee: 0n,
      },
    ]);
  }
  calls.push(["market-maker", "market.aaveSupply", { asset: "WETH", amount: E(5_000) }]);
  calls.push(["market-maker", "market.aaveSupply", { asset: "USDC", amount: 3_000_000n * E6 }]);
  calls.push(["market-maker", "market.morphoSupply", { market: DEMO_MORPHO_EZETH, assets: E(1_500), shares: 0n }]);
  calls.push(["market-maker", "market.morphoSupply", { market: DEMO_MORPHO_RSETH, assets: E(800), shares: 0n }]);
  await flush();

  // 7. borrowers (the market layer's tokens are minted to them by the market admin)
  const give = (i: number, asset: string, amount: bigint): DemoCall => [
    "admin",
    "market.mint",
    { asset, to: addr(staker(i)), amount },
  ];
  const borrowers: [number, DemoCall[]][] = [
    // weETH in the ETH-correlated e-mode: HF ≈ 1.19
    [
      3,
      [
        give(3, "weETH", E(150)),
        [staker(3), "market.aaveSetUserEMode", { categoryId: 1 }],
        [staker(3), "market.aaveSupply", { asset: "weETH", amount: E(150) }],
        [staker(3), "market.aaveBorrow", { asset: "WETH", amount: E(120) }],
      ],
    ],
    // a weETH loop in e-mode
    [
      6,
      [
        give(6, "weETH", E(40)),
        [staker(6), "market.aaveSetUserEMode", { categoryId: 1 }],
        [
          staker(6),
          "market.loop",
          {
            venue: "aave",
            collateral: "weETH",
            debt: "WETH",
            pool: "weETH-WETH",
            initialAmount: E(40),
            iterations: 6n,
            borrowFractionBps: 9_000n,
          },
        ],
      ],
    ],
    // USDC borrowed against rsETH outside e-mode: HF ≈ 1.35
    [
      11,
      [
        give(11, "rsETH", E(60)),
        [staker(11), "market.aaveSupply", { asset: "rsETH", amount: E(60) }],
        [staker(11), "market.aaveBorrow", { asset: "USDC", amount: 100_000n * E6 }],
      ],
    ],
    // ezETH in its e-mode, priced by the CAPO-capped rate: HF ≈ 1.16
    [
      21,
      [
        give(21, "ezETH", E(60)),
        [staker(21), "market.aaveSetUserEMode", { categoryId: 2 }],
        [staker(21), "market.aaveSupply", { asset: "ezETH", amount: E(60) }],
        [staker(21), "market.aaveBorrow", { asset: "WETH", amount: E(48) }],
      ],
    ],
    // WETH borrowed against USDC: HF ≈ 1.3
    [
      24,
      [
        give(24, "USDC", 250_000n * E6),
        [staker(24), "market.aaveSupply", { asset: "USDC", amount: 250_000n * E6 }],
        [staker(24), "market.aaveBorrow", { asset: "WETH", amount: E(50) }],
      ],
    ],
    // Morpho ezETH/WETH, priced by the pool: HF ≈ 1.03 (liquidated after the sale) and ≈ 1.07 (left close to 1)
    [
      DEMO_LIQUIDATED,
      [
        give(DEMO_LIQUIDATED, "ezETH", E(120)),
        [staker(DEMO_LIQUIDATED), "market.morphoSupplyCollateral", { market: DEMO_MORPHO_EZETH, assets: E(120) }],
        [staker(DEMO_LIQUIDATED), "market.morphoBorrow", { market: DEMO_MORPHO_EZETH, assets: E(100), shares: 0n }],
      ],
    ],
    [
      DEMO_CLOSE_CALL,
      [
        give(DEMO_CLOSE_CALL, "ezETH", E(80)),
        [staker(DEMO_CLOSE_CALL), "market.morphoSupplyCollateral", { market: DEMO_MORPHO_EZETH, assets: E(80) }],
        [staker(DEMO_CLOSE_CALL), "market.morphoBorrow", { market: DEMO_MORPHO_EZETH, assets: E(65), shares: 0n }],
      ],
    ],
    // Morpho rsETH/WETH at the exchange rate: HF ≈ 1.05
    [
      14,
      [
        give(14, "rsETH", E(50)),
        [staker(14), "market.morphoSupplyCollateral", { market: DEMO_MORPHO_RSETH, assets: E(50) }],
        [staker(14), "market.morphoBorrow", { market: DEMO_MORPHO_RSETH, assets: E(45), shares: 0n }],
      ],
    ],
  ];
  for (const [, c] of borrowers) calls.push(...c);
  summary.borrowers = borrowers.length;
  calls.push(["admin", "market.mint", { asset: "WETH", to: addr("liquidator"), amount: E(300) }]);
  calls.push(["admin", "market.mint", { asset: "ezETH", to: addr(staker(9)), amount: E(250) }]);
  await flush();

  // 8. history: a day at a time
  for (let day = 1; day <= DEMO_HISTORY_DAYS; day++) {
    if (manual) await tx.run([["admin", "advanceClock", { blocks: BLOCKS_PER_DAY }]]);
    // consensus rewards on the LSTs, rewards paid into the LRTs, then each protocol's report
    for (const p of LST_PRESETS) {
      const l = getLst(w(), p.id);
      calls.push([
        "lst-oracle",
        "lrt.lstReport",
        { lst: p.id, rewardsWei: (l.totalPooledEther * DAILY_REWARD_PPM) / 1_000_000n, penaltiesWei: 0n },
      ]);
    }
    for (const l of DEMO_LRTS) {
      const id = PRESETS[l.kind].id;
      const value = lrtViews.nav(w(), id).nav;
      calls.push([
        lrtRoleKey(id, "manager"),
        "lrt.depositRewards",
        { lrt: id, amount: (value * DAILY_REWARD_PPM) / 1_000_000n },
      ]);
    }
    await flush();
    calls.push([lrtRoleKey("ezeth", "oracle"), "lrt.report", { lrt: "ezeth" }]);
    calls.push([lrtRoleKey("rseth", "oracle"), "lrt.report", { lrt: "rseth" }]);
    if (manual) {
      calls.push([lrtRoleKey("eeth", "oracle"), "lrt.report", { lrt: "eeth" }]);
      calls.push([lrtRoleKey("pufeth", "oracle"), "lrt.report", { lrt: "pufeth" }]);
      calls.push([lrtRoleKey("rsweth", "oracle"), "lrt.report", { lrt: "rsweth" }]);
    }
    await flush();
    // the pools' stored rates follow the LRTs' rates (as rate-oracle pools do)
    for (const l of DEMO_LRTS) {
      const rate = lrtViews.rate(w(), PRESETS[l.kind].id);
      calls.push(["admin", "market.setPoolRates", { pool: `${l.asset}-WETH`, rateMultipliers: [rate, WAD] }]);
    }
    await flush();
    // trading: a small trade a day in one pool, and the ezETH episode
    const l = DEMO_LRTS[day % DEMO_LRTS.length]!;
    const sell = day % 2 === 0;
    const size = l.pool.depth / 25n;
    calls.push([
      "market-maker",
      "market.swap",
      {
        pool: `${l.asset}-WETH`,
        assetIn: sell ? l.asset : "WETH",
        assetOut: sell ? "WETH" : l.asset,
        amountIn: size,
        minAmountOut: 0n,
      },
    ]);
    if (day === 3) {
      calls.push([
        staker(9),
        "market.swap",
        { pool: "ezETH-WETH", assetIn: "ezETH", assetOut: "WETH", amountIn: E(250), minAmountOut: 0n },
      ]);
    }
    if (day === 4) {
      const m = ledger.world.markets;
      const position = morpho.positionOf(m, DEMO_MORPHO_EZETH, addr(staker(DEMO_LIQUIDATED)));
      calls.push([
        "liquidator",
        "market.morphoLiquidate",
        {
          market: DEMO_MORPHO_EZETH,
          borrower: addr(staker(DEMO_LIQUIDATED)),
          seizedAssets: 0n,
          repaidShares: position.borrowShares / 2n,
        },
      ]);
      summary.liquidations = 1;
    }
    if (day === 5) {
      calls.push([
        "market-maker",
        "market.swap",
        { pool: "ezETH-WETH", assetIn: "WETH", assetOut: "ezETH", amountIn: E(110), minAmountOut: 0n },
      ]);
    }
    // the queues move on: Kelp unlocks on day 2; with a manual clock, ether.fi's report finalized eETH requests
    if (day === 2) calls.push([lrtRoleKey("rseth", "manager"), "lrt.finalizeWithdrawals", { lrt: "rseth" }]);
    if (day === 2 && manual) calls.push([staker(2), "lrt.claimWithdrawal", { lrt: "eeth", id: 1n }]);
    await flush();
  }
  return summary;
}
