import { ProtocolError, require } from "../shared/errors.ts";
import { divWad, mulWad, mulWadUp, UINT64_MAX, WAD } from "../shared/math.ts";
import { type Context, canCall, checkCanCall, type Events, emit, PAUSE, requireNotPaused } from "./context.ts";
import { isOperator, operatorShares, slashOperatorShares } from "./delegationManager.ts";
import { BEACON_CHAIN_ETH_STRATEGY, DEFAULT_BURN_ADDRESS, ZERO_ADDRESS } from "./params.ts";
import { latest, upperLookup } from "./snapshots.ts";
import {
  type Address,
  type Allocation,
  type AllocationDelayInfo,
  type EigenState,
  k2,
  k3,
  type OperatorSetRecord,
  type SetKey,
  setKey,
} from "./state.ts";

/* ------------------------------------------------------------------ magnitudes (§7.6) */

export function getMaxMagnitude(s: EigenState, operator: Address | null, strategy: Address): bigint {
  if (operator === null) return WAD;
  return latest(s.maxMagnitudeHistory.get(k2(operator, strategy)), WAD);
}

export function getMaxMagnitudeAtBlock(
  s: EigenState,
  operator: Address | null,
  strategy: Address,
  block: bigint,
): bigint {
  if (operator === null) return WAD;
  return upperLookup(s.maxMagnitudeHistory.get(k2(operator, strategy)), block, WAD);
}

interface StrategyInfo {
  maxMagnitude: bigint;
  encumberedMagnitude: bigint;
}

const EMPTY_ALLOCATION: Allocation = { currentMagnitude: 0n, pendingDiff: 0n, effectBlock: 0n };

function storedAllocation(s: EigenState, operator: Address, set: SetKey, strategy: Address): Allocation {
  return s.allocations.get(k3(operator, set, strategy)) ?? EMPTY_ALLOCATION;
}

/** _getUpdatedAllocation: applies a matured pending change lazily (§7.6). */
function updatedAllocation(
  s: EigenState,
  block: bigint,
  operator: Address,
  set: SetKey,
  strategy: Address,
): [StrategyInfo, Allocation] {
  const key = k2(operator, strategy);
  const info = {
    maxMagnitude: latest(s.maxMagnitudeHistory.get(key), WAD),
    encumberedMagnitude: s.encumberedMagnitude.get(key) ?? 0n,
  };
  const a = storedAllocation(s, operator, set, strategy);
  if (block < a.effectBlock) return [info, { ...a }];
  if (a.pendingDiff < 0n) info.encumberedMagnitude += a.pendingDiff;
  return [info, { currentMagnitude: a.currentMagnitude + a.pendingDiff, pendingDiff: 0n, effectBlock: 0n }];
}

/** getAllocation: the lazily updated allocation. */
export function getAllocation(
  s: EigenState,
  block: bigint,
  operator: Address,
  set: SetKey,
  strategy: Address,
): Allocation {
  return updatedAllocation(s, block, operator, set, strategy)[1];
}

function addToSet<T>(arr: T[] | undefined, item: T): T[] | null {
  if (arr?.includes(item)) return null;
  return [...(arr ?? []), item];
}

function removeFromSet<T>(arr: T[] | undefined, item: T): T[] | null {
  if (arr === undefined) return null;
  const i = arr.indexOf(item);
  if (i < 0) return null;
  const next = [...arr];
  next[i] = next[next.length - 1]!;
  next.pop();
  return next;
}

function updateAllocationInfo(
  s: EigenState,
  ev: Events,
  operator: Address,
  set: SetKey,
  strategy: Address,
  info: StrategyInfo,
  a: Allocation,
): void {
  const key = k2(operator, strategy);
  if ((s.encumberedMagnitude.get(key) ?? 0n) !== info.encumberedMagnitude) {
    if (info.encumberedMagnitude === 0n) s.encumberedMagnitude.delete(key);
    else s.encumberedMagnitude.set(key, info.encumberedMagnitude);
    emit(ev, "EncumberedMagnitudeUpdated", { operator, strategy, encumberedMagnitude: info.encumberedMagnitude });
  }
  const akey = k3(operator, set, strategy);
  if (a.currentMagnitude === 0n && a.pendingDiff === 0n && a.effectBlock === 0n) s.allocations.delete(akey);
  else s.allocations.set(akey, a);
  const skey = k2(operator, set);
  if (a.pendingDiff !== 0n) {
    const strategies = addToSet(s.allocatedStrategies.get(skey), strategy);
    if (strategies) s.allocatedStrategies.set(skey, strategies);
    const sets = addToSet(s.allocatedSets.get(operator), set);
    if (sets) s.allocatedSets.set(operator, sets);
  } else if (a.currentMagnitude === 0n) {
    const strategies = removeFromSet(s.allocatedStrategies.get(skey), strategy);
    if (strategies) {
      if (strategies.length === 0) s.allocatedStrategies.delete(skey);
      else s.allocatedStrategies.set(skey, strategies);
    }
    if ((s.allocatedStrategies.get(skey)?.length ?? 0) === 0) {
      const sets = removeFromSet(s.allocatedSets.get(operator), set);
      if (sets) {
        if (sets.length === 0) s.allocatedSets.delete(operator);
        else s.allocatedSets.set(operator, sets);
      }
    }
  }
}

