import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { claimFor } from "../../core/eigenlayer/merkle.ts";
import { cumulativeClaimed, distributionRoots, storedSubmissions } from "../../core/eigenlayer/rewardsCoordinator.ts";
import type { Address, DistributionRoot } from "../../core/eigenlayer/state.ts";
import { type LogRewardsRun, rewardsFromLog } from "../../rewards/run.ts";
import { DAY, floorDay, formatDay, parseDay } from "../../rewards/time.ts";
import {
  commissionReport,
  formatExact,
  parseRatio,
  type Ratio,
  type TokenPrice,
  YieldInputError,
  type YieldReport,
  type YieldWindow,
  yieldReport,
} from "../../rewards/yield.ts";
import {
  operatorRows,
  stakerRows,
  stakeSeries,
  valuerFromRates,
  type YieldSources,
  yieldSourcesFromLog,
} from "../../rewards/yieldSources.ts";
import type { Ledger, LedgerOptions } from "../ledger.ts";
import { ERROR_DESCRIPTIONS, json } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { AddressIn, AddressOut, Amount, ErrorBody } from "./schemas.ts";

/**
 * Rewards and yield over HTTP, from the log (the daily calculation of src/rewards, replayed on demand and cached
 * per log position):
 *   GET /api/rewards/submissions            rewards submissions recorded by the RewardsCoordinator
 *   GET /api/rewards/roots                  distribution roots with their activation status
 *   GET /api/rewards/earnings/{earner}      cumulative earnings per token from a calculation up to ?until=
 *   GET /api/rewards/proof/{earner}         the RewardsMerkleClaim against a submitted root (?rootIndex=)
 *   GET /api/yield/stakers/{address}        a staker's yield over a window (src/rewards/yield.ts)
 *   GET /api/yield/operators/{address}      the yield of an operator's delegated stake, and its commission
 * Yield query: from / to (YYYY-MM-DD or unix seconds, 00:00 UTC) or days; price.<token>=<ETH per token>;
 * base.<strategy>=<APR>; points=<token,token>. Points are reported apart and never priced.
 */

export interface RewardsRouteDeps {
  ledger: Ledger;
}

/** Longest yield window, in days. */
export const MAX_WINDOW_DAYS = 3660;
/** Most price.* and base.* parameters in one request. */
export const MAX_RATE_PARAMS = 64;

type Handler = (c: Context) => Response | Promise<Response>;

function add(app: OpenAPIHono, route: RouteConfig, handler: Handler): void {
  app.openapi(route, handler as never);
}

function valid<T>(c: Context, target: "param" | "query"): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

/** This module's errors, described more precisely than the shared descriptions where it has its own codes. */
const ERRORS: Record<number, string> = {
  ...ERROR_DESCRIPTIONS,
  400:
    "Bad query: malformed numbers or dates, a window or cutoff beyond the log (InvalidRequest, InvalidWindow, " +
    "InvalidNumber), a cash token without a price (MissingPrice), a priced points token (PointsPriced)",
  404: "No such root (NotFound), or the earner has nothing in the distribution (NoEarnings)",
  409: "The submitted root cannot be reproduced from the log (RootMismatch, RootNotReproducible)",
};

function errors(...statuses: number[]): Record<number, ReturnType<typeof json>> {
  const out: Record<number, ReturnType<typeof json>> = {};
  for (const s of [...statuses, 429, 500, 503]) out[s] = json(ErrorBody, ERRORS[s] ?? "Error");
  return out;
}

/* ------------------------------------------------------------------ schemas */

const Rate = z
  .string()
  .regex(/^\d+\.\d+$/)
  .nullable()
  .openapi("YieldRate", {
    description:
      "A rate per year as a fraction (0.05 = 5 %), exact and truncated to 10 decimals; null when the window holds no stake.",
  });

const Day = z.object({ timestamp: Amount, date: z.string() });

