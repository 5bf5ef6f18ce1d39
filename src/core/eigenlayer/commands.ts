import type { Hex } from "viem";
import { ProtocolError, require } from "../shared/errors.ts";
import { checkUint256Ranges, transact } from "../shared/transact.ts";
import * as am from "./allocationManager.ts";
import { type Context, type EigenEvent, type Events, emit, PAUSABLE_MODULES, type PausableModule } from "./context.ts";
import * as dm from "./delegationManager.ts";
import * as pods from "./eigenPodManager.ts";
import type { RewardsMerkleClaim } from "./merkle.ts";
import * as rc from "./rewardsCoordinator.ts";
import type { Address, EigenState } from "./state.ts";
import * as sm from "./strategyManager.ts";
import * as tokens from "./tokens.ts";

/**
 * Every state-changing operation of the EigenLayer family, as one tagged union. Field names follow the contracts'
 * parameters; `type` names follow their functions. The acting account is not a field: it is `ctx.caller`.
 */
export type EigenCommand =
  // admin and token ledger
  | { type: "createToken"; token: Address; symbol: string; decimals: number }
  | { type: "mint"; token: Address; to: Address; amount: bigint }
  | { type: "transfer"; token: Address; to: Address; amount: bigint }
  | { type: "addStrategy"; strategy: Address; token: Address; maxPerDeposit?: bigint; maxTotalDeposits?: bigint }
  | { type: "setStrategyWhitelisted"; strategy: Address; whitelisted: boolean }
  | { type: "setStrategyDepositLimits"; strategy: Address; maxPerDeposit: bigint; maxTotalDeposits: bigint }
  | { type: "pause"; module: PausableModule; newPausedStatus: bigint }
  | { type: "unpause"; module: PausableModule; newPausedStatus: bigint }
  | { type: "setAppointee"; account: Address; appointee: Address }
  | { type: "removeAppointee"; account: Address; appointee: Address }
  // StrategyManager
  | { type: "depositIntoStrategy"; strategy: Address; amount: bigint }
  | { type: "clearBurnOrRedistributableShares"; operatorSet: string; slashId: bigint; strategy?: Address }
  // DelegationManager
  | { type: "registerAsOperator"; delegationApprover?: Address | null; allocationDelay: bigint; metadataURI?: string }
  | { type: "modifyOperatorDetails"; operator: Address; delegationApprover: Address | null }
  | { type: "updateOperatorMetadataURI"; operator: Address; metadataURI: string }
  | {
      type: "delegateTo";
      operator: Address;
      approverSignature?: { signature: Hex; expiry: bigint };
      approverSalt?: Hex;
    }
  | { type: "undelegate"; staker: Address }
  | {
      type: "redelegate";
      operator: Address;
      approverSignature?: { signature: Hex; expiry: bigint };
      approverSalt?: Hex;
    }
  | { type: "queueWithdrawals"; params: dm.QueuedWithdrawalParams[] }
  | { type: "completeQueuedWithdrawal"; withdrawalRoot: string; receiveAsTokens: boolean }
  // AllocationManager
  | { type: "updateAVSMetadataURI"; avs: Address; metadataURI: string }
  | {
      type: "createOperatorSets";
      avs: Address;
      operatorSets: am.CreateSetParams[];
      redistributionRecipients?: Address[];
    }
  | { type: "addStrategiesToOperatorSet"; avs: Address; operatorSetId: bigint; strategies: Address[] }
  | { type: "removeStrategiesFromOperatorSet"; avs: Address; operatorSetId: bigint; strategies: Address[] }
  | { type: "updateSlasher"; avs: Address; operatorSetId: bigint; slasher: Address }
  | { type: "registerForOperatorSets"; operator: Address; avs: Address; operatorSetIds: bigint[] }
  | { type: "deregisterFromOperatorSets"; operator: Address; avs: Address; operatorSetIds: bigint[] }
  | { type: "setAllocationDelay"; operator: Address; delay: bigint }
  | { type: "modifyAllocations"; operator: Address; allocations: am.AllocateParams[] }
  | { type: "clearDeallocationQueue"; operator: Address; strategies: Address[]; numToClear: bigint[] }
  | {
      type: "slashOperator";
      avs: Address;
      operator: Address;
      operatorSetId: bigint;
      strategies: Address[];
      wadsToSlash: bigint[];
      description?: string;
    }
  // EigenPodManager / EigenPod
  | { type: "createPod" }
  | { type: "verifyWithdrawalCredentials"; podOwner: Address; validators: pods.ValidatorCredential[] }
  | { type: "creditPodEth"; podOwner: Address; amountWei: bigint }
  | { type: "startCheckpoint"; revertIfNoBalance?: boolean }
  | { type: "verifyStaleBalance"; podOwner: Address; validatorIndex: bigint }
  | { type: "verifyCheckpointProofs"; podOwner: Address; balances: pods.ValidatorBalance[] }
  // RewardsCoordinator
  | { type: "createAVSRewardsSubmission"; rewardsSubmissions: rc.RewardsSubmission[] }
  | { type: "createRewardsForAllSubmission"; rewardsSubmissions: rc.RewardsSubmission[] }
  | { type: "createRewardsForAllEarners"; rewardsSubmissions: rc.RewardsSubmission[] }
  | {
      type: "createOperatorDirectedAVSRewardsSubmission";
      avs: Address;
      operatorDirectedRewardsSubmissions: rc.OperatorDirectedRewardsSubmission[];
    }
  | {
      type: "createOperatorDirectedOperatorSetRewardsSubmission";
      avs: Address;
      operatorSetId: bigint;
      operatorDirectedRewardsSubmissions: rc.OperatorDirectedRewardsSubmission[];
    }
  | {
      type: "createUniqueStakeRewardsSubmission";
      avs: Address;
      operatorSetId: bigint;
      rewardsSubmissions: rc.RewardsSubmission[];
    }
  | {
      type: "createTotalStakeRewardsSubmission";
      avs: Address;
      operatorSetId: bigint;
      rewardsSubmissions: rc.RewardsSubmission[];
    }
  | { type: "setOptInForProtocolFee"; submitter: Address; optInForProtocolFee: boolean }
  | { type: "setOperatorAVSSplit"; operator: Address; avs: Address; split: bigint }
  | { type: "setOperatorSetSplit"; operator: Address; avs: Address; operatorSetId: bigint; split: bigint }
  | { type: "setOperatorPISplit"; operator: Address; split: bigint }
  | { type: "setDefaultOperatorSplit"; split: bigint }
  | { type: "setActivationDelay"; activationDelay: bigint }
  | { type: "setRewardsUpdater"; rewardsUpdater: Address }
  | { type: "setRewardsForAllSubmitter"; submitter: Address; newValue: boolean }
  | { type: "setFeeRecipient"; feeRecipient: Address }
  | { type: "submitRoot"; root: Hex; rewardsCalculationEndTimestamp: bigint }
  | { type: "disableRoot"; rootIndex: bigint }
  /** without `earner`: the caller's own claimer; with it: the two-argument overload (operator or AVS earner) */
  | { type: "setClaimerFor"; earner?: Address; claimer: Address }
  | { type: "processClaim"; claim: RewardsMerkleClaim; recipient: Address };

