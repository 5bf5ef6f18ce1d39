import { z } from "@hono/zod-openapi";
import type { Address } from "../../core/eigenlayer/state.ts";
import { UINT256_MAX } from "../../core/shared/math.ts";
import { type CommandName, commandSchemas, LRT_WIRE_PREFIX, lrtCommandSchemas, nodeCommandSchemas } from "../wire.ts";
import { MARKET_WIRE_PREFIX, marketCommandSchemas } from "../wireMarkets.ts";

/**
 * The HTTP API's request and response schemas. Requests reuse wire.ts's command schemas (the single source of truth
 * for command parameters); responses are documented here. Every integer that can exceed 2^53 travels as a decimal
 * string. These schemas generate the OpenAPI 3.1 document, and the tests parse real responses with them.
 */

/** Most transactions one batch request may carry. */
export const MAX_BATCH = 256;

/* ------------------------------------------------------------------ shared pieces */

export const Amount = z
  .string()
  .regex(/^-?\d+$/)
  .openapi("Amount", {
    description:
      "An integer as a decimal string (amounts, shares, magnitudes, blocks, timestamps); exact, never a float.",
    example: "1000000000000000000",
  });

export const AddressOut = z
  .string()
  .regex(/^0x[0-9a-f]{40}$/)
  .openapi("Address", { description: "A lower-case 20-byte hex address.", example: `0x${"ab".repeat(20)}` });

const SetKeyOut = z
  .string()
  .regex(/^0x[0-9a-f]{40}\/\d+$/)
  .openapi("OperatorSetKey", {
    description: "An operator set as `<avs>/<operatorSetId>`.",
    example: `0x${"ab".repeat(20)}/1`,
  });

const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

/** Path or query input: any-case hex address, normalised to lower case. */
export const AddressIn = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase() as Address)
  .openapi({ description: "A 20-byte hex address (any case).", example: `0x${"ab".repeat(20)}` });

/** A non-negative decimal integer string no larger than uint256, kept as a string (it is part of what was signed). */
const UintString = z
  .string()
  .regex(/^(0|[1-9]\d{0,77})$/, "expected a non-negative integer as a decimal string")
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) <= UINT256_MAX, "exceeds uint256")
  .openapi({ description: "A uint256 as a decimal string, no leading zeros.", example: "0" });

const Signature = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte hex signature")
  .openapi({ description: "65-byte secp256k1 signature (r ‖ s ‖ v) over the EIP-712 Transaction digest." });

export const ErrorBody = z
  .object({
    code: z.string().openapi({ description: "Stable error code; EigenLayer's revert name for domain errors." }),
    message: z.string(),
    context: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("Error");

export const EventOut = z
  .object({ event: z.string(), args: z.record(z.string(), z.unknown()) })
  .openapi("Event", { description: "An event as the EigenLayer contracts emit it; integers as decimal strings." });

/* ------------------------------------------------------------------ signed transactions */

const TX_DESCRIPTION =
  "An EIP-712 `Transaction(address sender,uint256 nonce,uint256 deadline,string command,string params)` signed by " +
  "`sender`; `params` is signed as its canonical JSON (keys sorted). Domain: name `restake`, version `1`, the node's " +
  "chainId and verifyingContract = the deployment address (see GET /api/params).";

function txSchema<N extends CommandName, P extends z.ZodType>(command: N, params: P) {
  return z
    .strictObject({
      sender: AddressIn,
      nonce: UintString.openapi({ description: "Must equal the sender's next nonce (GET /api/nonces/{address})." }),
      deadline: UintString.openapi({ description: "Unix seconds; rejected once the chain timestamp passes it." }),
      command: z.literal(command),
      params,
      signature: Signature,
    })
    .openapi(`Tx_${command}`, { description: `A signed \`${command}\` transaction.` });
}

const prefixed = (prefix: string, schemas: Record<string, z.ZodType>): Record<string, z.ZodType> =>
  Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [`${prefix}${name}`, schema]));