const SubmissionOut = z
  .object({
    hash: z.string(),
    kind: z.enum([
      "avs",
      "forAll",
      "forAllEarners",
      "operatorDirectedAVS",
      "operatorDirectedOperatorSet",
      "uniqueStake",
      "totalStake",
    ]),
    submitter: AddressOut,
    avs: AddressOut.nullable(),
    operatorSet: z.string().nullable(),
    token: AddressOut,
    amount: Amount.openapi({ description: "Net of the protocol fee; operator-directed: the sum of operatorRewards." }),
    strategiesAndMultipliers: z.array(z.object({ strategy: AddressOut, multiplier: Amount })),
    operatorRewards: z.array(z.object({ operator: AddressOut, amount: Amount })),
    startTimestamp: Amount,
    duration: Amount,
    endTimestamp: Amount,
    createdAtBlock: Amount,
    createdAtTimestamp: Amount,
  })
  .openapi("RewardsSubmission");

export const SubmissionsOut = z.object({ submissions: z.array(SubmissionOut) }).openapi("RewardsSubmissions");

const RootStatus = z.enum(["pending", "active", "disabled"]).openapi({
  description: "pending: before activatedAt (claims revert RootNotActivated); active: claimable; disabled.",
});

const RootOut = z
  .object({
    index: z.number().int(),
    root: z.string(),
    rewardsCalculationEndTimestamp: Amount,
    activatedAt: Amount,
    disabled: z.boolean(),
    status: RootStatus,
  })
  .openapi("DistributionRoot");

export const RootsOut = z
  .object({
    timestamp: Amount.openapi({ description: "The chain time the statuses are judged at (when a claim would run)." }),
    currentClaimableIndex: z.number().int().nullable().openapi({
      description: "getCurrentClaimableDistributionRoot: the newest active root, or null.",
    }),
    roots: z.array(RootOut),
  })
  .openapi("DistributionRoots");

export const EarningsOut = z
  .object({
    earner: AddressOut,
    cutoff: Amount.openapi({ description: "Exclusive: the snapshot days before it are included." }),
    cutoffDate: z.string(),
    rewardsCalculationEndTimestamp: Amount,
    root: z.string().openapi({ description: "The distribution root of this calculation." }),
    submittedRootIndex: z.number().int().nullable().openapi({
      description: "The newest submitted root equal to `root`, or null if it has not been submitted.",
    }),
    earnings: z.array(
      z.object({
        token: AddressOut,
        cumulativeEarnings: Amount,
        cumulativeClaimed: Amount.openapi({ description: "Claimed on chain so far (RewardsCoordinator)." }),
        unclaimed: Amount.openapi({ description: "max(0, cumulativeEarnings − cumulativeClaimed)." }),
      }),
    ),
  })
  .openapi("RewardsEarnings");

export const ProofOut = z
  .object({
    earner: AddressOut,
    rootIndex: z.number().int(),
    root: z.string(),
    rewardsCalculationEndTimestamp: Amount,
    activatedAt: Amount,
    status: RootStatus,
    claim: z
      .object({
        rootIndex: Amount,
        earnerIndex: Amount,
        earnerTreeProof: z.string(),
        earnerLeaf: z.object({ earner: AddressOut, earnerTokenRoot: z.string() }),
        tokenIndices: z.array(Amount),
        tokenTreeProofs: z.array(z.string()),
        tokenLeaves: z.array(z.object({ token: AddressOut, cumulativeEarnings: Amount })),
      })
      .openapi("RewardsMerkleClaim", { description: "Pass as `params.claim` of a processClaim transaction." }),
  })
  .openapi("RewardsProof");

const WindowOut = z.object({
  from: Amount,
  to: Amount,
  fromDate: z.string(),
  toDate: z.string().openapi({ description: "Exclusive." }),
  days: z.number().int(),
});

const InputsOut = z
  .object({
    prices: z.array(z.object({ token: AddressOut, ethPerToken: z.string(), decimals: z.number().int() })),
    baseRates: z.array(z.object({ strategy: AddressOut, apr: z.string() })),
    points: z.array(AddressOut),
  })
  .openapi("YieldInputs", { description: "The inputs used (from the query), as exact numbers." });

