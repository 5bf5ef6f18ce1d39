// zod as extended by @hono/zod-openapi, so these schemas also describe the API (OpenAPI) wherever they are loaded.
import { z } from "@hono/zod-openapi";
import type { EigenCommand, EigenCommandType } from "../core/eigenlayer/commands.ts";
import { PAUSABLE_MODULES } from "../core/eigenlayer/context.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { UINT256_MAX } from "../core/shared/math.ts";
import type { LrtCommand, LrtCommandType } from "../lrt/commands.ts";
import { MARKET_COMMAND_NAMES, MARKET_WIRE_PREFIX, parseMarketCommand } from "./wireMarkets.ts";
import type { WorldCommand } from "./world.ts";

/**
 * The wire format of commands: JSON with amounts as decimal strings and addresses as hex. These zod schemas are the
 * single source of truth: they validate requests (strictly: unknown fields are rejected) and generate the OpenAPI
 * document. Each schema outputs the core command's parameters.
 */

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase() as Address);

export const uint = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, "expected a non-negative integer as a decimal string")
  .transform((v) => BigInt(v))
  .refine((v) => v <= UINT256_MAX, "exceeds uint256");

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of hex");
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte signature");
const setKey = z.string().regex(/^0x[0-9a-f]{40}\/\d{1,10}$/, "expected <avs>/<operatorSetId>");
const text = z.string().max(1024);

const bytes32 = hex32.transform((s) => s.toLowerCase() as `0x${string}`);
/** ABI `bytes` (Merkle proofs: up to 64 levels of 32 bytes) */
const hexBytes = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2})*$/, "expected hex bytes")
  .max(2 + 64 * 64)
  .transform((s) => s.toLowerCase() as `0x${string}`);

// RewardsCoordinator structs (array bounds are the node's; empty arrays reach the engine, which gives the revert)
const strategiesAndMultipliers = z.array(z.strictObject({ strategy: address, multiplier: uint })).max(64);
const rewardsSubmissions = z
  .array(
    z.strictObject({
      strategiesAndMultipliers,
      token: address,
      amount: uint,
      startTimestamp: uint,
      duration: uint,
    }),
  )
  .max(64);
const operatorDirectedRewardsSubmissions = z
  .array(
    z.strictObject({
      strategiesAndMultipliers,
      token: address,
      operatorRewards: z.array(z.strictObject({ operator: address, amount: uint })).max(256),
      startTimestamp: uint,
      duration: uint,
      description: text.optional(),
    }),
  )
  .max(64);
const rewardsMerkleClaim = z.strictObject({
  rootIndex: uint,
  earnerIndex: uint,
  earnerTreeProof: hexBytes,
  earnerLeaf: z.strictObject({ earner: address, earnerTokenRoot: bytes32 }),
  tokenIndices: z.array(uint).max(256),
  tokenTreeProofs: z.array(hexBytes).max(256),
  tokenLeaves: z.array(z.strictObject({ token: address, cumulativeEarnings: uint })).max(256),
});

const approval = {
  approverSignature: z
    .strictObject({ signature: signature.transform((s) => s as `0x${string}`), expiry: uint })
    .optional(),
  approverSalt: hex32.transform((s) => s as `0x${string}`).optional(),
};