const allParams: Record<string, z.ZodType> = {
  ...commandSchemas,
  ...nodeCommandSchemas,
  ...prefixed(LRT_WIRE_PREFIX, lrtCommandSchemas),
  ...prefixed(MARKET_WIRE_PREFIX, marketCommandSchemas),
};

/** Command names in the order of the OpenAPI document (core, node, then the layers' `lrt.*` and `market.*`). */
export const ALL_COMMANDS = Object.keys(allParams);

// Each command's parameters become a component `Params_<command>`, referenced by its `Tx_<command>` variant.
// wire.ts may have built its schemas before @hono/zod-openapi extended zod (the CLI loads the engine first), and zod 4
// gives an instance the extension's methods only when it is constructed: clone (a native method) to get one that has
// `.openapi`. The clone validates exactly as the original.
const txOptions = Object.entries(allParams).map(([name, schema]) =>
  txSchema(name as CommandName, schema.clone().openapi(`Params_${name}`)),
);

/** The signed transaction: a union discriminated by `command`, each variant with that command's parameters. */
export const SignedTxIn = z
  .discriminatedUnion(
    "command",
    txOptions as unknown as [(typeof txOptions)[number], ...(typeof txOptions)[number][]],
    {
      error: (issue) =>
        issue.code === "invalid_union" ? "unknown or missing command (GET /api/params lists them)" : undefined,
    },
  )
  .openapi("SignedTx", { description: TX_DESCRIPTION });

export const BatchIn = z.strictObject({ txs: z.array(SignedTxIn).min(1).max(MAX_BATCH) }).openapi("TxBatch", {
  description: `Up to ${MAX_BATCH} signed transactions, applied in order; each succeeds or fails on its own.`,
});

/** The envelope fields of a validated transaction (its params are taken raw from the body: they were signed). */
export interface TxEnvelope {
  sender: Address;
  nonce: string;
  deadline: string;
  command: string;
  signature: string;
}

export const ReceiptOut = z
  .object({
    status: z.literal("accepted"),
    seq: z.number().int().openapi({ description: "Position of the transaction in the log." }),
    txHash: Hex32,
    block: Amount,
    timestamp: Amount,
    events: z.array(EventOut),
    result: z.record(z.string(), z.unknown()).openapi({ description: "The contract function's return values." }),
  })
  .openapi("Receipt");

const BatchItemOut = z
  .union([
    ReceiptOut.extend({ index: z.number().int(), httpStatus: z.literal(200) }),
    z.object({
      index: z.number().int(),
      status: z.literal("rejected"),
      httpStatus: z.number().int().openapi({ description: "The status a single POST /api/tx would have returned." }),
      code: z.string(),
      message: z.string(),
      context: z.record(z.string(), z.unknown()).optional(),
    }),
  ])
  .openapi("BatchItem");

export const BatchOut = z
  .object({ results: z.array(BatchItemOut), accepted: z.number().int(), rejected: z.number().int() })
  .openapi("BatchResult");

/* ------------------------------------------------------------------ node */

const ChainPosition = {
  seq: z.number().int().openapi({ description: "Last log sequence number applied." }),
  block: Amount,
  timestamp: Amount,
};

export const HealthOut = z
  .object({
    status: z.literal("ok"),
    store: z.enum(["sqlite", "postgres"]),
    storeHead: z.number().int(),
    ...ChainPosition,
  })
  .openapi("Health");

export const StateHashOut = z
  .object({
    hash: Hex32.openapi({
      description: "keccak256 over engine state, nonces and chain time; what `restake verify` compares.",
    }),
    ...ChainPosition,
  })
  .openapi("StateHash");

export const ClockOut = z
  .object({
    mode: z.enum(["manual", "realtime"]),
    blockTimeSeconds: Amount,
    ...ChainPosition,
    /** when the next transaction would run: in real-time mode this moves with wall time */
    now: z.object({ block: Amount, timestamp: Amount }),
  })
  .openapi("Clock");

