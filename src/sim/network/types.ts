import type { EigenParams } from "../../core/eigenlayer/params.ts";
import type { Address } from "../../core/eigenlayer/state.ts";
import type { ProtocolKind } from "../../lrt/state.ts";
import type { AssetMap } from "../../risk/exposureWorld.ts";
import type { SimChain } from "../chain.ts";
import type { FaultType } from "../scenario/types.ts";

/**
 * A built network: the chain (world + clock) after every setup command ran, and the directory the timeline and the
 * agents use to find things by id. Ids are the scenario's names ("op-17", "avs-3", "ezeth"); addresses are derived
 * from them deterministically.
 *
 * The markets layer keeps its own ledger of assets (src/markets). An LRT traded or lent there (market asset `ezETH`)
 * is the same token as the LRT layer's: the network builder moves LRT tokens across through a **gateway** — the LRT
 * layer's tokens are transferred to `gateway` and the same amount is minted in the markets layer; going back, the
 * market tokens are transferred to `gateway` and the LRT layer's are released. So at every block
 * Σ market balances of `ezETH` outside the gateway = the LRT layer's `ezETH` held by the gateway (asserted by the
 * conservation check). `toMarket`/`fromMarket` in src/sim/network/gateway.ts do it.
 */
export interface SimNetwork {
  chain: SimChain;
  /** the block at which the run starts (after setup) */
  startBlock: bigint;
  /** market-layer admin and the LRT-layer/core admin */
  admin: Address;
  marketAdmin: Address;
  /** the gateway between the LRT layer and the markets layer */
  gateway: Address;
  operators: SimOperator[];
  avss: SimAvs[];
  lrts: SimLrt[];
  /** direct core stakers (not through an LRT) */
  stakers: Address[];
  /** LRT holders: the LRT they hold (in the LRT layer, on the L1) */
  lrtHolders: { address: Address; lrt: string }[];
  loopers: SimLooper[];
  /** the market asset id of WETH */
  weth: string;
  /** Aave-style reserves' assets, and Morpho market ids */
  aaveAssets: string[];
  morphoMarkets: { id: string; lrt: string; lltv: number }[];
  /** which market asset is which (for the exposure engine and valuation) */
  assetMap: AssetMap;
  /** accounts the timeline and agents act as (funded as needed by the events themselves, through the admins' mints) */
  accounts: {
    attacker: Address;
    shockSeller: Address;
    liquidator: Address;
    arbitrageurs: Address[];
    /** can set market oracles / freeze reserves (the market admin) */
    riskAdmin: Address;
  };
  /**
   * Value minted during set-up (wei): native ETH the core admin minted (`eth`) and WETH the market admin minted
   * (`marketWeth`). LRT assets the gateway mints in the markets are backed by LRT-layer tokens, so not counted.
   */
  injected: { eth: bigint; marketWeth: bigint };
  /** the core parameters the world was created with (delays, admin, reporter): replay into createWorld(worldParams) */
  worldParams: Partial<EigenParams>;
  beaconReporter: Address;
  /** the LSTs (stETH, rETH, cbETH) and their core strategies */
  lsts: { id: string; token: Address; strategy: Address }[];
  /** native-restaking pods with the validators set-up verified (beaconSlash targets them) */
  pods: SimPod[];
  /** WETH suppliers: the Aave-style pool's first, then one per Morpho market */
  lenders: Address[];
}

export interface SimPod {
  owner: Address;
  /** the LRT whose operator delegator owns the pod; null for a direct staker */
  lrt: string | null;
  /** validator indices firstIndex … firstIndex + count − 1 (32 ETH each for LRTs; up to 2,048 ETH for stakers) */
  firstIndex: bigint;
  count: number;
}

export interface SimOperator {
  id: string;
  address: Address;
  /** AVS client implementations it runs (a correlated fault hits every operator running one) */
  clients: string[];
}

export interface SimAvs {
  id: string;
  address: Address;
  /** the account allowed to slash (the AVS itself, unless an appointee is set) */
  slasher: Address;
  client: string;
  /** its operator sets: id, strategies, member operator ids */
  operatorSets: { id: bigint; strategies: Address[]; operators: string[] }[];
  /** fraction of the allocation it slashes per fault type */
  slashPolicy: Record<FaultType, number>;
}

export interface SimLrt {
  /** the LRT layer's id (eeth, ezeth, rseth, pufeth, rsweth) */
  id: string;
  protocol: ProtocolKind;
  /** market asset id of its token, and of its DEX pool against WETH (absent: no pool) */
  marketAsset: string;
  pool?: string;
  /** oracle ids the markets use for it: exchange-rate (or CAPO) and DEX */
  rateOracle?: string;
  dexOracle?: string;
  /** the role accounts (admin, oracle, manager, …) */
  roles: { admin: Address; oracle: Address; manager: Address; pauser: Address };
  /** the bridge verifier for each chain it is bridged to, and who holds the bridged supply there (how much) */
  bridges: { chain: string; verifier: Address; holder: Address; amount: bigint }[];
  /** its pool's liquidity provider (absent: no pool) */
  lp?: Address;
}

export interface SimLooper {
  address: Address;
  lrt: string;
  /** "aave" or a Morpho market id */
  market: string;
  /** ETH it brought (the loop borrowed the rest) */
  equity: bigint;
}

/**
 * The names a network will have, known before it is built (from the preset and its parameters, or the explicit
 * list), so a scenario's references are checked before anything runs. Preset naming: operators `op-<i>`, AVSs
 * `avs-<i>`, clients `client-<i>` (0-based), LRTs by preset id (eeth, ezeth, rseth, pufeth, rsweth), market oracles
 * `<asset>-rate` and `<asset>-dex`, Aave reserves by market asset id (WETH, weETH, ezETH, rsETH, pufETH, rswETH),
 * Morpho markets `<asset>-<lltv×100>` (e.g. ezETH-86), bridged chains per LRT.
 */
export interface NetworkNames {
  operators: string[];
  avss: string[];
  clients: string[];
  lrts: string[];
  oracles: string[];
  aaveReserves: string[];
  morphoMarkets: string[];
  /** chains each LRT is bridged to */
  chains: Record<string, string[]>;
}