export const commandSchemas = {
  createToken: z.strictObject({
    token: address,
    symbol: z.string().min(1).max(32),
    decimals: z.number().int().min(0).max(36),
  }),
  mint: z.strictObject({ token: address, to: address, amount: uint }),
  transfer: z.strictObject({ token: address, to: address, amount: uint }),
  addStrategy: z.strictObject({
    strategy: address,
    token: address,
    maxPerDeposit: uint.optional(),
    maxTotalDeposits: uint.optional(),
  }),
  setStrategyWhitelisted: z.strictObject({ strategy: address, whitelisted: z.boolean() }),
  setStrategyDepositLimits: z.strictObject({ strategy: address, maxPerDeposit: uint, maxTotalDeposits: uint }),
  pause: z.strictObject({ module: z.enum(PAUSABLE_MODULES), newPausedStatus: uint }),
  unpause: z.strictObject({ module: z.enum(PAUSABLE_MODULES), newPausedStatus: uint }),
  setAppointee: z.strictObject({ account: address, appointee: address }),
  removeAppointee: z.strictObject({ account: address, appointee: address }),
  depositIntoStrategy: z.strictObject({ strategy: address, amount: uint }),
  clearBurnOrRedistributableShares: z.strictObject({
    operatorSet: setKey,
    slashId: uint,
    strategy: address.optional(),
  }),
  registerAsOperator: z.strictObject({
    delegationApprover: address.nullable().optional(),
    allocationDelay: uint,
    metadataURI: text.optional(),
  }),
  modifyOperatorDetails: z.strictObject({ operator: address, delegationApprover: address.nullable() }),
  updateOperatorMetadataURI: z.strictObject({ operator: address, metadataURI: text }),
  delegateTo: z.strictObject({ operator: address, ...approval }),
  undelegate: z.strictObject({ staker: address }),
  redelegate: z.strictObject({ operator: address, ...approval }),
  queueWithdrawals: z.strictObject({
    params: z
      .array(z.strictObject({ strategies: z.array(address).max(64), depositShares: z.array(uint).max(64) }))
      .min(1)
      .max(64),
  }),
  completeQueuedWithdrawal: z.strictObject({
    withdrawalRoot: hex32.transform((s) => s.toLowerCase()),
    receiveAsTokens: z.boolean(),
  }),
  updateAVSMetadataURI: z.strictObject({ avs: address, metadataURI: text }),
  createOperatorSets: z.strictObject({
    avs: address,
    operatorSets: z
      .array(z.strictObject({ operatorSetId: uint, strategies: z.array(address).max(64), slasher: address.optional() }))
      .min(1)
      .max(64),
    redistributionRecipients: z.array(address).max(64).optional(),
  }),
  addStrategiesToOperatorSet: z.strictObject({
    avs: address,
    operatorSetId: uint,
    strategies: z.array(address).min(1).max(64),
  }),
  removeStrategiesFromOperatorSet: z.strictObject({
    avs: address,
    operatorSetId: uint,
    strategies: z.array(address).min(1).max(64),
  }),
  updateSlasher: z.strictObject({ avs: address, operatorSetId: uint, slasher: address }),
  registerForOperatorSets: z.strictObject({
    operator: address,
    avs: address,
    operatorSetIds: z.array(uint).min(1).max(64),
  }),
  deregisterFromOperatorSets: z.strictObject({
    operator: address,
    avs: address,
    operatorSetIds: z.array(uint).min(1).max(64),
  }),
  setAllocationDelay: z.strictObject({ operator: address, delay: uint }),
  modifyAllocations: z.strictObject({
    operator: address,
    allocations: z
      .array(
        z.strictObject({
          avs: address,
          operatorSetId: uint,
          strategies: z.array(address).min(1).max(64),
          newMagnitudes: z.array(uint).min(1).max(64),
        }),
      )
      .min(1)
      .max(64),
  }),
  clearDeallocationQueue: z.strictObject({
    operator: address,
    strategies: z.array(address).max(64),
    numToClear: z.array(uint).max(64),
  }),
  slashOperator: z.strictObject({
    avs: address,
    operator: address,
    operatorSetId: uint,
    strategies: z.array(address).min(1).max(64),
    wadsToSlash: z.array(uint).min(1).max(64),
    description: text.optional(),
  }),
  createPod: z.strictObject({}),
  verifyWithdrawalCredentials: z.strictObject({
    podOwner: address,
    validators: z
      .array(z.strictObject({ validatorIndex: uint, effectiveBalanceGwei: uint }))
      .min(1)
      .max(256),
  }),
  creditPodEth: z.strictObject({ podOwner: address, amountWei: uint }),
  startCheckpoint: z.strictObject({ revertIfNoBalance: z.boolean().optional() }),
  verifyStaleBalance: z.strictObject({ podOwner: address, validatorIndex: uint }),
  verifyCheckpointProofs: z.strictObject({
    podOwner: address,
    balances: z
      .array(z.strictObject({ validatorIndex: uint, balanceGwei: uint }))
      .min(1)
      .max(256),
  }),
  createAVSRewardsSubmission: z.strictObject({ rewardsSubmissions }),
  createRewardsForAllSubmission: z.strictObject({ rewardsSubmissions }),
  createRewardsForAllEarners: z.strictObject({ rewardsSubmissions }),
  createOperatorDirectedAVSRewardsSubmission: z.strictObject({ avs: address, operatorDirectedRewardsSubmissions }),
  createOperatorDirectedOperatorSetRewardsSubmission: z.strictObject({
    avs: address,
    operatorSetId: uint,
    operatorDirectedRewardsSubmissions,
  }),
  createUniqueStakeRewardsSubmission: z.strictObject({ avs: address, operatorSetId: uint, rewardsSubmissions }),
  createTotalStakeRewardsSubmission: z.strictObject({ avs: address, operatorSetId: uint, rewardsSubmissions }),
  setOptInForProtocolFee: z.strictObject({ submitter: address, optInForProtocolFee: z.boolean() }),
  setOperatorAVSSplit: z.strictObject({ operator: address, avs: address, split: uint }),
  setOperatorSetSplit: z.strictObject({ operator: address, avs: address, operatorSetId: uint, split: uint }),
  setOperatorPISplit: z.strictObject({ operator: address, split: uint }),
  setDefaultOperatorSplit: z.strictObject({ split: uint }),
  setActivationDelay: z.strictObject({ activationDelay: uint }),
  setRewardsUpdater: z.strictObject({ rewardsUpdater: address }),
  setRewardsForAllSubmitter: z.strictObject({ submitter: address, newValue: z.boolean() }),
  setFeeRecipient: z.strictObject({ feeRecipient: address }),
  submitRoot: z.strictObject({ root: bytes32, rewardsCalculationEndTimestamp: uint }),
  disableRoot: z.strictObject({ rootIndex: uint }),
  setClaimerFor: z.strictObject({ earner: address.optional(), claimer: address }),
  processClaim: z.strictObject({ claim: rewardsMerkleClaim, recipient: address }),
} satisfies Record<EigenCommandType, z.ZodType>;