/** Encumbered magnitude with matured deallocations still in the queue taken out (the view). */
export function getEncumberedMagnitude(s: EigenState, block: bigint, operator: Address, strategy: Address): bigint {
  const key = k2(operator, strategy);
  let encumbered = s.encumberedMagnitude.get(key) ?? 0n;
  for (const set of s.deallocationQueue.get(key) ?? []) {
    const a = storedAllocation(s, operator, set, strategy);
    if (block < a.effectBlock) break;
    encumbered += a.pendingDiff;
  }
  return encumbered;
}

export function getAllocatableMagnitude(s: EigenState, block: bigint, operator: Address, strategy: Address): bigint {
  return getMaxMagnitude(s, operator, strategy) - getEncumberedMagnitude(s, block, operator, strategy);
}

/* ------------------------------------------------------------------ allocation delay (§7.4) */

export function getAllocationDelay(s: EigenState, block: bigint, operator: Address): { isSet: boolean; delay: bigint } {
  const info = s.operators.get(operator)?.allocationDelay;
  if (info === undefined) return { isSet: false, delay: 0n };
  if (info.effectBlock !== 0n && block >= info.effectBlock) return { isSet: true, delay: info.pendingDelay };
  return { isSet: info.isSet, delay: info.delay };
}

function writeAllocationDelay(
  s: EigenState,
  ctx: Context,
  ev: Events,
  operator: Address,
  delay: bigint,
  immediate: boolean,
): void {
  require(delay >= 0n && delay <= 0xffffffffn, "InputOutOfRange", "allocation delay must fit uint32");
  const rec = s.operators.get(operator);
  require(rec !== undefined, "InvalidOperator");
  const info: AllocationDelayInfo = { ...rec.allocationDelay };
  if (info.effectBlock !== 0n && ctx.block >= info.effectBlock) {
    info.delay = info.pendingDelay;
    info.isSet = true;
  }
  info.pendingDelay = delay;
  if (immediate) {
    info.delay = delay;
    info.isSet = true;
    info.effectBlock = ctx.block;
  } else {
    info.effectBlock = ctx.block + s.params.allocationConfigurationDelayBlocks + 1n;
  }
  s.operators.set(operator, { ...rec, allocationDelay: info });
  emit(ev, "AllocationDelaySet", { operator, delay, effectBlock: info.effectBlock });
}

/** The DelegationManager's call from registerAsOperator: effective immediately. */
export function setAllocationDelayFromDelegationManager(
  s: EigenState,
  ctx: Context,
  ev: Events,
  operator: Address,
  delay: bigint,
): void {
  writeAllocationDelay(s, ctx, ev, operator, delay, true);
}

export function setAllocationDelay(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; delay: bigint },
): void {
  checkCanCall(s, p.operator, ctx.caller);
  require(isOperator(s, p.operator), "InvalidOperator");
  writeAllocationDelay(s, ctx, ev, p.operator, p.delay, false);
}

/* ------------------------------------------------------------------ AVSs and operator sets (§7.1–7.3) */

export function updateAVSMetadataURI(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; metadataURI: string },
): void {
  checkCanCall(s, p.avs, ctx.caller);
  s.avss.set(p.avs, { metadataURI: p.metadataURI });
  emit(ev, "AVSMetadataURIUpdated", { avs: p.avs, metadataURI: p.metadataURI });
}

export function getOperatorSet(s: EigenState, set: SetKey): OperatorSetRecord {
  const rec = s.operatorSets.get(set);
  if (rec === undefined) throw new ProtocolError("InvalidOperatorSet", "unknown operator set", { operatorSet: set });
  return rec;
}

