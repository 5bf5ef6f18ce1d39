import { describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { ApiError } from "../../../web/src/api/client.ts";
import { ADDR, fakeApi, neutral } from "./fixtures.ts";
import { renderApp } from "./render.tsx";

describe("Network overview", () => {
  it("shows a loading state, then totals, concentration, operators, AVSs, slashes and the queue", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const api = fakeApi();
    const slow = {
      get: async <T,>(path: string) => {
        if (path.startsWith("/neutral")) await gate;
        return api.get<T>(path);
      },
    };
    await renderApp("/", slow);
    await expect.element(page.getByRole("heading", { level: 1, name: "Network overview" })).toBeVisible();
    await expect.element(page.getByText("Loading network totals…")).toBeVisible();
    release();

    // totals: 300 + 100 ETH delegated; USDC reported on its own
    const totals = page.getByRole("definition").filter({ hasText: "400 ETH" });
    await expect.element(totals).toBeVisible();
    await expect.element(page.getByText("5,000 USDC").first()).toBeVisible();
    // concentration: shares 75% / 25%
    await expect.element(page.getByTestId("hhi")).toHaveTextContent("6,250.00");
    await expect.element(page.getByTestId("nakamoto-third")).toHaveTextContent("1");
    await expect.element(page.getByTestId("nakamoto-half")).toHaveTextContent("1");
    await expect.element(page.getByText("highly concentrated")).toBeVisible();

    const operators = page.getByRole("region", { name: "Operators" });
    await expect.poll(() => operators.getByRole("row").elements().length).toBe(3);
    const rowA = operators.getByRole("row").filter({ hasText: "0xa1a1…a1a1" });
    await expect.element(rowA).toHaveTextContent("300 ETH");
    await expect.element(rowA).toHaveTextContent("75.0%");
    await expect.element(rowA.getByRole("link", { name: `operator ${ADDR.opA}` })).toBeVisible();

    const avss = page.getByRole("region", { name: "AVSs" });
    await expect.element(avss.getByRole("link", { name: "AVS tessera-da" })).toBeVisible();
    // allocated to the AVS: 50 stETH + 25 ETH + 10 stETH
    await expect.element(avss.getByRole("row").nth(1)).toHaveTextContent("85 ETH");

    await expect.element(page.getByText("“double signing”")).toBeVisible();
    await expect.element(page.getByText("burn pending until block 18")).toBeVisible();
    await expect.element(page.getByTestId("queue-count")).toHaveTextContent("1");

    // the concentration chart arrives lazily and describes itself
    const chart = page.getByRole("img", { name: /Operator shares of delegated stake/ });
    await expect.element(chart).toBeVisible();
    await expect.poll(() => chart.element().querySelector("svg") !== null, { timeout: 10_000 }).toBe(true);
    expect(chart.element().getAttribute("aria-label")).toContain("0xa1a1…a1a1 75.0%");
  });

  it("says so when there is nothing yet", async () => {
    const empty = {
      ...neutral,
      exposures: [],
      operators: [],
      services: [],
    };
    await renderApp(
      "/",
      fakeApi([
        ["/neutral", empty],
        ["/operators", { block: "1", operators: [] }],
        ["/avs", { avss: [] }],
        ["/slashes", { slashes: [], indexedThroughSeq: 0 }],
        ["/withdrawals", { block: "1", total: 0, withdrawals: [] }],
      ]),
    );
    await expect.element(page.getByText("No operators are registered.")).toBeVisible();
    await expect.element(page.getByText("No stake is delegated yet.")).toBeVisible();
    await expect.element(page.getByText("No AVS has published metadata yet.")).toBeVisible();
    await expect.element(page.getByText("No operator has been slashed.")).toBeVisible();
    await expect.element(page.getByText("No withdrawal is queued.")).toBeVisible();
  });

  it("shows an error with a retry when the node fails, and recovers", async () => {
    let fail = true;
    await renderApp(
      "/",
      fakeApi([
        [
          "/slashes",
          () => {
            if (fail) throw new ApiError(503, "StoreUnavailable", "the event store could not be read");
            return { slashes: [], indexedThroughSeq: 0 };
          },
        ],
      ]),
      { retry: false },
    );
    const alert = page.getByRole("alert").filter({ hasText: "Could not load slashes" }).first();
    await expect.element(alert).toHaveTextContent("StoreUnavailable");
    // the rest of the page still works
    await expect.element(page.getByTestId("hhi")).toHaveTextContent("6,250.00");
    fail = false;
    await alert.getByRole("button", { name: "Try again" }).click();
    await expect.element(page.getByText("No operator has been slashed.")).toBeVisible();
  });
});