export const ParamsOut = z
  .object({
    chainId: Amount,
    deployment: AddressOut,
    eip712Domain: z.object({ name: z.string(), version: z.string(), chainId: Amount, verifyingContract: AddressOut }),
    admin: AddressOut,
    beaconReporter: AddressOut,
    minWithdrawalDelayBlocks: Amount,
    deallocationDelayBlocks: Amount,
    allocationConfigurationDelayBlocks: Amount,
    slashResolutionDelayBlocks: Amount,
    delegationApprovalChainId: Amount,
    commands: z.array(z.string()),
  })
  .openapi("NodeParams");

export const NonceOut = z.object({ address: AddressOut, nonce: Amount }).openapi("Nonce");

/* ------------------------------------------------------------------ stakers and withdrawals */

export const QueuedWithdrawalOut = z
  .object({
    root: Hex32,
    staker: AddressOut,
    delegatedTo: AddressOut.nullable(),
    withdrawer: AddressOut,
    nonce: Amount,
    startBlock: Amount,
    strategies: z.array(AddressOut),
    scaledShares: z.array(Amount),
    shares: z.array(Amount).openapi({
      description: "Current value in shares: slashes up to slashableUntil still apply; historical value after it.",
    }),
    slashableUntil: Amount,
    completableFrom: Amount,
    completable: z.boolean(),
  })
  .openapi("QueuedWithdrawal");

const PodOut = z
  .object({
    address: AddressOut,
    restakedExecutionLayerGwei: Amount,
    activeValidatorCount: Amount,
    lastCheckpointTimestamp: Amount,
    currentCheckpoint: z
      .object({
        timestamp: Amount,
        proofsRemaining: Amount,
        podBalanceGwei: Amount,
        balanceDeltasGwei: Amount,
        prevBeaconBalanceGwei: Amount,
      })
      .nullable(),
    validators: z.array(
      z.object({
        index: Amount,
        restakedBalanceGwei: Amount,
        lastCheckpointedAt: Amount,
        status: z.enum(["INACTIVE", "ACTIVE", "WITHDRAWN"]),
      }),
    ),
  })
  .openapi("Pod");

export const StakerOut = z
  .object({
    address: AddressOut,
    block: Amount,
    delegatedTo: AddressOut.nullable(),
    isOperator: z.boolean(),
    withdrawalNonce: Amount.openapi({ description: "cumulativeWithdrawalsQueued" }),
    beaconChainSlashingFactor: Amount,
    strategies: z.array(
      z.object({
        strategy: AddressOut,
        asset: AddressOut,
        depositShares: Amount,
        withdrawableShares: Amount,
        withdrawableAmount: Amount.openapi({ description: "withdrawableShares in the underlying asset." }),
        depositScalingFactor: Amount,
        slashingFactor: Amount,
      }),
    ),
    tokenBalances: z.array(
      z.object({ token: AddressOut, symbol: z.string(), decimals: z.number().int(), balance: Amount }),
    ),
    queuedWithdrawals: z.array(QueuedWithdrawalOut),
    pod: PodOut.nullable(),
    appointees: z.array(AddressOut),
  })
  .openapi("Staker");

export const WithdrawalsOut = z
  .object({ block: Amount, total: z.number().int(), withdrawals: z.array(QueuedWithdrawalOut) })
  .openapi("Withdrawals");

/* ------------------------------------------------------------------ operators and allocations */

const AllocationDelayOut = z.object({
  isSet: z.boolean(),
  delay: Amount.openapi({ description: "The delay in effect at the current block." }),
  pendingDelay: Amount,
  effectBlock: Amount,
});

export const AllocationOut = z
  .object({
    operator: AddressOut,
    operatorSet: SetKeyOut,
    avs: AddressOut,
    operatorSetId: Amount,
    strategy: AddressOut,
    currentMagnitude: Amount,
    pendingDiff: Amount,
    effectBlock: Amount,
    allocatedStake: Amount,
    slashableStake: Amount,
  })
  .openapi("Allocation");

