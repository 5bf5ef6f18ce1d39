import { require } from "../shared/errors.ts";
import type { Address, EigenState } from "./state.ts";

/** Who acts, and when. Time is an input: the core has no clock. */
export interface Context {
  block: bigint;
  timestamp: bigint;
  /** The acting account (msg.sender). */
  caller: Address;
}

/** An event as EigenLayer emits it: the contract's event name and its fields. */
export interface EigenEvent {
  event: string;
  args: Record<string, unknown>;
}

export type Events = EigenEvent[];

export function emit(ev: Events, event: string, args: Record<string, unknown>): void {
  ev.push({ event, args });
}

/** Pausable modules and their bits (reference §13.1). */
export const PAUSE = {
  strategyManager: { deposits: 0, burnOrRedistribution: 1 },
  delegationManager: { newDelegation: 0, enterWithdrawalQueue: 1, exitWithdrawalQueue: 2 },
  allocationManager: { modifyAllocations: 0, slashing: 1, registration: 2 },
  eigenPodManager: { newPods: 0, verifyCredentials: 2, startCheckpoint: 6, checkpointProofs: 7 },
  rewardsCoordinator: {
    avsRewardsSubmission: 0,
    rewardsForAllSubmission: 1,
    processClaim: 2,
    submitDisableRoots: 3,
    rewardsForAllEarners: 4,
    operatorDirectedAVSRewardsSubmission: 5,
    operatorAVSSplit: 6,
    operatorPISplit: 7,
    operatorSetSplit: 8,
    operatorDirectedOperatorSetRewardsSubmission: 9,
    uniqueStakeRewardsSubmission: 10,
    totalStakeRewardsSubmission: 11,
  },
} as const;

export type PausableModule = keyof typeof PAUSE;
export const PAUSABLE_MODULES = Object.keys(PAUSE) as PausableModule[];

export function requireNotPaused(s: EigenState, module: PausableModule, bit: number): void {
  const bitmap = s.paused.get(module) ?? 0n;
  require(((bitmap >> BigInt(bit)) & 1n) === 0n, "CurrentlyPaused", `${module} bit ${bit} is paused`, { module, bit });
}

/** PermissionController.canCall, simplified: the account itself or one of its appointees. */
export function canCall(s: EigenState, account: Address, caller: Address): boolean {
  if (caller === account) return true;
  return s.appointees.get(account)?.includes(caller) ?? false;
}

export function checkCanCall(s: EigenState, account: Address, caller: Address): void {
  require(canCall(s, account, caller), "InvalidPermissions", "caller may not act for this account", {
    account,
    caller,
  });
}