const StakeOut = z.object({
  averageEth: Amount.openapi({ description: "Average stake value over the window, wei." }),
  byStrategy: z.array(z.object({ strategy: AddressOut, token: AddressOut, averageAmount: Amount, averageEth: Amount })),
});

const YieldOut = z
  .object({
    base: z.object({
      eth: Amount,
      apr: Rate,
      apy: Rate,
      byStrategy: z.array(z.object({ strategy: AddressOut, token: AddressOut, baseApr: z.string(), eth: Amount })),
    }),
    avsRewards: z.object({
      eth: Amount.openapi({ description: "Paid, net of the operator's commission, wei." }),
      apr: Rate,
      apy: Rate,
      grossEth: Amount.openapi({ description: "What a 0 % split would have paid, wei." }),
      grossApr: Rate,
      commissionEth: Amount.openapi({ description: "grossEth − eth." }),
      commissionApr: Rate,
      byToken: z.array(
        z.object({
          token: AddressOut,
          ethPerToken: z.string(),
          amount: Amount,
          amountAtZeroSplit: Amount,
          commission: Amount,
          eth: Amount,
          commissionEth: Amount,
        }),
      ),
    }),
    total: z.object({ eth: Amount, apr: Rate, apy: Rate }).openapi({ description: "base + AVS rewards (net)." }),
  })
  .openapi("Yield", { description: "Real revenue valued in ETH (wei). Never includes points." });

const PointsOut = z
  .object({
    note: z.string(),
    byToken: z.array(
      z.object({
        token: AddressOut,
        amount: Amount,
        amountAtZeroSplit: Amount,
        commission: Amount,
        daily: z.array(z.object({ day: Amount, amount: Amount })),
      }),
    ),
  })
  .openapi("Points", {
    description: "Points and other non-cash incentives, in token units. Not yield: no price, no rate.",
  });

const DailyOut = z.array(
  z.object({ day: Amount, stakeEth: Amount, baseEth: Amount, avsRewardsEth: Amount, commissionEth: Amount }),
);

const AsOf = z.object({
  seq: z.number().int().openapi({ description: "Log position the calculation replayed up to." }),
  lastSnapshotDay: Day.nullable(),
});

export const StakerYieldOut = z
  .object({
    address: AddressOut,
    asOf: AsOf,
    window: WindowOut,
    inputs: InputsOut,
    stake: StakeOut,
    yield: YieldOut,
    points: PointsOut,
    daily: DailyOut,
  })
  .openapi("StakerYield");

export const OperatorYieldOut = z
  .object({
    address: AddressOut,
    asOf: AsOf,
    window: WindowOut,
    inputs: InputsOut,
    pool: z.object({ stake: StakeOut, yield: YieldOut, points: PointsOut, daily: DailyOut }).openapi("OperatorPool", {
      description:
        "Every position delegated to the operator (its stakers and itself) as one stake: what delegating to it " +
        "yielded. Rewards for all (paid whatever the operator, with no split) are not part of it.",
    }),
    commission: z
      .object({
        eth: Amount,
        aprOnDelegatedStake: Rate,
        byToken: z.array(z.object({ token: AddressOut, ethPerToken: z.string(), amount: Amount, eth: Amount })),
        points: z.array(
          z.object({ token: AddressOut, amount: Amount, daily: z.array(z.object({ day: Amount, amount: Amount })) }),
        ),
      })
      .openapi("OperatorCommission", {
        description: "What the operator was paid as commission (its operator rows); points commission apart.",
      }),
  })
  .openapi("OperatorYield");

/* ------------------------------------------------------------------ inputs */

const DayIn = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2}|\d{1,12})$/, "expected YYYY-MM-DD or unix seconds")
  .openapi({ type: "string", example: "2026-01-04" });

const AddressPath = (name: string) => z.strictObject({ [name]: AddressIn.openapi({ param: { name, in: "path" } }) });

