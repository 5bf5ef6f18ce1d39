import { expect, it } from "vitest";
// Deliberately first: like the CLI, load the engine and wire.ts's zod schemas before anything HTTP-related, so the
// API must cope with schemas created before @hono/zod-openapi extended zod.
import { COMMAND_NAMES, commandSchemas } from "../../src/node/wire.ts";

it("builds the app and its OpenAPI document when wire.ts was loaded before the HTTP layer", async () => {
  expect(Object.keys(commandSchemas).length).toBeGreaterThan(30);
  const { openTestNode } = await import("./api-helpers.ts");
  const node = await openTestNode();
  try {
    const res = await node.app.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { components: { schemas: Record<string, unknown> } };
    for (const name of COMMAND_NAMES) expect(doc.components.schemas[`Params_${name}`], name).toBeDefined();
  } finally {
    await node.close();
  }
});
