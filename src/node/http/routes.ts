import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Hex } from "viem";
import { type Address, type SetKey, setKey } from "../../core/eigenlayer/state.ts";
import type { Ledger } from "../ledger.ts";
import type { SignedTx } from "../tx.ts";
import { ALL_COMMAND_NAMES } from "../wire.ts";
import { registerLayerRoutes } from "./layers.ts";
import { registerLrtPageRoutes } from "./lrtPages.ts";
import { registerMarketHealthRoutes } from "./marketHealth.ts";
import { ERROR_DESCRIPTIONS, errors, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { registerRewardsRoutes } from "./rewards.ts";
import { registerRiskExposureRoutes } from "./riskExposure.ts";
import {
  AddressIn,
  AllocationsOut,
  AvsListOut,
  AvsOut,
  BatchIn,
  BatchOut,
  ClockOut,
  ErrorBody,
  EventsOut,
  HealthOut,
  MAX_BATCH,
  NeutralOut,
  NonceOut,
  OperatorOut,
  OperatorSetOut,
  OperatorsOut,
  type Out,
  ParamsOut,
  ReceiptOut,
  SignedTxIn,
  SlashesOut,
  StakerOut,
  StateHashOut,
  StrategiesOut,
  type TxEnvelope,
  WithdrawalsOut,
} from "./schemas.ts";
import { registerSecuritySummaryRoutes } from "./securitySummary.ts";
import type { SlashIndex } from "./slashes.ts";
import {
  allocationsView,
  avsListView,
  avsView,
  neutralView,
  operatorSetView,
  operatorsView,
  operatorView,
  stakerView,
  strategiesView,
  withdrawalsView,
} from "./views.ts";

/** The API's routes: each is declared once with createRoute (documentation and validation) and handled here. */

type Handler = (c: Context) => Response | Promise<Response>;

/** Registers a documented route. Handlers build their responses with sendJson (bigints as decimal strings). */
function add(app: OpenAPIHono, route: RouteConfig, handler: Handler): void {
  app.openapi(route, handler as never);
}

/** The validated (and transformed) input of a target, as its schema's output type. */
function valid<T>(c: Context, target: "param" | "query" | "json"): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

/* ------------------------------------------------------------------ input schemas */

const AddressPath = z.strictObject({ address: AddressIn.openapi({ param: { name: "address", in: "path" } }) });

const SetIdIn = z
  .string()
  .regex(/^(0|[1-9]\d{0,9})$/, "expected an operator set id (uint32) as a decimal string")
  .transform((v) => BigInt(v))
  .refine((v) => v <= 0xffffffffn, "exceeds uint32");

const BlockIn = z
  .string()
  .regex(/^(0|[1-9]\d{0,19})$/, "expected a block number as a decimal string")
  .transform((v) => BigInt(v));

const intIn = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, "expected a non-negative integer")
    .transform(Number)
    .refine((v) => v >= min && v <= max, `must be between ${min} and ${max}`)
    .optional()
    .transform((v) => v ?? dflt)
    .openapi({ type: "string", description: `${min}–${max}, default ${dflt}` });

/* ------------------------------------------------------------------ routes */

export interface RouteDeps {
  ledger: Ledger;
  slashes: SlashIndex;
}