/** Node-level commands that are not protocol operations. */
export const nodeCommandSchemas = {
  /** Manual-clock mode: the admin advances the chain by `blocks` blocks. */
  advanceClock: z.strictObject({ blocks: uint.refine((b) => b >= 1n && b <= 10_000_000n, "1 to 10,000,000 blocks") }),
};

export type NodeCommandType = keyof typeof nodeCommandSchemas;
export type CommandName = EigenCommandType | NodeCommandType;
export const COMMAND_NAMES = [...Object.keys(commandSchemas), ...Object.keys(nodeCommandSchemas)] as CommandName[];

export function isEigenCommand(name: string): name is EigenCommandType {
  return Object.hasOwn(commandSchemas, name);
}

/** Parses wire parameters into a core command; returns zod issues on failure. */
export function parseCommand(
  name: string,
  params: unknown,
): { ok: true; command: EigenCommand | { type: "advanceClock"; blocks: bigint } } | { ok: false; issues: string[] } {
  const schema = isEigenCommand(name)
    ? commandSchemas[name]
    : Object.hasOwn(nodeCommandSchemas, name)
      ? nodeCommandSchemas[name as NodeCommandType]
      : null;
  if (schema === null) return { ok: false, issues: [`unknown command ${JSON.stringify(name)}`] };
  const r = (schema as z.ZodType).safeParse(params);
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`) };
  return { ok: true, command: { type: name, ...(r.data as object) } as EigenCommand };
}

/* ------------------------------------------------------------------ LRT layer (src/lrt), not yet on the ledger */

/**
 * Wire schemas of the LRT layer's commands (`executeLrt`). On the wire their names carry the prefix "lrt." (LRT
 * `deposit`, `transfer`, `pause`, `unpause` would otherwise clash with core commands). They are not in
 * COMMAND_NAMES yet: the ledger does not hold an LRT world (see docs/lrt.md, "Node integration").
 */
export const LRT_WIRE_PREFIX = "lrt.";

const lrtId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected an id: 1–32 lower-case letters, digits, '-'");
const chainId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "expected a chain id");
const lrtSymbol = z.string().regex(/^[A-Za-z0-9]{1,16}$/, "expected a token symbol");
const assetAmounts = z.array(z.tuple([address, uint])).max(64);

const lrtParams = z.strictObject({
  minDeposit: uint,
  depositCap: uint,
  assetCaps: assetAmounts,
  minWithdrawal: uint,
  maxWithdrawal: uint,
  feeBps: uint,
  minReportIntervalSeconds: uint,
  maxPositiveRebaseBps: uint,
  maxNegativeRebaseBps: uint,
  acceptableRebaseAprBps: uint,
  exitFeeBps: uint,
  exitFeeSplitToTreasuryBps: uint,
  lowWatermarkBps: uint,
  bucketCapacity: uint,
  bucketRefillPerSecond: uint,
  maxFinalizedPerDay: uint,
  maxRequestsPerReport: uint,
  staleReportWindowBlocks: uint,
  staleFinalizationCooldownBlocks: uint,
  oracleMaxAgeSeconds: uint,
  cooldownSeconds: uint,
  bufferTargets: assetAmounts,
  whitelist: z.array(address).max(256),
  pricePercentageLimit: uint,
  withdrawalDelayBlocks: uint,
  maxWithdrawalDelayBlocks: uint,
  maxDelegators: uint,
  treasuryExitFeeBps: uint,
  maxExitFeeBps: uint,
  vestingWindowSeconds: uint,
  batchSize: uint,
  ethereumValidators: uint,
  burstThresholdPct: uint,
  enclaveBond: uint,
  noEnclaveBond: uint,
  treasuryFeeBps: uint,
  nodeOperatorFeeBps: uint,
  maxRepriceDiffBps: uint,
});

const lrtRoles = z.strictObject({
  admin: address,
  oracle: address,
  manager: address,
  pauser: address,
  riskOracle: address,
  treasury: address,
  nodeOperatorRewards: address,
});

export const lrtCommandSchemas = {
  createLst: z.strictObject({
    id: lrtId,
    symbol: lrtSymbol,
    kind: z.enum(["rebasing", "exchangeRate"]),
    feeBps: uint,
    withdrawalDelaySeconds: uint,
    oracle: address,
    admin: address,
  }),
  lstSubmit: z.strictObject({ lst: lrtId, amount: uint }),
  lstReport: z.strictObject({ lst: lrtId, rewardsWei: uint, penaltiesWei: uint }),
  lstRequestWithdrawal: z.strictObject({ lst: lrtId, amount: uint }),
  lstClaimWithdrawal: z.strictObject({ lst: lrtId, id: uint }),
  createLrt: z.strictObject({
    id: lrtId,
    protocol: z.enum(["etherfi", "renzo", "kelp", "puffer", "swell"]),
    symbol: lrtSymbol,
    wrappedSymbol: lrtSymbol.nullable().optional(),
    roles: lrtRoles,
    assets: z.array(address).min(1).max(16),
    params: lrtParams,
  }),
  addDelegator: z.strictObject({ lrt: lrtId, operator: address, weightBps: uint }),
  setDelegatorWeight: z.strictObject({ lrt: lrtId, delegator: uint, weightBps: uint }),
  setParams: z.strictObject({ lrt: lrtId, params: lrtParams.partial() }),
  pause: z.strictObject({ lrt: lrtId, flags: uint }),
  unpause: z.strictObject({ lrt: lrtId, flags: uint }),
  riskOracleUpdate: z.strictObject({ lrt: lrtId, pausedFlags: uint, cooldownSeconds: uint }),
  addBridgeRoute: z.strictObject({
    lrt: lrtId,
    chain: chainId,
    mechanism: z.enum(["lockAndMint", "burnAndMint"]),
    verifier: address,
  }),
  deposit: z.strictObject({ lrt: lrtId, asset: address, amount: uint, minOut: uint.optional() }),
  requestWithdrawal: z.strictObject({ lrt: lrtId, amount: uint, asset: address.optional() }),
  claimWithdrawal: z.strictObject({ lrt: lrtId, id: uint }),
  instantRedeem: z.strictObject({ lrt: lrtId, amount: uint }),
  transfer: z.strictObject({
    lrt: lrtId,
    to: address,
    amount: uint,
    token: lrtSymbol.optional(),
    chain: chainId.optional(),
  }),
  wrap: z.strictObject({ lrt: lrtId, amount: uint }),
  unwrap: z.strictObject({ lrt: lrtId, amount: uint }),
  bridgeOut: z.strictObject({ lrt: lrtId, fromChain: chainId, toChain: chainId, to: address, amount: uint }),
  bridgeIn: z.strictObject({
    lrt: lrtId,
    fromChain: chainId,
    toChain: chainId,
    nonce: uint,
    to: address,
    amount: uint,
  }),
  report: z.strictObject({ lrt: lrtId, finalizeUpTo: uint.optional(), prices: assetAmounts.optional() }),
  finalizeWithdrawals: z.strictObject({
    lrt: lrtId,
    upTo: uint.optional(),
    minPrice: uint.optional(),
    maxPrice: uint.optional(),
  }),
  finalizeWhenStale: z.strictObject({ lrt: lrtId }),
  invalidateWithdrawal: z.strictObject({ lrt: lrtId, id: uint }),
  restake: z.strictObject({ lrt: lrtId, asset: address, amount: uint, delegator: uint.optional() }),
  stakeNative: z.strictObject({ lrt: lrtId, delegator: uint, validators: uint }),
  startCheckpoint: z.strictObject({ lrt: lrtId, delegator: uint }),
  stakeLst: z.strictObject({ lrt: lrtId, lst: lrtId, amount: uint }),
  unstake: z.strictObject({ lrt: lrtId, delegator: uint, strategy: address, shares: uint }),
  completeUnstake: z.strictObject({ lrt: lrtId, withdrawalRoot: hex32.transform((s) => s.toLowerCase()) }),
  depositRewards: z.strictObject({ lrt: lrtId, amount: uint }),
  postBond: z.strictObject({ lrt: lrtId, delegator: uint, validators: uint, enclave: z.boolean() }),
} satisfies Record<LrtCommandType, z.ZodType>;

export const LRT_COMMAND_NAMES = Object.keys(lrtCommandSchemas).map((n) => `${LRT_WIRE_PREFIX}${n}`);

/** Parses an "lrt.<command>" transaction's parameters into an LRT command; returns zod issues on failure. */
export function parseLrtCommand(
  name: string,
  params: unknown,
): { ok: true; command: LrtCommand } | { ok: false; issues: string[] } {
  const type = name.startsWith(LRT_WIRE_PREFIX) ? name.slice(LRT_WIRE_PREFIX.length) : null;
  if (type === null || !Object.hasOwn(lrtCommandSchemas, type)) {
    return { ok: false, issues: [`unknown LRT command ${JSON.stringify(name)}`] };
  }
  const r = (lrtCommandSchemas[type as LrtCommandType] as z.ZodType).safeParse(params);
  if (!r.success)
    return { ok: false, issues: r.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`) };
  return { ok: true, command: { type, ...(r.data as object) } as LrtCommand };
}