export type EigenCommandType = EigenCommand["type"];

export interface ExecuteResult {
  /** The same state object, advanced (state is updated in place; a failing command leaves it untouched). */
  state: EigenState;
  events: EigenEvent[];
  /** Return values of the contract function (shares minted, withdrawal roots, slash id …). */
  result: Record<string, unknown>;
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

function checkContext(s: EigenState, ctx: Context): void {
  require(ADDRESS.test(ctx.caller), "InvalidAddress", "caller must be a lower-case 20-byte hex address");
  const last = s.globals.get("block") ?? 0n;
  require(ctx.block >= last, "BlockInPast", "blocks never go backwards", { block: ctx.block, last });
  const lastTs = s.globals.get("timestamp") ?? 0n;
  require(ctx.timestamp >= lastTs, "TimestampInPast", "timestamps never go backwards");
  require(ctx.block >= 0n && ctx.block <= 0xffffffffn, "InputOutOfRange", "block must fit uint32");
}

function setPaused(
  s: EigenState,
  ctx: Context,
  ev: Events,
  module: PausableModule,
  next: bigint,
  pausing: boolean,
): void {
  require(ctx.caller === s.params.admin, "OnlyPauser");
  require(PAUSABLE_MODULES.includes(module), "UnknownModule");
  const current = s.paused.get(module) ?? 0n;
  if (pausing) require((current & next) === current, "InvalidNewPausedStatus", "pause may only set bits");
  else require((current & next) === next, "InvalidNewPausedStatus", "unpause may only clear bits");
  if (next === 0n) s.paused.delete(module);
  else s.paused.set(module, next);
  emit(ev, pausing ? "Paused" : "Unpaused", { module, account: ctx.caller, newPausedStatus: next });
}

function setAppointee(
  s: EigenState,
  ctx: Context,
  ev: Events,
  account: Address,
  appointee: Address,
  add: boolean,
): void {
  require(ctx.caller === account, "NotAdmin", "only the account itself manages its appointees");
  const list = s.appointees.get(account) ?? [];
  if (add) {
    require(!list.includes(appointee), "AppointeeAlreadySet");
    s.appointees.set(account, [...list, appointee]);
  } else {
    require(list.includes(appointee), "AppointeeNotSet");
    const next = list.filter((a) => a !== appointee);
    if (next.length === 0) s.appointees.delete(account);
    else s.appointees.set(account, next);
  }
  emit(ev, add ? "AppointeeSet" : "AppointeeRemoved", { account, appointee });
}

function dispatch(s: EigenState, ctx: Context, ev: Events, c: EigenCommand): Record<string, unknown> {
  switch (c.type) {
    case "createToken":
      tokens.createToken(s, ctx, ev, c);
      return {};
    case "mint":
      require(ctx.caller === s.params.admin, "OnlyAdmin");
      tokens.mint(s, ev, c.token, c.to, c.amount);
      return {};
    case "transfer":
      tokens.transfer(s, ev, c.token, ctx.caller, c.to, c.amount);
      return {};
    case "addStrategy":
      sm.addStrategy(s, ctx, ev, c);
      return {};
    case "setStrategyWhitelisted":
      sm.setStrategyWhitelisted(s, ctx, ev, c);
      return {};
    case "setStrategyDepositLimits":
      sm.setStrategyDepositLimits(s, ctx, ev, c);
      return {};
    case "pause":
      setPaused(s, ctx, ev, c.module, c.newPausedStatus, true);
      return {};
    case "unpause":
      setPaused(s, ctx, ev, c.module, c.newPausedStatus, false);
      return {};
    case "setAppointee":
      setAppointee(s, ctx, ev, c.account, c.appointee, true);
      return {};
    case "removeAppointee":
      setAppointee(s, ctx, ev, c.account, c.appointee, false);
      return {};
    case "depositIntoStrategy":
      return { depositShares: sm.depositIntoStrategy(s, ctx, ev, c) };
    case "clearBurnOrRedistributableShares":
      return { amounts: sm.clearBurnOrRedistributableShares(s, ctx, ev, c) };
    case "registerAsOperator":
      dm.registerAsOperator(s, ctx, ev, c);
      return {};
    case "modifyOperatorDetails":
      dm.modifyOperatorDetails(s, ctx, ev, c);
      return {};
    case "updateOperatorMetadataURI":
      dm.updateOperatorMetadataURI(s, ctx, ev, c);
      return {};
    case "delegateTo":
      dm.delegateTo(s, ctx, ev, c);
      return {};
    case "undelegate":
      return { withdrawalRoots: dm.undelegate(s, ctx, ev, c) };
    case "redelegate":
      return { withdrawalRoots: dm.redelegate(s, ctx, ev, c) };
    case "queueWithdrawals":
      return { withdrawalRoots: dm.queueWithdrawals(s, ctx, ev, c) };
    case "completeQueuedWithdrawal":
      return { ...dm.completeQueuedWithdrawal(s, ctx, ev, c) };
    case "updateAVSMetadataURI":
      am.updateAVSMetadataURI(s, ctx, ev, c);
      return {};
    case "createOperatorSets":
      am.createOperatorSets(s, ctx, ev, c);
      return {};
    case "addStrategiesToOperatorSet":
      am.addStrategiesToOperatorSet(s, ctx, ev, c);
      return {};
    case "removeStrategiesFromOperatorSet":
      am.removeStrategiesFromOperatorSet(s, ctx, ev, c);
      return {};
    case "updateSlasher":
      am.updateSlasher(s, ctx, ev, c);
      return {};
    case "registerForOperatorSets":
      am.registerForOperatorSets(s, ctx, ev, c);
      return {};
    case "deregisterFromOperatorSets":
      am.deregisterFromOperatorSets(s, ctx, ev, c);
      return {};
    case "setAllocationDelay":
      am.setAllocationDelay(s, ctx, ev, c);
      return {};
    case "modifyAllocations":
      am.modifyAllocations(s, ctx, ev, c);
      return {};
    case "clearDeallocationQueue":
      am.clearDeallocationQueue(s, ctx, ev, c);
      return {};
    case "slashOperator":
      return { ...am.slashOperator(s, ctx, ev, c) };
    case "createPod":
      return { pod: pods.createPod(s, ctx, ev) };
    case "verifyWithdrawalCredentials":
      pods.verifyWithdrawalCredentials(s, ctx, ev, c);
      return {};
    case "creditPodEth":
      pods.creditPodEth(s, ctx, ev, c);
      return {};
    case "startCheckpoint":
      pods.startCheckpoint(s, ctx, ev, c);
      return {};
    case "verifyStaleBalance":
      pods.verifyStaleBalance(s, ctx, ev, c);
      return {};
    case "verifyCheckpointProofs":
      pods.verifyCheckpointProofs(s, ctx, ev, c);
      return {};
    case "createAVSRewardsSubmission":
      return { submissionHashes: rc.createAVSRewardsSubmission(s, ctx, ev, c) };
    case "createRewardsForAllSubmission":
      return { submissionHashes: rc.createRewardsForAllSubmission(s, ctx, ev, c) };
    case "createRewardsForAllEarners":
      return { submissionHashes: rc.createRewardsForAllEarners(s, ctx, ev, c) };
    case "createOperatorDirectedAVSRewardsSubmission":
      return { submissionHashes: rc.createOperatorDirectedAVSRewardsSubmission(s, ctx, ev, c) };
    case "createOperatorDirectedOperatorSetRewardsSubmission":
      return { submissionHashes: rc.createOperatorDirectedOperatorSetRewardsSubmission(s, ctx, ev, c) };
    case "createUniqueStakeRewardsSubmission":
      return { submissionHashes: rc.createUniqueStakeRewardsSubmission(s, ctx, ev, c) };
    case "createTotalStakeRewardsSubmission":
      return { submissionHashes: rc.createTotalStakeRewardsSubmission(s, ctx, ev, c) };
    case "setOptInForProtocolFee":
      rc.setOptInForProtocolFee(s, ctx, ev, c);
      return {};
    case "setOperatorAVSSplit":
      rc.setOperatorAVSSplit(s, ctx, ev, c);
      return {};
    case "setOperatorSetSplit":
      rc.setOperatorSetSplit(s, ctx, ev, c);
      return {};
    case "setOperatorPISplit":
      rc.setOperatorPISplit(s, ctx, ev, c);
      return {};
    case "setDefaultOperatorSplit":
      rc.setDefaultOperatorSplit(s, ctx, ev, c);
      return {};
    case "setActivationDelay":
      rc.setActivationDelay(s, ctx, ev, c);
      return {};
    case "setRewardsUpdater":
      rc.setRewardsUpdater(s, ctx, ev, c);
      return {};
    case "setRewardsForAllSubmitter":
      rc.setRewardsForAllSubmitter(s, ctx, ev, c);
      return {};
    case "setFeeRecipient":
      rc.setFeeRecipient(s, ctx, ev, c);
      return {};
    case "submitRoot":
      return { ...rc.submitRoot(s, ctx, ev, c) };
    case "disableRoot":
      rc.disableRoot(s, ctx, ev, c);
      return {};
    case "setClaimerFor":
      rc.setClaimerFor(s, ctx, ev, c);
      return {};
    case "processClaim":
      return { claimed: rc.processClaim(s, ctx, ev, c) };
    default: {
      const unknown = (c as { type?: unknown }).type;
      throw new ProtocolError("UnknownCommand", `unknown command ${String(unknown)}`, { type: unknown });
    }
  }
}

/**
 * Applies one command. On success the state has advanced and the events are returned; on failure a
 * ProtocolError (or, for a bug, an InvariantViolation) is thrown and the state is exactly as before.
 */
export function execute(s: EigenState, ctx: Context, command: EigenCommand): ExecuteResult {
  return transact(s.journal, command.type, () => {
    checkContext(s, ctx);
    checkUint256Ranges(command);
    const events: EigenEvent[] = [];
    const result = dispatch(s, ctx, events, command);
    if (ctx.block !== (s.globals.get("block") ?? 0n)) s.globals.set("block", ctx.block);
    if (ctx.timestamp !== (s.globals.get("timestamp") ?? 0n)) s.globals.set("timestamp", ctx.timestamp);
    return { state: s, events, result };
  });
}