export interface CreateSetParams {
  operatorSetId: bigint;
  strategies: Address[];
  /** defaults to the AVS itself (the legacy createOperatorSets) */
  slasher?: Address;
}

export interface CreateOperatorSetsParams {
  avs: Address;
  operatorSets: CreateSetParams[];
  /** when given, creates redistributing sets (one recipient per set) */
  redistributionRecipients?: Address[];
}

function requireKnownStrategy(s: EigenState, strategy: Address): void {
  if (strategy !== BEACON_CHAIN_ETH_STRATEGY) {
    require(s.strategies.has(strategy), "StrategyNotFound", "unknown strategy", { strategy });
  }
}

export function createOperatorSets(s: EigenState, ctx: Context, ev: Events, p: CreateOperatorSetsParams): void {
  checkCanCall(s, p.avs, ctx.caller);
  const recipients = p.redistributionRecipients;
  if (recipients !== undefined) require(recipients.length === p.operatorSets.length, "InputArrayLengthMismatch");
  require(s.avss.has(p.avs), "NonexistentAVSMetadata");
  p.operatorSets.forEach((params, i) => {
    const recipient = recipients?.[i] ?? null;
    if (recipients !== undefined) {
      require(recipient !== null && recipient !== ZERO_ADDRESS, "InputAddressZero");
      require(recipient !== DEFAULT_BURN_ADDRESS, "InvalidRedistributionRecipient");
    }
    require(params.operatorSetId >= 0n && params.operatorSetId <= 0xffffffffn, "InputOutOfRange");
    const key = setKey(p.avs, params.operatorSetId);
    require(!s.operatorSets.has(key), "InvalidOperatorSet", "operator set already exists", { operatorSet: key });
    const slasher = params.slasher ?? p.avs;
    const rec: OperatorSetRecord = {
      avs: p.avs,
      id: params.operatorSetId,
      strategies: [],
      members: [],
      slasher: { slasher, pendingSlasher: slasher, effectBlock: ctx.block },
      redistributionRecipient: recipient,
      slashCount: 0n,
    };
    s.operatorSets.set(key, rec);
    emit(ev, "OperatorSetCreated", { operatorSet: key });
    if (recipient !== null)
      emit(ev, "RedistributionAddressSet", { operatorSet: key, redistributionRecipient: recipient });
    for (const strategy of params.strategies) addStrategyToOperatorSet(s, ev, key, strategy);
    require(slasher !== ZERO_ADDRESS, "InputAddressZero");
    emit(ev, "SlasherUpdated", { operatorSet: key, slasher, effectBlock: ctx.block });
  });
}

function addStrategyToOperatorSet(s: EigenState, ev: Events, set: SetKey, strategy: Address): void {
  const rec = getOperatorSet(s, set);
  requireKnownStrategy(s, strategy);
  if (rec.redistributionRecipient !== null) require(strategy !== BEACON_CHAIN_ETH_STRATEGY, "InvalidStrategy");
  require(!rec.strategies.includes(strategy), "StrategyAlreadyInOperatorSet");
  s.operatorSets.set(set, { ...rec, strategies: [...rec.strategies, strategy] });
  emit(ev, "StrategyAddedToOperatorSet", { operatorSet: set, strategy });
}

export interface SetStrategiesParams {
  avs: Address;
  operatorSetId: bigint;
  strategies: Address[];
}

export function addStrategiesToOperatorSet(s: EigenState, ctx: Context, ev: Events, p: SetStrategiesParams): void {
  checkCanCall(s, p.avs, ctx.caller);
  const key = setKey(p.avs, p.operatorSetId);
  getOperatorSet(s, key);
  for (const strategy of p.strategies) addStrategyToOperatorSet(s, ev, key, strategy);
}

export function removeStrategiesFromOperatorSet(s: EigenState, ctx: Context, ev: Events, p: SetStrategiesParams): void {
  checkCanCall(s, p.avs, ctx.caller);
  const key = setKey(p.avs, p.operatorSetId);
  for (const strategy of p.strategies) {
    const rec = getOperatorSet(s, key);
    const next = removeFromSet(rec.strategies, strategy);
    require(next !== null, "StrategyNotInOperatorSet");
    s.operatorSets.set(key, { ...rec, strategies: next });
    emit(ev, "StrategyRemovedFromOperatorSet", { operatorSet: key, strategy });
  }
}

export function getSlasher(s: EigenState, block: bigint, set: SetKey): Address {
  const p = getOperatorSet(s, set).slasher;
  return p.effectBlock !== 0n && block >= p.effectBlock ? p.pendingSlasher : p.slasher;
}

