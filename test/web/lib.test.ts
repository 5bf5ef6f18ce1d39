import { describe, expect, it } from "vitest";
import type { Neutral, Staker, Strategies } from "../../web/src/api/types.ts";
import { AssetBook, avsName, parseSetKey } from "../../web/src/lib/assets.ts";
import { formatInt, formatUnits, percent, ratio, shortAddress, wadPercent } from "../../web/src/lib/format.ts";
import { hhi, hhiLevel, lookThrough, nakamoto, operatorStakes, queuedByStrategy } from "../../web/src/lib/metrics.ts";
import { parseRoute } from "../../web/src/routes.ts";

/** The dashboard's pure logic: formatting, the strategy book, concentration metrics, look-through, routes. */

const E18 = 10n ** 18n;
const BEACON = "0xbeac0eeeeeeeeeeeeeeeeeeeeeeeeeeeeeebeac0";
const ST = `0x${"51".repeat(20)}`;
const USDC = `0x${"52".repeat(20)}`;

const strategies: Strategies = {
  strategies: [
    // 1,000 stETH backing 900 shares: one share is worth more than one token
    {
      address: ST,
      token: "0x1",
      symbol: "stETH",
      decimals: 18,
      totalShares: (900n * E18).toString(),
      balance: (1000n * E18).toString(),
      rate: "0",
    },
    { address: USDC, token: "0x2", symbol: "USDC", decimals: 6, totalShares: "1000000", balance: "1000000", rate: "0" },
  ],
  beaconChainETH: { strategy: BEACON, asset: "0xeeee", burnableShares: "0" },
};

describe("formatting", () => {
  it("truncates, groups and never rounds up", () => {
    expect(formatUnits(1234567891234567891234n, 18)).toBe("1,234.5678");
    expect(formatUnits(999999999999999999n, 18)).toBe("0.9999");
    expect(formatUnits(10n ** 18n, 18)).toBe("1");
    expect(formatUnits(0n, 18)).toBe("0");
    expect(formatUnits(1n, 18)).toBe("<0.0001");
    expect(formatUnits(-1n, 18)).toBe(">-0.0001");
    expect(formatUnits(-2500000n, 6)).toBe("-2.5");
    expect(formatUnits(123n, 0)).toBe("123");
    expect(formatUnits(2n ** 256n - 1n, 18)).toBe(
      "115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584",
    );
  });

  it("percentages keep their digits; counts and addresses", () => {
    expect(percent(1n, 3n)).toBe("33.33%");
    expect(percent(3n, 4n, 1)).toBe("75.0%");
    expect(percent(1n, 0n)).toBe("–");
    expect(wadPercent(E18 / 20n)).toBe("5.00%");
    expect(ratio(1n, 4n)).toBe(0.25);
    expect(formatInt("1234567")).toBe("1,234,567");
    expect(formatInt(-1234)).toBe("-1,234");
    expect(shortAddress(`0x${"ab".repeat(20)}`)).toBe("0xabab…abab");
    expect(shortAddress("not an address")).toBe("not an address");
  });
});

describe("AssetBook", () => {
  const book = new AssetBook(strategies);

  it("converts shares to the asset exactly as StrategyBase does", () => {
    // ⌊(1000e18 + 1000)·90e18/(900e18 + 1000)⌋
    const shares = 90n * E18;
    expect(book.sharesToAsset(ST, shares)).toBe(((1000n * E18 + 1000n) * shares) / (900n * E18 + 1000n));
    expect(book.sharesToAsset(BEACON, 5n)).toBe(5n);
  });

  it("knows which assets count as ETH", () => {
    expect(book.info(BEACON)).toMatchObject({ symbol: "ETH", native: true, isEth: true });
    expect(book.info(ST).isEth).toBe(true);
    expect(book.info(USDC)).toMatchObject({ symbol: "USDC", decimals: 6, isEth: false });
    expect(book.list().map((i) => i.symbol)).toEqual(["ETH", "stETH", "USDC"]);
  });

  it("names AVSs from their metadata URI", () => {
    expect(avsName("https://demo.restake.dev/avs/arc-bridge.json")).toBe("arc-bridge");
    expect(avsName("ipfs://bafy/meta?x=1")).toBe("meta");
    expect(avsName("")).toBe("");
    expect(parseSetKey(`0x${"c3".repeat(20)}/12`)).toEqual({ avs: `0x${"c3".repeat(20)}`, id: "12" });
  });
});

describe("concentration", () => {
  it("HHI on the 0–10,000 scale", () => {
    expect(hhi([3n, 1n])).toBe(6250);
    expect(hhi([1n, 1n, 1n, 1n])).toBe(2500);
    expect(hhi([5n])).toBe(10000);
    expect(hhi([])).toBe(0);
    expect(hhi([1n, 2n])).toBe(5555.55);
    expect(hhiLevel(1499)).toBe("unconcentrated");
    expect(hhiLevel(2500)).toBe("moderately concentrated");
    expect(hhiLevel(2501)).toBe("highly concentrated");
  });

  it("Nakamoto coefficient: the fewest holders strictly above the threshold", () => {
    expect(nakamoto([25n, 25n, 25n, 25n], 1n, 3n)).toBe(2);
    expect(nakamoto([25n, 25n, 25n, 25n], 1n, 2n)).toBe(3); // exactly half is not a majority
    expect(nakamoto([1n, 1n, 1n], 1n, 3n)).toBe(2); // exactly a third does not halt
    expect(nakamoto([90n, 5n, 5n], 1n, 2n)).toBe(1);
    expect(nakamoto([], 1n, 3n)).toBe(0);
  });
});