/* ------------------------------------------------------------------ every transaction the ledger accepts */

/** A parsed transaction: a node command (the clock), or a command for one layer of the world. */
export type ParsedTx =
  | { kind: "node"; command: { type: "advanceClock"; blocks: bigint } }
  | { kind: "world"; command: WorldCommand };

/** Parses any transaction: core commands by name, `lrt.<command>`, `market.<command>`, and node commands. */
export function parseTx(name: string, params: unknown): { ok: true; tx: ParsedTx } | { ok: false; issues: string[] } {
  if (name.startsWith(LRT_WIRE_PREFIX)) {
    const r = parseLrtCommand(name, params);
    return r.ok ? { ok: true, tx: { kind: "world", command: { layer: "lrt", command: r.command } } } : r;
  }
  if (name.startsWith(MARKET_WIRE_PREFIX)) {
    const r = parseMarketCommand(name, params);
    return r.ok ? { ok: true, tx: { kind: "world", command: { layer: "market", command: r.command } } } : r;
  }
  const r = parseCommand(name, params);
  if (!r.ok) return r;
  if (r.command.type === "advanceClock") {
    return { ok: true, tx: { kind: "node", command: r.command as { type: "advanceClock"; blocks: bigint } } };
  }
  return { ok: true, tx: { kind: "world", command: { layer: "eigen", command: r.command as EigenCommand } } };
}

/** Every transaction name: core and node commands, then the layers' (`lrt.*`, `market.*`). */
export const ALL_COMMAND_NAMES: string[] = [...COMMAND_NAMES, ...LRT_COMMAND_NAMES, ...MARKET_COMMAND_NAMES];