const YieldQuery = z
  .object({
    from: DayIn.optional().openapi({
      param: { name: "from", in: "query" },
      description: "First snapshot day (00:00 UTC; unix seconds are rounded down). Default: the log's first day.",
    }),
    to: DayIn.optional().openapi({
      param: { name: "to", in: "query" },
      description: "End of the window, exclusive. Default: the last day the log allows (00:00 UTC of its last entry).",
    }),
    days: z
      .string()
      .regex(/^\d{1,5}$/, "expected a number of days")
      .optional()
      .openapi({
        param: { name: "days", in: "query" },
        description: `Instead of from: the window's length, 1–${MAX_WINDOW_DAYS}.`,
      }),
    points: z
      .string()
      .optional()
      .openapi({
        param: { name: "points", in: "query" },
        description: "Comma-separated reward tokens that are points: reported apart, never priced, never in yield.",
      }),
  })
  .catchall(z.string())
  .openapi({
    description:
      "Also price.<token>=<ETH per whole token> (decimal or p/q, e.g. price.0xab…=0.0003) for every reward token that " +
      "is not points and every staked token (native ETH is 1), and base.<strategy>=<APR> (e.g. 0.03) for the base " +
      "staking yield of a strategy (from the LST's rate or beacon-chain rewards; default 0).",
  });

interface YieldParams {
  window: YieldWindow;
  prices: Map<Address, TokenPrice>;
  baseRates: Map<Address, Ratio>;
  points: Set<Address>;
}

class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function address(text: string, what: string): Address {
  if (!ADDRESS.test(text)) throw new BadRequest("InvalidRequest", `${what}: expected a 20-byte hex address`);
  return text.toLowerCase() as Address;
}

function day(text: string, what: string): bigint {
  try {
    return parseDay(text);
  } catch (e) {
    throw new BadRequest("InvalidRequest", `${what}: ${(e as Error).message}`);
  }
}

function yieldParams(
  query: Record<string, string | undefined>,
  sources: YieldSources,
  decimalsOf: (token: Address) => number,
): YieldParams {
  const latest = sources.cutoff;
  if (latest === null) throw new BadRequest("InvalidRequest", "the log is empty: there is no snapshot day yet");
  const to = query.to === undefined ? latest : day(query.to, "to");
  if (to > latest) {
    throw new BadRequest("InvalidRequest", `to: the log allows windows up to ${formatDay(latest)} only`, {
      latest: latest.toString(),
    });
  }
  if (query.from !== undefined && query.days !== undefined) {
    throw new BadRequest("InvalidRequest", "give from or days, not both");
  }
  let from: bigint;
  if (query.days !== undefined) {
    const n = Number(query.days);
    if (n < 1 || n > MAX_WINDOW_DAYS) throw new BadRequest("InvalidRequest", `days must be 1–${MAX_WINDOW_DAYS}`);
    from = to - BigInt(n) * DAY;
  } else {
    from = query.from === undefined ? (sources.snapshots.first ?? to) : day(query.from, "from");
  }
  if (from >= to && query.from === undefined && query.days === undefined) {
    throw new BadRequest("InvalidWindow", `the log has no complete snapshot day yet (it reaches ${formatDay(latest)})`);
  }
  if (from >= to) {
    throw new BadRequest("InvalidWindow", `the window ${formatDay(from)} … ${formatDay(to)} (exclusive) is empty`);
  }
  if ((to - from) / DAY > BigInt(MAX_WINDOW_DAYS)) {
    throw new BadRequest("InvalidWindow", `the window is longer than ${MAX_WINDOW_DAYS} days`);
  }
  const prices = new Map<Address, TokenPrice>();
  const baseRates = new Map<Address, Ratio>();
  const points = new Set<Address>();
  for (const t of (query.points ?? "").split(",")) if (t.trim() !== "") points.add(address(t.trim(), "points"));
  let rates = 0;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || ["from", "to", "days", "points"].includes(key)) continue;
    const dot = key.indexOf(".");
    const kind = key.slice(0, dot);
    if (dot < 0 || (kind !== "price" && kind !== "base")) {
      throw new BadRequest("InvalidRequest", `unknown query parameter ${JSON.stringify(key)}`);
    }
    if (++rates > MAX_RATE_PARAMS)
      throw new BadRequest("InvalidRequest", `at most ${MAX_RATE_PARAMS} price./base. parameters`);
    const target = address(key.slice(dot + 1), key);
    const r = parseRatio(value, key);
    if (kind === "price") prices.set(target, { ethPerToken: r, decimals: decimalsOf(target) });
    else baseRates.set(target, r);
  }
  return { window: { from, to }, prices, baseRates, points };
}