export function updateSlasher(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { avs: Address; operatorSetId: bigint; slasher: Address },
): void {
  checkCanCall(s, p.avs, ctx.caller);
  const key = setKey(p.avs, p.operatorSetId);
  const rec = getOperatorSet(s, key);
  require(p.slasher !== ZERO_ADDRESS, "InputAddressZero");
  const params = { ...rec.slasher };
  if (params.effectBlock !== 0n && ctx.block >= params.effectBlock) params.slasher = params.pendingSlasher;
  if (p.slasher === params.pendingSlasher && ctx.block < params.effectBlock) return;
  params.pendingSlasher = p.slasher;
  params.effectBlock = ctx.block + s.params.allocationConfigurationDelayBlocks + 1n;
  s.operatorSets.set(key, { ...rec, slasher: params });
  emit(ev, "SlasherUpdated", { operatorSet: key, slasher: p.slasher, effectBlock: params.effectBlock });
}

/* ------------------------------------------------------------------ registration (§7.5) */

export function isOperatorSlashable(s: EigenState, block: bigint, operator: Address, set: SetKey): boolean {
  const status = s.registrations.get(k2(operator, set));
  if (status === undefined) return false;
  return status.registered || block <= status.slashableUntil;
}

export function isRegistered(s: EigenState, operator: Address, set: SetKey): boolean {
  return s.registrations.get(k2(operator, set))?.registered ?? false;
}

export interface RegistrationParams {
  operator: Address;
  avs: Address;
  operatorSetIds: bigint[];
}

export function registerForOperatorSets(s: EigenState, ctx: Context, ev: Events, p: RegistrationParams): void {
  requireNotPaused(s, "allocationManager", PAUSE.allocationManager.registration);
  checkCanCall(s, p.operator, ctx.caller);
  require(isOperator(s, p.operator), "InvalidOperator");
  for (const id of p.operatorSetIds) {
    const key = setKey(p.avs, id);
    const rec = getOperatorSet(s, key);
    require(!isOperatorSlashable(s, ctx.block, p.operator, key), "AlreadyMemberOfSet");
    const sets = addToSet(s.registeredSets.get(p.operator), key);
    if (sets) s.registeredSets.set(p.operator, sets);
    const members = addToSet(rec.members, p.operator);
    if (members) s.operatorSets.set(key, { ...rec, members });
    emit(ev, "OperatorAddedToOperatorSet", { operator: p.operator, operatorSet: key });
    const rkey = k2(p.operator, key);
    const status = s.registrations.get(rkey) ?? { registered: false, slashableUntil: 0n };
    s.registrations.set(rkey, { ...status, registered: true });
  }
}

export function deregisterFromOperatorSets(s: EigenState, ctx: Context, ev: Events, p: RegistrationParams): void {
  requireNotPaused(s, "allocationManager", PAUSE.allocationManager.registration);
  require(canCall(s, p.operator, ctx.caller) || canCall(s, p.avs, ctx.caller), "InvalidCaller");
  for (const id of p.operatorSetIds) {
    const key = setKey(p.avs, id);
    const rec = getOperatorSet(s, key);
    require(isRegistered(s, p.operator, key), "NotMemberOfSet");
    const sets = removeFromSet(s.registeredSets.get(p.operator), key);
    if (sets) s.registeredSets.set(p.operator, sets);
    const members = removeFromSet(rec.members, p.operator);
    if (members) s.operatorSets.set(key, { ...rec, members });
    emit(ev, "OperatorRemovedFromOperatorSet", { operator: p.operator, operatorSet: key });
    s.registrations.set(k2(p.operator, key), {
      registered: false,
      slashableUntil: ctx.block + s.params.deallocationDelayBlocks,
    });
  }
}

/* ------------------------------------------------------------------ allocations (§7.7–7.8) */

export interface AllocateParams {
  avs: Address;
  operatorSetId: bigint;
  strategies: Address[];
  newMagnitudes: bigint[];
}

