import type { AvsList, Strategies } from "../api/types.ts";
import { mulDiv } from "./format.ts";

/**
 * What the dashboard knows about each strategy: its asset's symbol and decimals, whether it counts as ETH, and how to
 * turn shares into the asset exactly as the engine does (StrategyBase: ⌊(balance + 1000)·shares/(totalShares + 1000)⌋;
 * beacon-chain ETH shares are wei).
 *
 * "ETH-denominated" = native ETH and the 18-decimal liquid staking tokens (symbols containing "ETH"). There is no
 * price feed in the API, so LSTs count 1:1 with ETH in totals and other assets (USDC) are reported on their own.
 */

export interface AssetInfo {
  strategy: string;
  symbol: string;
  decimals: number;
  /** counts toward ETH totals */
  isEth: boolean;
  native: boolean;
}

const VIRTUAL_OFFSET = 1000n;

export class AssetBook {
  private readonly byStrategy = new Map<string, AssetInfo & { balance: bigint; totalShares: bigint }>();
  readonly beaconStrategy: string;

  constructor(strategies: Strategies) {
    this.beaconStrategy = strategies.beaconChainETH.strategy;
    this.byStrategy.set(this.beaconStrategy, {
      strategy: this.beaconStrategy,
      symbol: "ETH",
      decimals: 18,
      isEth: true,
      native: true,
      balance: 0n,
      totalShares: 0n,
    });
    for (const st of strategies.strategies) {
      this.byStrategy.set(st.address, {
        strategy: st.address,
        symbol: st.symbol || "?",
        decimals: st.decimals,
        isEth: st.decimals === 18 && /eth/i.test(st.symbol),
        native: false,
        balance: BigInt(st.balance),
        totalShares: BigInt(st.totalShares),
      });
    }
  }

  info(strategy: string): AssetInfo {
    return this.byStrategy.get(strategy) ?? { strategy, symbol: "?", decimals: 18, isEth: false, native: false };
  }

  /** Strategies in display order: native ETH first, then as the API lists them. */
  list(): AssetInfo[] {
    return [...this.byStrategy.values()];
  }

  /** The asset amount behind `shares` of `strategy`, exactly as the engine computes it. */
  sharesToAsset(strategy: string, shares: bigint): bigint {
    const st = this.byStrategy.get(strategy);
    if (st === undefined || st.native) return shares;
    return mulDiv(st.balance + VIRTUAL_OFFSET, shares, st.totalShares + VIRTUAL_OFFSET);
  }

  /** The asset the strategy holds (its token balance); 0 for native ETH, whose pods the API does not total. */
  depositedAsset(strategy: string): bigint {
    return this.byStrategy.get(strategy)?.balance ?? 0n;
  }

  /** Strategy order for sorting rows: the order of list(). */
  order(strategy: string): number {
    let i = 0;
    for (const key of this.byStrategy.keys()) {
      if (key === strategy) return i;
      i++;
    }
    return i;
  }
}

/** An AVS's display name: the last path segment of its metadata URI without extension, else "". */
export function avsName(metadataURI: string): string {
  const m = /([^/?#]+?)(?:\.[a-z0-9]+)?(?:[?#].*)?$/i.exec(metadataURI.trim());
  return m?.[1] ?? "";
}

export function avsNames(list: AvsList | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const a of list?.avss ?? []) {
    const name = avsName(a.metadataURI);
    if (name !== "") names.set(a.address, name);
  }
  return names;
}

/** `<avs>/<id>` → its parts. */
export function parseSetKey(key: string): { avs: string; id: string } {
  const i = key.lastIndexOf("/");
  return { avs: key.slice(0, i), id: key.slice(i + 1) };
}