/* ------------------------------------------------------------------ the cached calculations */

function ledgerOptions(ledger: Ledger): LedgerOptions {
  return {
    store: ledger.store,
    chainId: ledger.domain.chainId,
    deployment: ledger.domain.deployment,
    clock: ledger.clock,
    params: ledger.state.params,
  };
}

/**
 * One replay per log position: the snapshots for yield (every cutoff up to the log's end), and `rewardsFromLog`
 * runs per cutoff for earnings and proofs. Only the newest log position is kept.
 */
class RewardsCache {
  private sources: { seq: number; value: Promise<YieldSources> } | null = null;
  private runs = new Map<string, Promise<LogRewardsRun>>();
  private runsSeq = -1;

  constructor(private readonly ledger: Ledger) {}

  yieldSources(): Promise<YieldSources> {
    const seq = this.ledger.seq;
    if (this.sources?.seq !== seq) {
      const value = yieldSourcesFromLog(ledgerOptions(this.ledger), seq);
      this.sources = { seq, value };
      value.catch(() => {
        if (this.sources?.value === value) this.sources = null;
      });
    }
    return this.sources.value;
  }

  run(cutoff: bigint): Promise<LogRewardsRun> {
    const seq = this.ledger.seq;
    if (seq !== this.runsSeq) {
      this.runs.clear();
      this.runsSeq = seq;
    }
    const key = cutoff.toString();
    let run = this.runs.get(key);
    if (run === undefined) {
      run = rewardsFromLog(ledgerOptions(this.ledger), { cutoff });
      this.runs.set(key, run);
      run.catch(() => this.runs.delete(key));
      while (this.runs.size > 4) this.runs.delete(this.runs.keys().next().value!);
    }
    return run;
  }
}

/* ------------------------------------------------------------------ views */

function rootStatus(root: DistributionRoot, timestamp: bigint): "pending" | "active" | "disabled" {
  if (root.disabled) return "disabled";
  return timestamp < root.activatedAt ? "pending" : "active";
}

function dayOut(t: bigint) {
  return { timestamp: t, date: formatDay(t) };
}

function windowOut(w: YieldWindow) {
  return {
    from: w.from,
    to: w.to,
    fromDate: formatDay(w.from),
    toDate: formatDay(w.to),
    days: Number((w.to - w.from) / DAY),
  };
}

function inputsOut(p: YieldParams) {
  return {
    prices: [...p.prices]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([token, price]) => ({ token, ethPerToken: formatExact(price.ethPerToken), decimals: price.decimals })),
    baseRates: [...p.baseRates]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([strategy, r]) => ({ strategy, apr: formatExact(r) })),
    points: [...p.points].sort(),
  };
}

function asOf(sources: YieldSources) {
  return {
    seq: sources.seq,
    lastSnapshotDay: sources.cutoff === null ? null : dayOut(sources.cutoff - DAY),
  };
}

function reportBody(r: YieldReport) {
  return { stake: r.stake, yield: r.yield, points: r.points, daily: r.daily };
}

/* ------------------------------------------------------------------ routes */