export function modifyAllocations(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; allocations: AllocateParams[] },
): void {
  requireNotPaused(s, "allocationManager", PAUSE.allocationManager.modifyAllocations);
  checkCanCall(s, p.operator, ctx.caller);
  const delayInfo = getAllocationDelay(s, ctx.block, p.operator);
  require(delayInfo.isSet, "UninitializedAllocationDelay");
  for (const params of p.allocations) {
    require(params.strategies.length === params.newMagnitudes.length, "InputArrayLengthMismatch");
    const key = setKey(params.avs, params.operatorSetId);
    const set = getOperatorSet(s, key);
    const opSlashable = isOperatorSlashable(s, ctx.block, p.operator, key);
    for (let j = 0; j < params.strategies.length; j++) {
      const strategy = params.strategies[j]!;
      const newMagnitude = params.newMagnitudes[j]!;
      require(newMagnitude >= 0n && newMagnitude <= UINT64_MAX, "InputOutOfRange", "magnitude must fit uint64");
      requireKnownStrategy(s, strategy);
      clearQueue(s, ctx, ev, p.operator, strategy, 0xffffn);
      const [info, a] = updatedAllocation(s, ctx.block, p.operator, key, strategy);
      require(a.effectBlock === 0n, "ModificationAlreadyPending");
      const slashable = set.strategies.includes(strategy) && opSlashable && a.currentMagnitude !== 0n;
      a.pendingDiff = newMagnitude - a.currentMagnitude;
      require(a.pendingDiff !== 0n, "SameMagnitude");
      if (a.pendingDiff < 0n) {
        if (slashable) {
          const qkey = k2(p.operator, strategy);
          s.deallocationQueue.set(qkey, [...(s.deallocationQueue.get(qkey) ?? []), key]);
          a.effectBlock = ctx.block + s.params.deallocationDelayBlocks + 1n;
        } else {
          info.encumberedMagnitude += a.pendingDiff;
          a.currentMagnitude = newMagnitude;
          a.pendingDiff = 0n;
          a.effectBlock = ctx.block;
        }
      } else {
        info.encumberedMagnitude += a.pendingDiff;
        require(info.encumberedMagnitude <= info.maxMagnitude, "InsufficientMagnitude", undefined, {
          encumbered: info.encumberedMagnitude,
          maxMagnitude: info.maxMagnitude,
        });
        a.effectBlock = ctx.block + delayInfo.delay;
      }
      updateAllocationInfo(s, ev, p.operator, key, strategy, info, a);
      emit(ev, "AllocationUpdated", {
        operator: p.operator,
        operatorSet: key,
        strategy,
        magnitude: a.currentMagnitude + a.pendingDiff,
        effectBlock: a.effectBlock,
      });
    }
  }
}

function clearQueue(
  s: EigenState,
  ctx: Context,
  ev: Events,
  operator: Address,
  strategy: Address,
  numToClear: bigint,
): void {
  const qkey = k2(operator, strategy);
  let cleared = 0n;
  for (;;) {
    const queue = s.deallocationQueue.get(qkey);
    if (queue === undefined || queue.length === 0 || cleared >= numToClear) return;
    const set = queue[0]!;
    const [info, a] = updatedAllocation(s, ctx.block, operator, set, strategy);
    if (ctx.block < a.effectBlock) return;
    updateAllocationInfo(s, ev, operator, set, strategy, info, a);
    if (queue.length === 1) s.deallocationQueue.delete(qkey);
    else s.deallocationQueue.set(qkey, queue.slice(1));
    cleared++;
  }
}

export function clearDeallocationQueue(
  s: EigenState,
  ctx: Context,
  ev: Events,
  p: { operator: Address; strategies: Address[]; numToClear: bigint[] },
): void {
  requireNotPaused(s, "allocationManager", PAUSE.allocationManager.modifyAllocations);
  require(p.strategies.length === p.numToClear.length, "InputArrayLengthMismatch");
  p.strategies.forEach((strategy, i) => {
    clearQueue(s, ctx, ev, p.operator, strategy, p.numToClear[i]!);
  });
}

/* ------------------------------------------------------------------ slashing (§7.9) */

export interface SlashingParams {
  avs: Address;
  operator: Address;
  operatorSetId: bigint;
  strategies: Address[];
  wadsToSlash: bigint[];
  description?: string;
}

export interface SlashResult {
  slashId: bigint;
  /** shares to burn or redistribute, per strategy (0 for skipped strategies) */
  shares: bigint[];
}

