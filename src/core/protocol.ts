/**
 * The seam between restaking protocol families. EigenLayer is the first implementation; Symbiotic (vaults with
 * epochs and veto slashing), Karak (DSS) or Babylon plug in beside it by implementing `RestakingProtocol` in their
 * own folder under src/core, without touching another family. Layers above the core (risk, sim, node) read the
 * protocol-neutral view, never a family's internals.
 */

export interface ProtocolContext {
  block: bigint;
  timestamp: bigint;
  caller: `0x${string}`;
}

export interface ProtocolEvent {
  event: string;
  args: Record<string, unknown>;
}

/** One slashable position: `amount` of `collateral` that `operator` has at stake for `service`. */
export interface NeutralExposure {
  protocol: string;
  /** the collateral (EigenLayer: strategy; Symbiotic: vault) */
  collateral: string;
  /** the asset behind it (the strategy's underlying token, or native ETH) */
  asset: string;
  operator: string;
  /** the service as a whole (EigenLayer: AVS) */
  service: string;
  /** the slashing domain within it (EigenLayer: operator set) */
  serviceSet: string;
  /** the account that may slash this exposure */
  slasher: string;
  /** null ⇒ slashed funds are burned */
  redistributionRecipient: string | null;
  /** stake slashable now, in collateral shares and in the asset's units */
  shares: bigint;
  assetAmount: bigint;
  /** the minimum still slashable at `horizonBlock` (pending deallocations applied) */
  sharesAtHorizon: bigint;
  /** fraction of the operator's stake in this collateral that the set can take, in WAD */
  fractionWad: bigint;
  /** last block at which a deregistered operator can still be slashed; null while registered */
  slashableUntil: bigint | null;
}

export interface NeutralOperator {
  protocol: string;
  operator: string;
  /** delegated stake per collateral, in shares and in the asset's units */
  delegated: { collateral: string; asset: string; shares: bigint; assetAmount: bigint }[];
  stakers: number;
}

export interface NeutralService {
  protocol: string;
  service: string;
  serviceSets: {
    serviceSet: string;
    slasher: string;
    collaterals: string[];
    operators: string[];
    redistributionRecipient: string | null;
  }[];
}

export interface NeutralView {
  protocol: string;
  block: bigint;
  horizonBlock: bigint;
  exposures: NeutralExposure[];
  operators: NeutralOperator[];
  services: NeutralService[];
}

export interface RestakingProtocol<State, Command, Params> {
  readonly id: string;
  create(params?: Partial<Params>): State;
  execute(
    state: State,
    ctx: ProtocolContext,
    command: Command,
  ): { events: ProtocolEvent[]; result: Record<string, unknown> };
  stateHash(state: State): `0x${string}`;
  serialize(state: State): string;
  deserialize(text: string): State;
  neutralView(state: State, block: bigint, horizonBlock?: bigint): NeutralView;
}