export const AllocationsOut = z.object({ block: Amount, allocations: z.array(AllocationOut) }).openapi("Allocations");

const DelegatedStakers = z.number().int().openapi({
  description: "Stakers delegated to the operator, not counting the operator's own self-delegation.",
});

const OperatorSummaryOut = z
  .object({
    address: AddressOut,
    delegationApprover: AddressOut.nullable(),
    registeredAtBlock: Amount,
    allocationDelay: AllocationDelayOut,
    delegatedStakers: DelegatedStakers,
    shares: z.array(z.object({ strategy: AddressOut, shares: Amount })),
    registeredSets: z.array(SetKeyOut),
  })
  .openapi("OperatorSummary");

export const OperatorsOut = z.object({ block: Amount, operators: z.array(OperatorSummaryOut) }).openapi("Operators");

export const OperatorOut = z
  .object({
    address: AddressOut,
    block: Amount,
    delegationApprover: AddressOut.nullable(),
    registeredAtBlock: Amount,
    allocationDelay: AllocationDelayOut,
    delegatedStakers: DelegatedStakers,
    appointees: z.array(AddressOut),
    strategies: z.array(
      z.object({
        strategy: AddressOut,
        operatorShares: Amount,
        maxMagnitude: Amount,
        encumberedMagnitude: Amount,
        allocatableMagnitude: Amount,
        slashableSharesInQueue: Amount,
        deallocationQueue: z.array(SetKeyOut),
      }),
    ),
    registeredSets: z.array(SetKeyOut),
    operatorSets: z.array(
      z.object({
        operatorSet: SetKeyOut,
        avs: AddressOut,
        operatorSetId: Amount,
        registered: z.boolean(),
        slashable: z.boolean(),
        slashableUntil: Amount.nullable().openapi({ description: "Set after deregistration; null while registered." }),
      }),
    ),
    allocations: z.array(AllocationOut),
  })
  .openapi("Operator");

/* ------------------------------------------------------------------ AVSs and operator sets */

export const OperatorSetSummaryOut = z
  .object({
    operatorSet: SetKeyOut,
    avs: AddressOut,
    operatorSetId: Amount,
    strategies: z.array(AddressOut),
    members: z.array(AddressOut),
    slasher: AddressOut.openapi({ description: "The slasher in effect at the current block." }),
    redistributionRecipient: AddressOut.nullable(),
    slashCount: Amount,
  })
  .openapi("OperatorSetSummary");

export const AvsListOut = z
  .object({
    avss: z.array(z.object({ address: AddressOut, metadataURI: z.string(), operatorSets: z.array(SetKeyOut) })),
  })
  .openapi("AvsList");

export const AvsOut = z
  .object({
    address: AddressOut,
    metadataURI: z.string(),
    appointees: z.array(AddressOut),
    operatorSets: z.array(OperatorSetSummaryOut),
  })
  .openapi("Avs");

const PendingSlashOut = z
  .object({
    resolutionBlock: Amount.openapi({ description: "Clearable once the block is past this." }),
    shares: z.array(z.object({ strategy: AddressOut, shares: Amount })),
  })
  .openapi("PendingSlash");

export const OperatorSetOut = z
  .object({
    operatorSet: SetKeyOut,
    avs: AddressOut,
    operatorSetId: Amount,
    block: Amount,
    futureBlock: Amount,
    strategies: z.array(AddressOut),
    members: z.array(AddressOut),
    slashableOperators: z.array(AddressOut).openapi({
      description: "Members plus deregistered operators still inside their slashable window.",
    }),
    slasher: z.object({ current: AddressOut, pending: AddressOut, effectBlock: Amount }),
    redistributionRecipient: AddressOut.nullable(),
    slashCount: Amount,
    stake: z.array(
      z.object({
        operator: AddressOut,
        strategy: AddressOut,
        currentMagnitude: Amount,
        pendingDiff: Amount,
        effectBlock: Amount,
        allocatedStake: Amount,
        minimumSlashableStake: Amount.openapi({ description: "Slashable at futureBlock (pending decreases applied)." }),
      }),
    ),
    pendingSlashes: z.array(PendingSlashOut.extend({ slashId: Amount })),
  })
  .openapi("OperatorSet");

