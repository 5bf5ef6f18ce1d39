import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eigenNeutralView } from "../../core/eigenlayer/neutral.ts";
import { EMPTY_PARAMS, graphFromNeutral } from "../../risk/neutral.ts";
import { analyzeSecurity } from "../../risk/security.ts";
import type { Ledger } from "../ledger.ts";
import { errors, json } from "./openapi.ts";
import { sendJson } from "./respond.ts";
import { storedRiskParams } from "./riskParams.ts";
import { Amount } from "./schemas.ts";

/**
 *   GET /api/risk/summary   the security summary the overview shows: is the node's restaking graph secure (EigenLayer
 *                           unique stake), its slack γ*, Claim 1's status and the worst coalition
 * The same analysis as `GET /api/risk/security` with the node's stored risk parameters (riskParams.ts), but computed
 * once per log head and cached: the overview refetches it whenever a transaction lands, and the exact search can take
 * a second or two, which should not be paid again for every open page. Fractions are exact strings "p/q".
 */

const Rational = z.string().openapi({ description: 'An exact fraction "p/q" or an integer', example: "1/10" });

export const SecuritySummaryOut = z
  .object({
    seq: z.number().int(),
    block: Amount,
    /** false: the node has no risk parameters, so no operator set was analysed */
    configured: z.boolean(),
    model: z.string(),
    services: z.number().int(),
    validators: z.number().int(),
    /** operator sets with stake but no parameters (left out) */
    leftOut: z.array(z.string()),
    secure: z.boolean().nullable(),
    slack: Rational.nullable(),
    slackExact: z.boolean(),
    slackLower: Rational.nullable(),
    claim1: z.object({
      holds: z.boolean(),
      violators: z.array(z.string()),
      maxGamma: Rational.nullable(),
      unstaked: z.array(z.string()),
    }),
    certificate: z.string(),
    worstAttack: z
      .object({
        services: z.array(z.string()),
        operators: z.array(z.string()),
        profit: Rational,
        cost: Rational,
      })
      .nullable(),
    timeMs: z.number(),
    notes: z.array(z.string()),
  })
  .openapi("SecuritySummary");

type Summary = z.input<typeof SecuritySummaryOut>;

export function registerSecuritySummaryRoutes(
  app: OpenAPIHono,
  { ledger, timeLimitMs = 5_000 }: { ledger: Ledger; timeLimitMs?: number },
): void {
  let cached: { seq: number; summary: Promise<Summary> } | null = null;

  const compute = async (): Promise<Summary> => {
    const seq = ledger.seq;
    const view = eigenNeutralView(ledger.state, ledger.time.block);
    const params = await storedRiskParams(ledger.store);
    const built = graphFromNeutral(view, params ?? EMPTY_PARAMS);
    const report = await analyzeSecurity(built.graph, { model: "unique", timeLimitMs });
    // unique model: validators are allocations "<operator>@<operator set>"
    const operators = (ids: string[]) => [...new Set(ids.map((v) => v.split("@")[0]!))];
    return {
      seq,
      block: view.block.toString(),
      configured: params !== undefined && params.services.size > 0,
      model: report.model,
      services: report.services,
      validators: report.validators,
      leftOut: built.unpriced,
      secure: report.secure,
      slack: report.slack,
      slackExact: report.slackExact,
      slackLower: report.slackLower,
      claim1: {
        holds: report.claim1.holds,
        violators: report.claim1.violators,
        maxGamma: report.claim1.maxGamma,
        unstaked: report.claim1.unstaked,
      },
      certificate: report.certificate,
      worstAttack:
        report.worstAttack === null
          ? null
          : {
              services: report.worstAttack.services,
              operators: operators(report.worstAttack.validators),
              profit: report.worstAttack.profit,
              cost: report.worstAttack.cost,
            },
      timeMs: report.timeMs,
      notes: report.notes,
    };
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/risk/summary",
      tags: ["risk"],
      summary:
        "Security summary of the node's state: secure or not, γ*, Claim 1, the worst coalition (cached per head)",
      responses: { 200: json(SecuritySummaryOut, "The summary"), ...errors() },
    }),
    (async (c: Context) => {
      await ledger.committed();
      if (cached === null || cached.seq !== ledger.seq) {
        const summary = compute();
        cached = { seq: ledger.seq, summary };
        // a failure is not cached: the next request tries again
        summary.catch(() => {
          if (cached?.summary === summary) cached = null;
        });
      }
      return sendJson(c, await cached.summary);
    }) as never,
  );
}
