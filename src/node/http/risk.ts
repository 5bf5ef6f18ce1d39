import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eigenNeutralView } from "../../core/eigenlayer/neutral.ts";
import type { NeutralView } from "../../core/protocol.ts";
import { concentration, parseEntityMap, parseLrtHoldings } from "../../risk/concentration.ts";
import { GraphError, parseGraph, type RestakingGraph } from "../../risk/graph.ts";
import { EMPTY_PARAMS, graphFromNeutral, parseRiskParams, type RiskParams } from "../../risk/neutral.ts";
import { Rational } from "../../risk/rational.ts";
import { analyzeSecurity, type RiskModel } from "../../risk/security.ts";
import type { Ledger } from "../ledger.ts";
import { errors } from "./openapi.ts";
import { sendError, sendJson } from "./respond.ts";
import { storedRiskParams } from "./riskParams.ts";
import { ErrorBody } from "./schemas.ts";

/**
 * The risk engine over HTTP (docs/risk.md):
 *   GET  /api/risk/security        the node's state (unique stake by default), with the node's risk parameters
 *   POST /api/risk/security        a graph ({"graph": {...}}) or the node's state with parameters in the body
 *   GET  /api/risk/concentration   HHI, Nakamoto and Gini of the node's state
 *   POST /api/risk/concentration   the same with an entity map, LRT holdings or prices in the body
 * The solver runs on the node's thread, so every request has a time limit (default 5 s, at most 30 s); past it
 * the report carries bounds instead of exact values. Graphs posted are limited in size.
 */

export interface RiskRouteDeps {
  ledger: Ledger;
  /**
   * profits, thresholds and prices for GET requests (default: those stored with the database, riskParams.ts; with
   * none, every operator set is left out)
   */
  params?: RiskParams;
  /** default time limit per request, ms */
  timeLimitMs?: number;
}

const MAX_TIME_LIMIT_MS = 30_000;
const MAX_POSTED_VALIDATORS = 5_000;
const MAX_POSTED_SERVICES = 500;

const RationalIn = z
  .string()
  .regex(/^(-?\d+(\.\d+)?([eE][+-]?\d{1,4})?|-?\d+\/\d+)$/, 'expected a decimal or a fraction "p/q"')
  .openapi({ type: "string", example: "1/10" });

const SecurityQuery = z.strictObject({
  psi: RationalIn.optional().openapi({
    param: { name: "psi", in: "query" },
    description: "shock ψ ∈ [0, 1]: also compute R_ψ",
  }),
  gamma: RationalIn.optional().openapi({
    param: { name: "gamma", in: "query" },
    description: "also check Corollary 2 at γ",
  }),
  model: z
    .enum(["dr", "elastic", "unique"])
    .optional()
    .openapi({ param: { name: "model", in: "query" }, description: "default unique (EigenLayer) for the state" }),
  method: z
    .enum(["auto", "brute", "mincut", "milp"])
    .optional()
    .openapi({ param: { name: "method", in: "query" } }),
  timeLimitMs: z
    .string()
    .regex(/^\d{1,6}$/, "expected milliseconds")
    .optional()
    .openapi({ param: { name: "timeLimitMs", in: "query" }, description: `at most ${MAX_TIME_LIMIT_MS}` }),
});

const SecurityBody = z
  .object({
    graph: z.record(z.string(), z.unknown()).optional().openapi({ description: "a restaking graph (docs/risk.md)" }),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "with no graph: profits/thresholds per AVS or operator set, prices per asset" }),
    psi: RationalIn.optional(),
    gamma: RationalIn.optional(),
    model: z.enum(["dr", "elastic", "unique"]).optional(),
    method: z.enum(["auto", "brute", "mincut", "milp"]).optional(),
    timeLimitMs: z.number().int().min(1).max(MAX_TIME_LIMIT_MS).optional(),
  })
  .strict()
  .openapi("RiskSecurityRequest");

const ConcentrationBody = z
  .object({
    params: z.record(z.string(), z.unknown()).optional(),
    entities: z.record(z.string(), z.string()).optional().openapi({ description: "operator → entity" }),
    lrt: z.array(z.record(z.string(), z.unknown())).optional().openapi({ description: "[{lrt, operator, amount}]" }),
  })
  .strict()
  .openapi("RiskConcentrationRequest");

const ReportOut = z.record(z.string(), z.unknown());
const json = (description: string) => ({ description, content: { "application/json": { schema: ReportOut } } });
const err = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

function valid<T>(c: Context, target: "query" | "json"): T {
  return (c.req as unknown as { valid(target: string): T }).valid(target);
}

function rational(x: string | undefined, name: string): Rational | null {
  if (x === undefined) return null;
  const v = Rational.parse(x);
  if (v === null) throw new GraphError(name, 'expected a decimal or a fraction "p/q"');
  return v;
}

function badInput(c: Context, e: unknown): Response {
  if (e instanceof GraphError) {
    return sendError(c, 400, "InvalidRiskInput", e.message, { path: e.path, reason: e.reason });
  }
  throw e;
}