/* ------------------------------------------------------------------ strategies, slashes, log, neutral view */

export const StrategiesOut = z
  .object({
    strategies: z.array(
      z.object({
        address: AddressOut,
        token: AddressOut,
        symbol: z.string(),
        decimals: z.number().int(),
        totalShares: Amount,
        balance: Amount,
        rate: Amount.openapi({
          description: "Underlying per 1e18 shares, floored (StrategyBase.sharesToUnderlyingView).",
        }),
        whitelisted: z.boolean(),
        maxPerDeposit: Amount.nullable(),
        maxTotalDeposits: Amount.nullable(),
      }),
    ),
    beaconChainETH: z.object({ strategy: AddressOut, asset: AddressOut, burnableShares: Amount }),
  })
  .openapi("Strategies");

export const SlashOut = z
  .object({
    slashId: Amount,
    operatorSet: SetKeyOut,
    avs: AddressOut,
    operatorSetId: Amount,
    operator: AddressOut,
    slasher: AddressOut,
    description: z.string(),
    seq: z.number().int(),
    block: Amount,
    timestamp: Amount,
    txHash: Hex32,
    strategies: z.array(
      z.object({ strategy: AddressOut, wadToSlash: Amount, wadSlashed: Amount, sharesSlashed: Amount }),
    ),
    cleared: z.array(z.object({ strategy: AddressOut, shares: Amount, seq: z.number().int(), block: Amount })),
    pending: PendingSlashOut.nullable(),
  })
  .openapi("Slash");

export const SlashesOut = z
  .object({ slashes: z.array(SlashOut), indexedThroughSeq: z.number().int() })
  .openapi("Slashes");

export const LogEntryOut = z
  .object({
    seq: z.number().int(),
    block: Amount,
    timestamp: Amount,
    txHash: Hex32,
    sender: AddressOut,
    command: z.string(),
    tx: z.record(z.string(), z.unknown()).openapi({ description: "The signed transaction as submitted." }),
    events: z.array(EventOut),
  })
  .openapi("LogEntry");

export const EventsOut = z
  .object({
    entries: z.array(LogEntryOut),
    nextCursor: z.number().int().openapi({ description: "Pass as `cursor` to continue." }),
    head: z.number().int(),
    hasMore: z.boolean(),
  })
  .openapi("EventPage");

export const NeutralOut = z
  .object({
    protocol: z.string(),
    block: Amount,
    horizonBlock: Amount,
    exposures: z.array(
      z.object({
        protocol: z.string(),
        collateral: z.string(),
        asset: z.string(),
        operator: z.string(),
        service: z.string(),
        serviceSet: z.string(),
        slasher: z.string(),
        redistributionRecipient: z.string().nullable(),
        shares: Amount,
        assetAmount: Amount,
        sharesAtHorizon: Amount,
        fractionWad: Amount,
        slashableUntil: Amount.nullable(),
      }),
    ),
    operators: z.array(
      z.object({
        protocol: z.string(),
        operator: z.string(),
        delegated: z.array(
          z.object({ collateral: z.string(), asset: z.string(), shares: Amount, assetAmount: Amount }),
        ),
        stakers: z.number().int(),
      }),
    ),
    services: z.array(
      z.object({
        protocol: z.string(),
        service: z.string(),
        serviceSets: z.array(
          z.object({
            serviceSet: z.string(),
            slasher: z.string(),
            collaterals: z.array(z.string()),
            operators: z.array(z.string()),
            redistributionRecipient: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .openapi("NeutralView", {
    description:
      "The protocol-neutral exposure view: for each collateral, operator and service, what is slashable by whom.",
  });

/** Wire form of a response schema (what handlers build before serialising). */
export type Out<T extends z.ZodType> = z.input<T>;