export function registerRoutes(app: OpenAPIHono, { ledger, slashes }: RouteDeps): void {
  const now = () => ledger.time;
  const position = () => ({
    seq: ledger.seq,
    block: ledger.time.block.toString(),
    timestamp: ledger.time.timestamp.toString(),
  });

  /* ---------------------------------------------------------------- transactions */

  add(
    app,
    createRoute({
      method: "post",
      path: "/api/tx",
      tags: ["transactions"],
      summary: "Submit one signed transaction",
      description:
        "Validates the transaction strictly, then hands it to the ledger, which checks signature, domain, nonce, " +
        "deadline and role, executes the command and appends it to the log durably before this responds 200.",
      request: { body: { required: true, content: { "application/json": { schema: SignedTxIn } } } },
      responses: {
        200: json(ReceiptOut, "Accepted and durably logged"),
        ...errors(400, 401, 403, 409, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      const env = valid<TxEnvelope>(c, "json");
      const raw = (await c.req.json()) as { params: Record<string, unknown> };
      const outcome = await ledger.submit(toSignedTx(env, raw.params));
      if (outcome.status === "accepted") return sendJson(c, outcome);
      return sendError(c, outcome.httpStatus, outcome.code, outcome.message, outcome.context);
    },
  );

  add(
    app,
    createRoute({
      method: "post",
      path: "/api/tx/batch",
      tags: ["transactions"],
      summary: `Submit up to ${MAX_BATCH} signed transactions in order`,
      description:
        "The whole body is validated first: if any transaction is malformed the request fails with 400 and nothing " +
        "is applied. Otherwise the transactions are applied in order and each succeeds or fails on its own; the " +
        "response is 200 (a multi-status result) once every accepted transaction is durably logged, and " +
        "`results[i].httpStatus` is the status a single POST /api/tx would have returned for transaction i.",
      request: { body: { required: true, content: { "application/json": { schema: BatchIn } } } },
      responses: { 200: json(BatchOut, "Per-transaction outcomes, in request order"), ...errors(400, 413, 415) },
    }),
    async (c) => {
      const body = valid<{ txs: TxEnvelope[] }>(c, "json");
      const raw = (await c.req.json()) as { txs: { params: Record<string, unknown> }[] };
      const outcomes = await ledger.submitBatch(body.txs.map((env, i) => toSignedTx(env, raw.txs[i]!.params)));
      const results = outcomes.map((o, index) =>
        o.status === "accepted"
          ? { index, httpStatus: 200, ...o }
          : {
              index,
              status: o.status,
              httpStatus: o.httpStatus,
              code: o.code,
              message: o.message,
              ...(o.context ? { context: o.context } : {}),
            },
      );
      const accepted = outcomes.filter((o) => o.status === "accepted").length;
      return sendJson(c, { results, accepted, rejected: outcomes.length - accepted });
    },
  );

  /* ---------------------------------------------------------------- node */

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/health",
      tags: ["node"],
      summary: "Liveness and store reachability",
      responses: { 200: json(HealthOut, "Healthy"), 503: json(ErrorBody, ERROR_DESCRIPTIONS[503]!), ...errors() },
    }),
    async (c) => {
      let storeHead: number;
      try {
        storeHead = await ledger.store.head();
      } catch {
        return sendError(c, 503, "StoreUnavailable", "the event store is not reachable");
      }
      const body: Out<typeof HealthOut> = { status: "ok", store: ledger.store.kind, storeHead, ...position() };
      return sendJson(c, body);
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/state/hash",
      tags: ["node"],
      summary: "State hash at the head of the log",
      responses: { 200: json(StateHashOut, "The hash of engine state, nonces and chain time"), ...errors() },
    }),
    (c) => {
      const body: Out<typeof StateHashOut> = { hash: ledger.hash(), ...position() };
      return sendJson(c, body);
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/clock",
      tags: ["node"],
      summary:
        "Chain clock: the last applied transaction's block and timestamp, and `now`, when the next one would run",
      responses: { 200: json(ClockOut, "The clock"), ...errors() },
    }),
    (c) => {
      const body: Out<typeof ClockOut> = {
        mode: ledger.clock.mode,
        blockTimeSeconds: ledger.clock.blockTimeSeconds.toString(),
        ...position(),
        now: { block: ledger.now().block.toString(), timestamp: ledger.now().timestamp.toString() },
      };
      return sendJson(c, body);
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/params",
      tags: ["node"],
      summary: "Deployment parameters and the EIP-712 domain transactions are signed under",
      responses: { 200: json(ParamsOut, "Parameters"), ...errors() },
    }),
    (c) => {
      const p = ledger.state.params;
      const body: Out<typeof ParamsOut> = {
        chainId: ledger.domain.chainId.toString(),
        deployment: ledger.domain.deployment,
        eip712Domain: {
          name: "restake",
          version: "1",
          chainId: ledger.domain.chainId.toString(),
          verifyingContract: ledger.domain.deployment,
        },
        admin: p.admin,
        beaconReporter: p.beaconReporter,
        minWithdrawalDelayBlocks: p.minWithdrawalDelayBlocks.toString(),
        deallocationDelayBlocks: p.deallocationDelayBlocks.toString(),
        allocationConfigurationDelayBlocks: p.allocationConfigurationDelayBlocks.toString(),
        slashResolutionDelayBlocks: p.slashResolutionDelayBlocks.toString(),
        delegationApprovalChainId: p.chainId.toString(),
        commands: [...ALL_COMMAND_NAMES],
      };
      return sendJson(c, body);
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/nonces/{address}",
      tags: ["node"],
      summary: "The next nonce an account must sign with",
      request: { params: AddressPath },
      responses: { 200: json(NonceOut, "The next nonce"), ...errors(400) },
    }),
    (c) => {
      const { address } = valid<{ address: Address }>(c, "param");
      const body: Out<typeof NonceOut> = { address, nonce: ledger.nonceOf(address).toString() };
      return sendJson(c, body);
    },
  );

  /* ---------------------------------------------------------------- protocol views */

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/stakers/{address}",
      tags: ["views"],
      summary: "A staker: delegation, shares per strategy, scaling factors, balances, queued withdrawals, pod",
      description: "Every address is a staker; one that never acted has empty lists.",
      request: { params: AddressPath },
      responses: { 200: json(StakerOut, "The staker"), ...errors(400) },
    }),
    (c) => sendJson(c, stakerView(ledger.state, now().block, valid<{ address: Address }>(c, "param").address)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/operators",
      tags: ["views"],
      summary: "All registered operators",
      responses: { 200: json(OperatorsOut, "Operators"), ...errors() },
    }),
    (c) => sendJson(c, operatorsView(ledger.state, now().block)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/operators/{address}",
      tags: ["views"],
      summary: "An operator: shares and magnitudes per strategy, allocation delay, sets, allocations",
      request: { params: AddressPath },
      responses: { 200: json(OperatorOut, "The operator"), ...errors(400, 404) },
    }),
    (c) => sendJson(c, operatorView(ledger.state, now().block, valid<{ address: Address }>(c, "param").address)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/avs",
      tags: ["views"],
      summary: "All AVSs (accounts that published AVS metadata)",
      responses: { 200: json(AvsListOut, "AVSs"), ...errors() },
    }),
    (c) => sendJson(c, avsListView(ledger.state)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/avs/{address}",
      tags: ["views"],
      summary: "An AVS and its operator sets",
      request: { params: AddressPath },
      responses: { 200: json(AvsOut, "The AVS"), ...errors(400, 404) },
    }),
    (c) => sendJson(c, avsView(ledger.state, now().block, valid<{ address: Address }>(c, "param").address)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/operator-sets/{avs}/{id}",
      tags: ["views"],
      summary: "An operator set: strategies, members, slasher, allocated and minimum slashable stake",
      request: {
        params: z.strictObject({
          avs: AddressIn.openapi({ param: { name: "avs", in: "path" } }),
          id: SetIdIn.openapi({
            param: { name: "id", in: "path" },
            type: "string",
            pattern: "^(0|[1-9]\\d{0,9})$",
            example: "1",
          }),
        }),
        query: z.strictObject({
          futureBlock: BlockIn.optional().openapi({
            param: { name: "futureBlock", in: "query" },
            type: "string",
            description: "Evaluate the minimum slashable stake at this block (≥ the current block); default now.",
          }),
        }),
      },
      responses: { 200: json(OperatorSetOut, "The operator set"), ...errors(400, 404) },
    }),
    (c) => {
      const { avs, id } = valid<{ avs: Address; id: bigint }>(c, "param");
      const { futureBlock } = valid<{ futureBlock?: bigint }>(c, "query");
      const block = now().block;
      if (futureBlock !== undefined && futureBlock < block) {
        return sendError(c, 400, "InvalidRequest", `futureBlock must not be before the current block ${block}`, {
          block: block.toString(),
          futureBlock: futureBlock.toString(),
        });
      }
      return sendJson(c, operatorSetView(ledger.state, block, setKey(avs, id), futureBlock ?? block));
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/allocations",
      tags: ["views"],
      summary: "Allocations (current and pending magnitude, allocated and slashable stake), optionally of one operator",
      request: {
        query: z.strictObject({ operator: AddressIn.optional().openapi({ param: { name: "operator", in: "query" } }) }),
      },
      responses: { 200: json(AllocationsOut, "Allocations"), ...errors(400) },
    }),
    (c) => sendJson(c, allocationsView(ledger.state, now().block, valid<{ operator?: Address }>(c, "query").operator)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/withdrawals",
      tags: ["views"],
      summary: "Queued withdrawals with their current value, slashable window and completion block",
      request: {
        query: z.strictObject({
          staker: AddressIn.optional().openapi({ param: { name: "staker", in: "query" } }),
          offset: intIn(0, 1_000_000_000, 0).openapi({ param: { name: "offset", in: "query" } }),
          limit: intIn(1, 5000, 1000).openapi({ param: { name: "limit", in: "query" } }),
        }),
      },
      responses: { 200: json(WithdrawalsOut, "Withdrawals"), ...errors(400) },
    }),
    (c) => {
      const q = valid<{ staker?: Address; offset: number; limit: number }>(c, "query");
      return sendJson(c, withdrawalsView(ledger.state, now().block, q));
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/strategies",
      tags: ["views"],
      summary: "Strategies: total shares, balance, exchange rate, limits; and beacon-chain ETH",
      responses: { 200: json(StrategiesOut, "Strategies"), ...errors() },
    }),
    (c) => sendJson(c, strategiesView(ledger.state)),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/slashes",
      tags: ["views"],
      summary: "Slashing history from the log, with what each slash still has pending to burn or redistribute",
      request: {
        query: z.strictObject({
          operator: AddressIn.optional().openapi({ param: { name: "operator", in: "query" } }),
          avs: AddressIn.optional().openapi({ param: { name: "avs", in: "query" } }),
          operatorSetId: SetIdIn.optional().openapi({
            param: { name: "operatorSetId", in: "query" },
            type: "string",
            description: "With `avs`: only this operator set.",
          }),
        }),
      },
      responses: { 200: json(SlashesOut, "Slashes, oldest first"), ...errors(400) },
    }),
    async (c) => {
      const q = valid<{ operator?: Address; avs?: Address; operatorSetId?: bigint }>(c, "query");
      if (q.operatorSetId !== undefined && q.avs === undefined) {
        return sendError(c, 400, "InvalidRequest", "operatorSetId needs avs");
      }
      const operatorSet: SetKey | undefined =
        q.operatorSetId !== undefined && q.avs !== undefined ? setKey(q.avs, q.operatorSetId) : undefined;
      return sendJson(c, await slashes.query(ledger, { operator: q.operator, avs: q.avs, operatorSet }));
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/events",
      tags: ["log"],
      summary: "The log, one page at a time",
      request: {
        query: z.strictObject({
          cursor: intIn(1, 2_000_000_000, 1).openapi({
            param: { name: "cursor", in: "query" },
            description: "First sequence number to return (default 1); pass the previous page's nextCursor.",
          }),
          limit: intIn(1, 1000, 100).openapi({ param: { name: "limit", in: "query" } }),
        }),
      },
      responses: { 200: json(EventsOut, "A page of log entries"), ...errors(400) },
    }),
    async (c) => {
      const { cursor, limit } = valid<{ cursor: number; limit: number }>(c, "query");
      const [entries, head] = await Promise.all([ledger.store.read(cursor, limit), ledger.store.head()]);
      const last = entries[entries.length - 1];
      const nextCursor = last === undefined ? cursor : last.seq + 1;
      const body: Out<typeof EventsOut> = {
        entries: entries.map((e) => ({
          seq: e.seq,
          block: e.block.toString(),
          timestamp: e.timestamp.toString(),
          txHash: e.txHash,
          sender: e.sender,
          command: String((e.tx as { command?: unknown }).command ?? ""),
          tx: e.tx as Record<string, unknown>,
          events: e.events as Out<typeof EventsOut>["entries"][number]["events"],
        })),
        nextCursor,
        head,
        hasMore: nextCursor <= head,
      };
      return sendJson(c, body);
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/neutral",
      tags: ["views"],
      summary: "The protocol-neutral exposure view (what risk and simulation read)",
      request: {
        query: z.strictObject({
          horizonBlock: BlockIn.optional().openapi({
            param: { name: "horizonBlock", in: "query" },
            type: "string",
            description: "Also report what stays slashable at this block (≥ the current block); default now.",
          }),
        }),
      },
      responses: { 200: json(NeutralOut, "The neutral view"), ...errors(400) },
    }),
    (c) => {
      const { horizonBlock } = valid<{ horizonBlock?: bigint }>(c, "query");
      const block = now().block;
      if (horizonBlock !== undefined && horizonBlock < block) {
        return sendError(c, 400, "InvalidRequest", `horizonBlock must not be before the current block ${block}`);
      }
      return sendJson(c, neutralView(ledger.state, block, horizonBlock ?? block));
    },
  );

  registerRewardsRoutes(app, { ledger });
  // the dashboard's LRT, Markets and security-summary views
  registerLrtPageRoutes(app, { ledger });
  registerLayerRoutes(app, { ledger });
  registerMarketHealthRoutes(app, { ledger });
  registerRiskExposureRoutes(app, { ledger });
  registerSecuritySummaryRoutes(app, { ledger });
}

function toSignedTx(env: TxEnvelope, params: Record<string, unknown>): SignedTx {
  return {
    sender: env.sender,
    nonce: env.nonce,
    deadline: env.deadline,
    command: env.command,
    params,
    signature: env.signature as Hex,
  };
}