export function registerRiskRoutes(app: OpenAPIHono, deps: RiskRouteDeps): void {
  const { ledger } = deps;
  const defaultLimit = deps.timeLimitMs ?? 5_000;
  const nodeParams = async (): Promise<RiskParams | undefined> => deps.params ?? storedRiskParams(ledger.store);
  const neutral = async (): Promise<NeutralView> => {
    await ledger.committed();
    return eigenNeutralView(ledger.state, ledger.time.block);
  };

  const security = async (
    c: Context,
    input: {
      graph?: RestakingGraph;
      params?: RiskParams;
      psi?: string;
      gamma?: string;
      model?: RiskModel;
      method?: "auto" | "brute" | "mincut" | "milp";
      timeLimitMs?: number;
    },
  ) => {
    const psi = rational(input.psi, "psi");
    const gamma = rational(input.gamma, "gamma");
    if (psi !== null && (psi.sign() < 0 || psi.gt(Rational.ONE))) throw new GraphError("psi", "must be in [0, 1]");
    if (gamma !== null && gamma.sign() < 0) throw new GraphError("gamma", "must be ≥ 0");
    let graph = input.graph;
    const notes: string[] = [];
    let state: { block: string } | undefined;
    if (graph === undefined) {
      const view = await neutral();
      const built = graphFromNeutral(view, input.params ?? (await nodeParams()) ?? EMPTY_PARAMS);
      graph = built.graph;
      state = { block: view.block.toString() };
      if (built.unpriced.length > 0) {
        notes.push(`operator sets without profit/threshold were left out: ${built.unpriced.join(", ")}`);
      }
    }
    const report = await analyzeSecurity(graph, {
      model: input.model ?? (input.graph === undefined ? "unique" : undefined),
      psi,
      gamma,
      method: input.method ?? "auto",
      timeLimitMs: Math.min(input.timeLimitMs ?? defaultLimit, MAX_TIME_LIMIT_MS),
    });
    report.notes.unshift(...notes);
    return sendJson(c, state === undefined ? report : { ...report, state });
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/risk/security",
      tags: ["risk"],
      summary: "Security of the node's restaking graph: Claim 1, exact security, γ*, worst coalition, R_ψ",
      description:
        "Operators are validators and operator sets are services; profits and thresholds come from the node's risk " +
        "parameters (none by default: POST a `params` object to supply them). Model unique (EigenLayer unique stake) " +
        "unless `model` says otherwise.",
      request: { query: SecurityQuery },
      responses: { 200: json("The security report (exact fractions as strings)"), 400: err("Bad query"), ...errors() },
    }),
    (async (c: Context) => {
      const q = valid<{ psi?: string; gamma?: string; model?: RiskModel; method?: "auto"; timeLimitMs?: string }>(
        c,
        "query",
      );
      try {
        return await security(c, {
          ...q,
          timeLimitMs: q.timeLimitMs === undefined ? undefined : Number(q.timeLimitMs),
        });
      } catch (e) {
        return badInput(c, e);
      }
    }) as never,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/risk/security",
      tags: ["risk"],
      summary: "Security of a posted restaking graph, or of the node's state with posted parameters",
      request: { body: { required: true, content: { "application/json": { schema: SecurityBody } } } },
      responses: {
        200: json("The security report"),
        400: err("Malformed request or graph: the error names the path and the reason (InvalidRiskInput)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      const body = valid<z.infer<typeof SecurityBody>>(c, "json");
      try {
        if (body.graph !== undefined && body.params !== undefined) {
          throw new GraphError("$", "give either graph or params, not both");
        }
        let graph: RestakingGraph | undefined;
        if (body.graph !== undefined) {
          graph = parseGraph(body.graph);
          if (graph.validators.length > MAX_POSTED_VALIDATORS || graph.services.length > MAX_POSTED_SERVICES) {
            throw new GraphError(
              "$.graph",
              `at most ${MAX_POSTED_VALIDATORS} validators and ${MAX_POSTED_SERVICES} services over HTTP (use the CLI for more)`,
            );
          }
        }
        const params = body.params === undefined ? undefined : parseRiskParams(body.params);
        return await security(c, { ...body, graph, params });
      } catch (e) {
        return badInput(c, e);
      }
    }) as never,
  );

  const concentrationHandler = async (c: Context, body: z.infer<typeof ConcentrationBody>) => {
    const view = await neutral();
    const report = concentration(view, {
      params: body.params === undefined ? await nodeParams() : parseRiskParams(body.params),
      entities: body.entities === undefined ? undefined : parseEntityMap(body.entities),
      lrt: body.lrt === undefined ? undefined : parseLrtHoldings(body.lrt),
    });
    return sendJson(c, report);
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/risk/concentration",
      tags: ["risk"],
      summary: "HHI, Nakamoto coefficients (⅓, ½, each AVS's threshold) and Gini per strategy, per AVS and overall",
      responses: { 200: json("The concentration report"), ...errors() },
    }),
    (async (c: Context) => concentrationHandler(c, {})) as never,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/risk/concentration",
      tags: ["risk"],
      summary: "Concentration with an entity map, LRT holdings or prices",
      request: { body: { required: true, content: { "application/json": { schema: ConcentrationBody } } } },
      responses: {
        200: json("The concentration report"),
        400: err("Malformed request (InvalidRiskInput)"),
        ...errors(),
      },
    }),
    (async (c: Context) => {
      try {
        return await concentrationHandler(c, valid<z.infer<typeof ConcentrationBody>>(c, "json"));
      } catch (e) {
        return badInput(c, e);
      }
    }) as never,
  );
}