export function slashOperator(s: EigenState, ctx: Context, ev: Events, p: SlashingParams): SlashResult {
  requireNotPaused(s, "allocationManager", PAUSE.allocationManager.slashing);
  require(p.strategies.length === p.wadsToSlash.length, "InputArrayLengthMismatch");
  const key = setKey(p.avs, p.operatorSetId);
  const set = getOperatorSet(s, key);
  require(isOperatorSlashable(s, ctx.block, p.operator, key), "OperatorNotSlashable");
  require(ctx.caller === getSlasher(s, ctx.block, key), "InvalidCaller", "only the operator set's slasher may slash");
  const slashId = set.slashCount + 1n;
  s.operatorSets.set(key, { ...set, slashCount: slashId });
  const wadSlashed: bigint[] = [];
  const shares: bigint[] = [];
  for (let i = 0; i < p.strategies.length; i++) {
    const strategy = p.strategies[i]!;
    const wad = p.wadsToSlash[i]!;
    require(i === 0 || strategy > p.strategies[i - 1]!, "StrategiesMustBeInAscendingOrder");
    require(wad > 0n && wad <= WAD, "InvalidWadToSlash");
    require(set.strategies.includes(strategy), "StrategyNotInOperatorSet");
    const [info, a] = updatedAllocation(s, ctx.block, p.operator, key, strategy);
    if (a.currentMagnitude === 0n) {
      wadSlashed.push(0n);
      shares.push(0n);
      continue;
    }
    const slashedMagnitude = mulWadUp(a.currentMagnitude, wad);
    const prevMax = info.maxMagnitude;
    wadSlashed.push(divWad(slashedMagnitude, prevMax));
    a.currentMagnitude -= slashedMagnitude;
    info.maxMagnitude -= slashedMagnitude;
    info.encumberedMagnitude -= slashedMagnitude;
    if (a.pendingDiff < 0n) {
      const slashedPending = mulWadUp(-a.pendingDiff, wad);
      a.pendingDiff += slashedPending;
      emit(ev, "AllocationUpdated", {
        operator: p.operator,
        operatorSet: key,
        strategy,
        magnitude: a.currentMagnitude + a.pendingDiff,
        effectBlock: a.effectBlock,
      });
    }
    updateAllocationInfo(s, ev, p.operator, key, strategy, info, a);
    emit(ev, "AllocationUpdated", {
      operator: p.operator,
      operatorSet: key,
      strategy,
      magnitude: a.currentMagnitude,
      effectBlock: ctx.block,
    });
    pushMaxMagnitude(s, ctx, p.operator, strategy, info.maxMagnitude);
    emit(ev, "MaxMagnitudeUpdated", { operator: p.operator, strategy, maxMagnitude: info.maxMagnitude });
    shares.push(slashOperatorShares(s, ctx, ev, p.operator, key, slashId, strategy, prevMax, info.maxMagnitude));
  }
  emit(ev, "OperatorSlashed", {
    operator: p.operator,
    operatorSet: key,
    strategies: p.strategies,
    wadSlashed,
    description: p.description ?? "",
  });
  return { slashId, shares };
}

function pushMaxMagnitude(s: EigenState, ctx: Context, operator: Address, strategy: Address, value: bigint): void {
  const key = k2(operator, strategy);
  const history = s.maxMagnitudeHistory.get(key);
  if (history !== undefined && history.length > 0 && history[history.length - 1]!.key === ctx.block) {
    s.maxMagnitudeHistory.replaceLast(key, { key: ctx.block, value });
  } else {
    s.maxMagnitudeHistory.push(key, { key: ctx.block, value });
  }
}

/* ------------------------------------------------------------------ stake views (§7.10) */

/** ⌊delegated · ⌊current·WAD/m⌋ / WAD⌋ with decreases due by `futureBlock` anticipated. */
export function getMinimumAllocatedStake(
  s: EigenState,
  block: bigint,
  set: SetKey,
  operator: Address,
  strategy: Address,
  futureBlock: bigint,
): bigint {
  const m = getMaxMagnitude(s, operator, strategy);
  if (m === 0n) return 0n;
  const a = getAllocation(s, block, operator, set, strategy);
  let current = a.currentMagnitude;
  if (a.effectBlock <= futureBlock && a.pendingDiff < 0n) current += a.pendingDiff;
  return mulWad(operatorShares(s, operator, strategy), divWad(current, m));
}

export function getAllocatedStake(
  s: EigenState,
  block: bigint,
  set: SetKey,
  operator: Address,
  strategy: Address,
): bigint {
  return getMinimumAllocatedStake(s, block, set, operator, strategy, block);
}

export function getMinimumSlashableStake(
  s: EigenState,
  block: bigint,
  set: SetKey,
  operator: Address,
  strategy: Address,
  futureBlock: bigint,
): bigint {
  if (!isOperatorSlashable(s, block, operator, set)) return 0n;
  return getMinimumAllocatedStake(s, block, set, operator, strategy, futureBlock);
}
