// zod as extended by @hono/zod-openapi, so these schemas also describe the API (OpenAPI) wherever they are loaded.
import { z } from "@hono/zod-openapi";
import type { EigenCommand, EigenCommandType } from "../core/eigenlayer/commands.ts";
import { PAUSABLE_MODULES } from "../core/eigenlayer/context.ts";
import type { Address } from "../core/eigenlayer/state.ts";
import { UINT256_MAX } from "../core/shared/math.ts";

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