describe("look-through exposure", () => {
  const book = new AssetBook(strategies);
  const OP = `0x${"a1".repeat(20)}`;
  const AVS = `0x${"c3".repeat(20)}`;
  const neutral: Neutral = {
    protocol: "eigenlayer",
    block: "10",
    horizonBlock: "10",
    exposures: [
      {
        collateral: ST,
        asset: "",
        operator: OP,
        service: AVS,
        serviceSet: `${AVS}/0`,
        slasher: "",
        redistributionRecipient: null,
        shares: "0",
        assetAmount: (30n * E18).toString(),
        sharesAtHorizon: "0",
        fractionWad: (E18 / 3n).toString(),
        slashableUntil: null,
      },
      {
        collateral: USDC,
        asset: "",
        operator: OP,
        service: AVS,
        serviceSet: `${AVS}/1`,
        slasher: "",
        redistributionRecipient: null,
        shares: "0",
        assetAmount: "500000",
        sharesAtHorizon: "0",
        fractionWad: (E18 / 2n).toString(),
        slashableUntil: null,
      },
    ],
    operators: [
      {
        operator: OP,
        stakers: 2,
        delegated: [
          { collateral: ST, asset: "", shares: (90n * E18).toString(), assetAmount: "0" },
          { collateral: USDC, asset: "", shares: "1000000", assetAmount: "1000000" },
        ],
      },
    ],
    services: [],
  };
  const staker: Staker = {
    address: "0xs",
    block: "10",
    delegatedTo: OP,
    isOperator: false,
    beaconChainSlashingFactor: E18.toString(),
    strategies: [
      {
        strategy: ST,
        asset: "",
        depositShares: "0",
        withdrawableShares: (30n * E18).toString(),
        withdrawableAmount: (33n * E18).toString(),
        depositScalingFactor: "0",
        slashingFactor: "0",
      },
      {
        strategy: USDC,
        asset: "",
        depositShares: "0",
        withdrawableShares: "250000",
        withdrawableAmount: "250000",
        depositScalingFactor: "0",
        slashingFactor: "0",
      },
    ],
    tokenBalances: [],
    queuedWithdrawals: [
      {
        root: "0x1",
        staker: "0xs",
        delegatedTo: OP,
        withdrawer: "0xs",
        nonce: "0",
        startBlock: "5",
        strategies: [ST],
        shares: [(9n * E18).toString()],
        slashableUntil: "10",
        completableFrom: "11",
        completable: false,
      },
      // past its window: no longer slashable
      {
        root: "0x2",
        staker: "0xs",
        delegatedTo: OP,
        withdrawer: "0xs",
        nonce: "1",
        startBlock: "1",
        strategies: [ST],
        shares: [(9n * E18).toString()],
        slashableUntil: "9",
        completableFrom: "10",
        completable: true,
      },
    ],
    pod: null,
  };

  it("takes the position's share of each exposure of its operator, plus its slashable queue", () => {
    const v = lookThrough(staker, neutral, book);
    expect(v.operator).toBe(OP);
    const delegated = v.rows.filter((r) => r.layer === "delegated");
    // a third of the operator's stETH shares → a third of its 30 stETH exposure; a quarter of its USDC
    expect(delegated.map((r) => [r.strategy, r.amount])).toEqual([
      [ST, 10n * E18],
      [USDC, 125000n],
    ]);
    const queued = v.rows.filter((r) => r.layer === "queued");
    expect(queued).toHaveLength(1);
    const queuedAsset = book.sharesToAsset(ST, 9n * E18);
    expect(queued[0]!.amount).toBe((queuedAsset * (E18 / 3n)) / E18);
    expect(v.byService).toEqual([
      { service: AVS, eth: 10n * E18 + queued[0]!.amount, other: [{ strategy: USDC, amount: 125000n }] },
    ]);
    expect(v.baseEth).toBe(33n * E18 + queuedAsset);
    expect(v.exposedEth + v.unallocatedEth).toBe(v.baseEth);
  });

  it("an undelegated position is exposed only through its slashable queue", () => {
    const v = lookThrough({ ...staker, delegatedTo: null }, neutral, book);
    expect(v.rows.every((r) => r.layer === "queued")).toBe(true);
    const none = lookThrough({ ...staker, delegatedTo: null, queuedWithdrawals: [] }, neutral, book);
    expect(none.rows).toEqual([]);
    expect(none.baseEth).toBe(0n);
  });

  it("operator stakes and the queue by strategy", () => {
    const stakes = operatorStakes(neutral, book);
    expect(stakes).toEqual([{ operator: OP, stakers: 2, eth: 0n, other: [{ strategy: USDC, amount: 1000000n }] }]);
    const q = queuedByStrategy(staker.queuedWithdrawals, book);
    expect(q.get(ST)).toBe(2n * book.sharesToAsset(ST, 9n * E18));
  });
});

describe("routes", () => {
  const A = `0x${"Ab".repeat(20)}`;
  it("maps paths to pages, lower-casing addresses", () => {
    expect(parseRoute("/")).toEqual({ page: "overview" });
    expect(parseRoute(`/operators/${A}`)).toEqual({ page: "operator", address: A.toLowerCase() });
    expect(parseRoute(`/avs/${A}/`)).toEqual({ page: "avs", address: A.toLowerCase() });
    expect(parseRoute(`/avs/${A}/sets/7`)).toEqual({ page: "operatorSet", avs: A.toLowerCase(), id: "7" });
    expect(parseRoute("/position")).toEqual({ page: "position", address: null });
    expect(parseRoute(`/position/${A}`)).toEqual({ page: "position", address: A.toLowerCase() });
    expect(parseRoute("/operators/0x12")).toEqual({ page: "notFound", path: "/operators/0x12" });
    expect(parseRoute(`/avs/${A}/sets/01`).page).toBe("notFound");
  });
});
