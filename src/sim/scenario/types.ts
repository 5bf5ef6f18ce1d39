/**
 * The scenario model: what a scenario file (YAML) says once it is parsed and validated (src/sim/scenario/parse.ts).
 * Amounts are wei (`bigint`); in the file they are decimal ETH strings or numbers ("116500", "0.5", 32). Fractions
 * are numbers in [0, 1] (`0.05`) or percent strings ("5%"). Blocks are absolute block numbers counted from the
 * network's start block (block 0 of the run = the first block after the network is built).
 *
 * A scenario has three parts: the network (a preset with parameters, or an explicit list), the timeline (events at
 * blocks) and the agents (policies acting every step). `run` says how long and how finely.
 */

export type FaultType = "doubleSign" | "downtime" | "invalidStateTransition";

export interface Scenario {
  /** kebab-case name; the run directory and the summary carry it */
  name: string;
  description?: string;
  /** default seed when the command line gives none */
  seed: number;
  network: NetworkSpec;
  run: RunSpec;
  timeline: TimelineEvent[];
  agents: AgentsSpec;
}

export interface RunSpec {
  /** blocks to simulate after the network is built */
  blocks: number;
  /**
   * blocks per step: agents act and metrics are recorded once per step (1 = every block). A 30-day mainnet run uses
   * 300 (one hour) so that it stays under a minute; timeline events land on their exact block either way.
   */
  step: number;
  /** compute graph security (γ*, Claim 1) before and after the run; `false` skips it (big networks, Monte Carlo) */
  security: boolean;
  /**
   * the profit from corrupting each AVS, as a fraction of the stake allocated to it at the start (not on chain: an
   * assumption of the security analysis; the same profits are used after the run)
   */
  securityProfit?: number;
  /** assert conservation at every step (tests turn it on; it costs a full walk of the ledgers) */
  checkConservation: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// network

export type PresetName = "small" | "mid" | "mainnet-2026";

export type NetworkSpec = { preset: PresetName; params: PresetParams } | { explicit: ExplicitNetwork };

/** Every preset knob; unspecified ones take the preset's value (src/sim/network/presets.ts documents each). */
export interface PresetParams {
  operators?: number;
  avss?: number;
  /** direct core stakers (LSTs and native ETH, delegated to operators) */
  stakers?: number;
  /** holders of LRT tokens */
  lrtHolders?: number;
  /** which LRT presets to deploy (ids: eeth, ezeth, rseth, pufeth, rsweth); default all five */
  lrts?: string[];
  /** share of all restaked ETH that sits in LRTs, in [0, 1] (mainnet ≈ 2/3) */
  lrtShare?: number;
  /** total restaked ETH (wei) */
  totalRestaked?: bigint;
  /** Pareto tail index of operator stake (smaller = heavier tail) */
  operatorTail?: number;
  /** distinct AVS client implementations (operators running the same client fail together) */
  clients?: number;
  /** borrowers looping LRTs on the lending markets */
  loopers?: number;
  /** WETH depth of each LRT/ETH StableSwap pool, as a fraction of that LRT's supply */
  poolDepth?: number;
}

/** A network written out in full (small hand-made cases and incident replays). */
export interface ExplicitNetwork {
  operators: { id: string; clients: string[] }[];
  avss: {
    id: string;
    client: string;
    /** operator ids in its operator set */
    operators: string[];
    /** magnitude each operator allocates to it, as a fraction of its stake */
    allocation: number;
    slashPolicy?: Partial<Record<FaultType, number>>;
  }[];
  /** direct stakers: amount of ETH restaked natively or via stETH, delegated to an operator */
  stakers: { id: string; operator: string; amount: bigint; asset: "eth" | "steth" }[];
  lrts: {
    id: string;
    /** operator ids it delegates to, with weights in bps summing to 10,000 */
    delegators: { operator: string; weightBps: number }[];
    /** total deposits (wei), spread over `holders` holders */
    deposits: bigint;
    holders: number;
    /** WETH in its LRT/WETH StableSwap pool (0 = no pool) */
    poolWeth: bigint;
    /** StableSwap amplification of that pool */
    amplification?: number;
    /**
     * supply bridged to L2 chains at set-up: `amount` tokens moved over a route of that mechanism (the L1 adapter
     * locks them for lock-and-mint), so that `bridgeMint` has a route to forge a message on
     */
    bridges?: { chain: string; amount: bigint; mechanism: "lockAndMint" | "burnAndMint" }[];
  }[];
  lending: {
    aave?: { lrts: string[]; eMode: boolean; wethSupply: bigint };
    morpho?: { lrt: string; lltv: number; wethSupply: bigint; oracle: "rate" | "dex" }[];
    /** loopers: account id, LRT, market ("aave" or a Morpho market index), equity, target leverage */
    loopers?: { id: string; lrt: string; market: "aave" | number; equity: bigint; leverage: number }[];
  };
}

// ---------------------------------------------------------------------------------------------------------------
// timeline

/** An operator selector: named ids, or `random: n` drawn with the run's seed. */
export type OperatorSelector = { ids: string[] } | { random: number };

export type TimelineEvent = { at: number } & (
  | {
      /** an AVS slashes operators in one of its operator sets */
      event: "avsSlash";
      avs: string;
      operators: OperatorSelector;
      /** fraction of the allocated magnitude slashed */
      fraction: number;
    }
  | {
      /** a fault the AVSs observe; each affected AVS slashes by its own policy for that fault type */
      event: "fault";
      fault: FaultType;
      /** faulty operators: by id/random, or every operator running `client` (a correlated fault) */
      operators?: OperatorSelector;
      client?: string;
      /** limit to these AVSs (default: every AVS the faulty operators serve) */
      avss?: string[];
    }
  | {
      /** beacon-chain slashing of native validators behind an LRT's (or staker's) pods */
      event: "beaconSlash";
      lrt?: string;
      /** validators slashed */
      validators: number;
      /** ETH lost per validator (wei; the correlation penalty can take all 32) */
      penalty: bigint;
    }
  | {
      /** an LRT contract exploit: the attacker takes this fraction of the assets the LRT holds unrestaked */
      event: "lrtExploit";
      lrt: string;
      fraction: number;
    }
  | {
      /** a forged bridge message mints unbacked LRT on `chain` (or releases it on the L1) */
      event: "bridgeMint";
      lrt: string;
      chain: string;
      amount: bigint;
      /** the attacker then supplies it to Aave and borrows WETH up to this health factor (0 = keeps it) */
      borrowToHf?: number;
    }
  | {
      /** an oracle freezes (stale: keeps its last price) or is set to a price */
      event: "oracle";
      oracle: string;
      action: "freeze" | "unfreeze" | "set";
      /** for `set`: the feed's price in the markets' base currency, 8 decimals (as `setOraclePrice` takes it) */
      price?: bigint;
    }
  | {
      /** a seller dumps `amount` of the LRT into its DEX pool (or sells until the pool price is `toPrice`) */
      event: "depeg";
      lrt: string;
      amount?: bigint;
      toPrice?: number;
    }
  | {
      /** this fraction of each (or one) LRT's holders request withdrawal of their whole balance */
      event: "massWithdrawal";
      lrt?: string;
      fraction: number;
    }
  | {
      /** a parameter change: freeze/pause/LTV to 0 on a lending reserve, or pause an LRT (Morpho markets are immutable) */
      event: "params";
      target: { aaveReserve: string } | { lrt: string };
      freeze?: boolean;
      pause?: boolean;
      ltv?: number;
    }
);

export type TimelineEventType = TimelineEvent["event"];

// ---------------------------------------------------------------------------------------------------------------
// agents

export interface AgentsSpec {
  /** LRT holders who exit when fear rises */
  fearfulStakers?: {
    /** depeg depth (1 − DEX price / rate) at which they start to exit */
    threshold: number;
    /** fraction of the remaining holders who act per step while the depeg is at or beyond the threshold */
    perStep: number;
    /** queue a withdrawal, sell on the DEX, or split evenly */
    action: "withdraw" | "sell" | "mixed";
  };
  /** buy LRT on the DEX below its rate and redeem it through the queue */
  arbitrageurs?: {
    /** WETH each arbitrageur can deploy */
    capital: bigint;
    count: number;
    /** minimum discount (rate vs price) net of fees before trading */
    minDiscount: number;
  };
  liquidators?: {
    /** bonus net of slippage a liquidation must clear */
    minProfit: bigint;
  };
  /** loopers unwind (repay by selling collateral) when their HF falls under this */
  loopers?: { unwindBelowHf: number };
  /** AVS slashing policy per fault type: fraction of allocated magnitude (default: the guides' shape) */
  avsPolicies?: {
    /** applies to every AVS (absent: each AVS keeps the network's policy for it) */
    default?: Record<FaultType, number>;
    /** per-AVS overrides by id */
    overrides?: Record<string, Partial<Record<FaultType, number>>>;
  };
}

/** The guides' shape: double signing costs the whole allocation, extended downtime a few percent, an invalid state transition a large part. */
export const DEFAULT_SLASH_POLICY: Record<FaultType, number> = {
  doubleSign: 1,
  downtime: 0.03,
  invalidStateTransition: 0.5,
};