export function registerRewardsRoutes(app: OpenAPIHono, { ledger }: RewardsRouteDeps): void {
  const cache = new RewardsCache(ledger);
  const decimalsOf = (token: Address) => ledger.state.tokens.get(token)?.decimals ?? 18;

  /** Answers BadRequest and YieldInputError as 400; anything else goes to the app's error handler. */
  const guarded =
    (handler: Handler): Handler =>
    async (c) => {
      try {
        return await handler(c);
      } catch (e) {
        if (e instanceof BadRequest) return sendError(c, 400, e.code, e.message, e.context);
        if (e instanceof YieldInputError) return sendError(c, 400, e.code, e.message, e.context);
        throw e;
      }
    };

  /** The latest cutoff the log allows (00:00 UTC at or before its last entry). */
  const latestCutoff = (): bigint => {
    if (ledger.seq === 0) throw new BadRequest("InvalidRequest", "the log is empty: there is no snapshot day yet");
    return floorDay(ledger.time.timestamp);
  };

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/rewards/submissions",
      tags: ["rewards"],
      summary: "Rewards submissions recorded by the RewardsCoordinator, oldest first",
      request: {
        query: z.strictObject({
          avs: AddressIn.optional().openapi({ param: { name: "avs", in: "query" } }),
          token: AddressIn.optional().openapi({ param: { name: "token", in: "query" } }),
        }),
      },
      responses: { 200: json(SubmissionsOut, "Submissions"), ...errors(400) },
    }),
    (c) => {
      const q = valid<{ avs?: Address; token?: Address }>(c, "query");
      const submissions = storedSubmissions(ledger.state)
        .filter((s) => (q.avs === undefined || s.avs === q.avs) && (q.token === undefined || s.token === q.token))
        .sort((x, y) =>
          x.createdAtBlock !== y.createdAtBlock
            ? x.createdAtBlock < y.createdAtBlock
              ? -1
              : 1
            : x.hash < y.hash
              ? -1
              : 1,
        )
        .map((s) => ({
          hash: s.hash,
          kind: s.kind,
          submitter: s.submitter,
          avs: s.avs,
          operatorSet: s.operatorSet,
          token: s.token,
          amount: s.amount,
          strategiesAndMultipliers: s.strategiesAndMultipliers.map((x) => ({
            strategy: x.strategy,
            multiplier: x.multiplier,
          })),
          operatorRewards: s.operatorRewards.map((x) => ({ operator: x.operator, amount: x.amount })),
          startTimestamp: s.startTimestamp,
          duration: s.duration,
          endTimestamp: s.startTimestamp + s.duration,
          createdAtBlock: s.createdAtBlock,
          createdAtTimestamp: s.createdAtTimestamp,
        }));
      return sendJson(c, { submissions });
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/rewards/roots",
      tags: ["rewards"],
      summary: "Distribution roots, oldest first, with their activation status",
      responses: { 200: json(RootsOut, "Roots"), ...errors() },
    }),
    (c) => {
      const timestamp = ledger.now().timestamp;
      const roots = distributionRoots(ledger.state);
      // getCurrentClaimableDistributionRoot: the newest root that is enabled and active
      let currentClaimableIndex: number | null = null;
      for (let i = roots.length - 1; i >= 0 && currentClaimableIndex === null; i--) {
        if (rootStatus(roots[i]!, timestamp) === "active") currentClaimableIndex = i;
      }
      return sendJson(c, {
        timestamp,
        currentClaimableIndex,
        roots: roots.map((r, index) => ({
          index,
          root: r.root,
          rewardsCalculationEndTimestamp: r.rewardsCalculationEndTimestamp,
          activatedAt: r.activatedAt,
          disabled: r.disabled,
          status: rootStatus(r, timestamp),
        })),
      });
    },
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/rewards/earnings/{earner}",
      tags: ["rewards"],
      summary: "An earner's cumulative earnings per token from the calculation up to a cutoff",
      description:
        "Replays the log and runs the daily calculation (as `restake rewards calculate --until`). The cutoff is " +
        "exclusive: the snapshot days before it are included; the log must reach it.",
      request: {
        params: AddressPath("earner"),
        query: z.strictObject({
          until: DayIn.optional().openapi({
            param: { name: "until", in: "query" },
            description:
              "Cutoff (YYYY-MM-DD or unix seconds, rounded down to 00:00 UTC); default the latest the log allows.",
          }),
        }),
      },
      responses: { 200: json(EarningsOut, "Cumulative earnings"), ...errors(400) },
    }),
    guarded(async (c) => {
      const { earner } = valid<{ earner: Address }>(c, "param");
      const { until } = valid<{ until?: string }>(c, "query");
      const latest = latestCutoff();
      const cutoff = until === undefined ? latest : day(until, "until");
      if (cutoff > latest) {
        throw new BadRequest("InvalidRequest", `until: the log reaches ${formatDay(latest)} only`, {
          latest: latest.toString(),
        });
      }
      const run = await cache.run(cutoff);
      const roots = distributionRoots(ledger.state);
      let submittedRootIndex: number | null = null;
      for (let i = roots.length - 1; i >= 0; i--) {
        if (roots[i]!.root === run.root.toLowerCase()) {
          submittedRootIndex = i;
          break;
        }
      }
      const byToken = run.cumulative.get(earner) ?? new Map<Address, bigint>();
      const earnings = [...byToken.keys()].sort().map((token) => {
        const cumulativeEarnings = byToken.get(token)!;
        const claimed = cumulativeClaimed(ledger.state, earner, token);
        return {
          token,
          cumulativeEarnings,
          cumulativeClaimed: claimed,
          unclaimed: cumulativeEarnings > claimed ? cumulativeEarnings - claimed : 0n,
        };
      });
      return sendJson(c, {
        earner,
        cutoff,
        cutoffDate: formatDay(cutoff),
        rewardsCalculationEndTimestamp: run.rewardsCalculationEndTimestamp,
        root: run.root,
        submittedRootIndex,
        earnings,
      });
    }),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/rewards/proof/{earner}",
      tags: ["rewards"],
      summary: "The claim (proofs and leaves) of an earner against a submitted distribution root",
      description:
        "Recomputes the distribution the root was posted for (cutoff = its rewardsCalculationEndTimestamp + 1 day) " +
        "and checks that it gives the same root; the claim can be passed as-is to processClaim.",
      request: {
        params: AddressPath("earner"),
        query: z.strictObject({
          rootIndex: z
            .string()
            .regex(/^\d{1,10}$/, "expected a root index")
            .optional()
            .openapi({
              param: { name: "rootIndex", in: "query" },
              description: "Default: the newest root that is not disabled.",
            }),
        }),
      },
      responses: { 200: json(ProofOut, "The claim"), ...errors(400, 404, 409) },
    }),
    guarded(async (c) => {
      const { earner } = valid<{ earner: Address }>(c, "param");
      const q = valid<{ rootIndex?: string }>(c, "query");
      const roots = distributionRoots(ledger.state);
      let index: number;
      if (q.rootIndex !== undefined) {
        index = Number(q.rootIndex);
        if (index >= roots.length) {
          return sendError(c, 404, "NotFound", `there are ${roots.length} distribution roots; no index ${index}`);
        }
      } else {
        index = roots.findLastIndex((r) => !r.disabled);
        if (index < 0) return sendError(c, 404, "NotFound", "no distribution root has been submitted");
      }
      const root = roots[index]!;
      const cutoff = root.rewardsCalculationEndTimestamp + DAY;
      const latest = latestCutoff();
      if (cutoff % DAY !== 0n || cutoff > latest) {
        return sendError(
          c,
          409,
          "RootNotReproducible",
          cutoff % DAY !== 0n
            ? `root ${index} ends at ${root.rewardsCalculationEndTimestamp}, which is not a snapshot day`
            : `root ${index} needs the log up to ${formatDay(cutoff)}; it reaches ${formatDay(latest)}`,
          { rootIndex: index },
        );
      }
      const run = await cache.run(cutoff);
      if (run.root.toLowerCase() !== root.root) {
        return sendError(
          c,
          409,
          "RootMismatch",
          `root ${index} is not the distribution the log gives up to ${formatDay(cutoff)}`,
          {
            rootIndex: index,
            submitted: root.root,
            calculated: run.root,
          },
        );
      }
      if (!run.cumulative.has(earner)) {
        return sendError(c, 404, "NoEarnings", `${earner} has no earnings in the distribution of root ${index}`);
      }
      return sendJson(c, {
        earner,
        rootIndex: index,
        root: root.root,
        rewardsCalculationEndTimestamp: root.rewardsCalculationEndTimestamp,
        activatedAt: root.activatedAt,
        status: rootStatus(root, ledger.now().timestamp),
        claim: claimFor(run.distribution(), earner, index),
      });
    }),
  );

  const yieldDescription =
    "From the daily calculation's payouts (replayed from the log) and the stake it weighed each snapshot day d of " +
    "the window (from ≤ d < to). With S the stake-days in ETH: APR(X) = 365·X/S, APY(X) = (1 + APR/365)^365 − 1. " +
    "base: Σ stake value · base APR / 365 per day; avsRewards: paid amounts at the given prices (net of the " +
    "operator's commission); commission: what a 0 % split would have paid minus what was paid. Points (`points=`) " +
    "are reported in their own section in token units and never enter yield. Query: from / to (YYYY-MM-DD or unix " +
    "seconds, rounded down to 00:00 UTC; to is exclusive) or days; price.<token>=<ETH per whole token> (a decimal " +
    "or p/q) for every reward token that is not points and every staked token (native ETH is 1); " +
    "base.<strategy>=<APR> (e.g. 0.03; default 0); points=<token,token>. A points token cannot have a price.";

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/yield/stakers/{address}",
      tags: ["yield"],
      summary: "A staker's yield over a window: base staking, AVS rewards net of commission, points apart",
      description: yieldDescription,
      request: { params: AddressPath("address"), query: YieldQuery },
      responses: { 200: json(StakerYieldOut, "The staker's yield"), ...errors(400) },
    }),
    guarded(async (c) => {
      const { address: staker } = valid<{ address: Address }>(c, "param");
      const query = valid<Record<string, string | undefined>>(c, "query");
      const sources = await cache.yieldSources();
      const p = yieldParams(query, sources, decimalsOf);
      const rows = stakerRows(
        { snapshots: sources.snapshots, submissions: sources.submissions, cutoff: sources.cutoff! },
        staker,
      );
      const report = yieldReport({
        window: p.window,
        ...rows,
        stake: stakeSeries(sources.snapshots, { staker }, p.window, valuerFromRates(sources.rates)),
        prices: p.prices,
        baseRates: p.baseRates,
        points: p.points,
      });
      return sendJson(c, {
        address: staker,
        asOf: asOf(sources),
        window: windowOut(p.window),
        inputs: inputsOut(p),
        ...reportBody(report),
      });
    }),
  );

  add(
    app,
    createRoute({
      method: "get",
      path: "/api/yield/operators/{address}",
      tags: ["yield"],
      summary: "The yield of an operator's delegated stake (what delegating to it earned) and its commission",
      description:
        `${yieldDescription} The pool is every position delegated to the operator, each attributed exactly; the ` +
        "commission section is what the operator itself was paid.",
      request: { params: AddressPath("address"), query: YieldQuery },
      responses: { 200: json(OperatorYieldOut, "The operator's pool and commission"), ...errors(400) },
    }),
    guarded(async (c) => {
      const { address: operator } = valid<{ address: Address }>(c, "param");
      const query = valid<Record<string, string | undefined>>(c, "query");
      const sources = await cache.yieldSources();
      const p = yieldParams(query, sources, decimalsOf);
      const rows = operatorRows(
        { snapshots: sources.snapshots, submissions: sources.submissions, cutoff: sources.cutoff! },
        operator,
      );
      const stake = stakeSeries(sources.snapshots, { operator }, p.window, valuerFromRates(sources.rates));
      const pool = yieldReport({
        window: p.window,
        rows: rows.poolRows,
        rowsAtZeroSplit: rows.poolRowsAtZeroSplit,
        stake,
        prices: p.prices,
        baseRates: p.baseRates,
        points: p.points,
      });
      const commission = commissionReport({
        window: p.window,
        prices: p.prices,
        points: p.points,
        stake,
        operatorRows: rows.operatorRows,
      });
      return sendJson(c, {
        address: operator,
        asOf: asOf(sources),
        window: windowOut(p.window),
        inputs: inputsOut(p),
        pool: reportBody(pool),
        commission,
      });
    }),
  );
}
