import { describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { ApiError } from "../../../web/src/api/client.ts";
import { renderApp } from "./render.tsx";
import { fakeSimApi, hashOf, STEPS, scenarios } from "./simFixtures.ts";

/** The Simulation page against a scripted lab (simFixtures.ts): runs, scenario errors, comparison, Monte Carlo. */

const charts = () => page.getByTestId("run-charts");

/** The chart in the region named `name` has drawn (ECharts put its SVG in). */
async function drawn(name: string): Promise<void> {
  const region = page.getByRole("region", { name, exact: true });
  await expect.element(region).toBeVisible();
  await expect.poll(() => region.element().querySelector('.chart[role="img"] svg'), { timeout: 10_000 }).not.toBeNull();
}

describe("Simulation page: a run", () => {
  it("lists the node's shipped scenarios", async () => {
    await renderApp("/simulation", fakeSimApi());
    const select = page.getByLabelText("Scenario to run");
    await expect.element(select).toBeVisible();
    const options = [...(select.element() as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(scenarios.scenarios.map((s) => s.name));
  });

  it("runs a shipped scenario with a seed: progress, charts filling in from new rows only, then the summary", async () => {
    const api = fakeSimApi({ stepsPerPoll: 2 });
    await renderApp("/simulation", api);
    await expect.element(page.getByRole("heading", { level: 1 })).toHaveTextContent("Simulation lab");
    await expect.element(page.getByText("No runs yet")).toBeVisible();

    await page.getByLabelText("Scenario to run").selectOptions("points-exit");
    await expect.element(page.getByText("A mass exit after a points program ends.")).toBeVisible();
    await page.getByLabelText("Seed", { exact: true }).fill("42");
    await page.getByRole("button", { name: "Run", exact: true }).click();

    expect(api.posts[0]).toEqual({ path: "/sim/runs", body: { scenario: "points-exit", seed: 42 } });
    // the charts appear with the first rows and grow to every step
    await expect.element(charts()).toBeVisible();
    await expect.poll(() => charts().element().getAttribute("data-steps")).toBe(String(STEPS));
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(42));
    await expect.element(page.getByTestId("run-status").first()).toHaveTextContent("done");
    await expect.element(page.getByTestId("summary-gamma")).toHaveTextContent("12.50% → 5.00%");
    // bad debt: 5 × 0.25 ETH at the last step
    await expect.element(page.getByTestId("summary-bad-debt")).toHaveTextContent("1.25 ETH");
    for (const name of [
      "Depeg by LRT",
      "Rate against DEX price",
      "Losses by layer",
      "Liquidations and bad debt",
      "Withdrawal queue",
    ]) {
      await drawn(name);
    }
    // each poll asked only for the rows after those it had
    const sinces = api.calls.filter((c) => c.startsWith("/sim/runs/")).map((c) => Number(c.split("since=")[1]));
    expect(sinces[0]).toBe(0);
    expect(Math.max(...sinces)).toBeGreaterThan(0);
    expect(sinces.every((s, i) => i === 0 || s >= sinces[i - 1]!)).toBe(true);
    // the per-LRT table
    const ez = page.getByRole("region", { name: "Per LRT" }).getByRole("row").filter({ hasText: "ezeth" });
    await expect.element(ez).toHaveTextContent("6.00%");
  });

  it("shows progress while the run computes", async () => {
    const api = fakeSimApi({ stepsPerPoll: 1 });
    await renderApp("/simulation", api);
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByRole("progressbar", { name: "Run progress" })).toBeVisible();
    await expect.element(page.getByTestId("progress-text")).toHaveTextContent(/step \d of 6/);
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(7));
    expect(document.querySelector('[role="progressbar"]')).toBeNull();
  });

  it("a pasted scenario with a wrong reference shows the error's line, path and the line itself", async () => {
    const api = fakeSimApi();
    await renderApp("/simulation", api);
    await page.getByLabelText("Your own (upload or paste)").click();
    const lines = Array.from({ length: 20 }, (_, i) => `# line ${i + 1}`);
    lines[17] = "    avs: avs-99";
    await page.getByLabelText(/Or paste its YAML/).fill(lines.join("\n"));
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const alert = page.getByTestId("sim-start-error");
    await expect.element(alert).toHaveTextContent("The scenario is not valid.");
    await expect.element(alert).toHaveTextContent("ScenarioReference");
    await expect.element(page.getByTestId("error-line")).toHaveTextContent("18");
    await expect.element(page.getByTestId("error-path")).toHaveTextContent("timeline[1].avs");
    await expect.element(alert).toHaveTextContent("18 | avs: avs-99");
    expect(api.runs.size).toBe(0);
  });

  it("an uploaded file fills the text area and runs as YAML", async () => {
    const api = fakeSimApi({ stepsPerPoll: 6 });
    await renderApp("/simulation", api);
    await page.getByLabelText("Your own (upload or paste)").click();
    const file = new File(["name: uploaded-one\nseed: 3\n"], "mine.yaml", { type: "application/yaml" });
    await page.getByLabelText("Upload a scenario file (.yaml)").upload(file);
    await expect.element(page.getByLabelText(/read from mine.yaml/)).toHaveValue("name: uploaded-one\nseed: 3\n");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByTestId("summary-hash")).toBeVisible();
    expect(api.posts[0]?.body).toEqual({ yaml: "name: uploaded-one\nseed: 3\n" });
  });

  it("checks the seed before sending anything", async () => {
    const api = fakeSimApi();
    await renderApp("/simulation", api);
    await page.getByLabelText("Seed", { exact: true }).fill("-3");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByText(/The seed is a whole number/)).toBeVisible();
    expect(api.posts).toHaveLength(0);
  });

  it("compares two runs of the session side by side", async () => {
    const api = fakeSimApi({ stepsPerPoll: 6 });
    await renderApp("/simulation", api);
    const seed = page.getByLabelText("Seed", { exact: true });
    await seed.fill("1");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(1));
    await seed.fill("2");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(2));

    const list = page.getByRole("region", { name: "Session runs" });
    await expect.poll(() => list.getByRole("row").elements().length).toBe(3);
    // the first run can be shown again
    await list.getByRole("button", { name: "Show #1 small-cascade (seed 1)" }).click();
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(1));

    await list.getByRole("checkbox", { name: "Compare #1 small-cascade (seed 1)" }).click();
    await list.getByRole("checkbox", { name: "Compare #2 small-cascade (seed 2)" }).click();
    const table = page.getByRole("region", { name: "Compared summaries" });
    await expect.element(table.getByRole("row", { name: "Seed 1 2" })).toBeVisible();
    // in the fixture an odd seed doubles the LRT holders' loss: 25 ETH for seed 1, 12.5 ETH for seed 2
    const holders = table.getByRole("row").filter({ hasText: "LRT holders lost" });
    await expect.element(holders).toHaveTextContent(/25 ETH.*12\.5 ETH/);
    await drawn("Depeg, both runs");
    await drawn("Losses, both runs");
  });

  it("says when the node no longer keeps a run, and when the scenarios cannot be listed", async () => {
    const api = fakeSimApi({
      stepsPerPoll: 1,
      scenarios: () => {
        throw new ApiError(503, "StoreUnavailable", "the event store could not be read");
      },
    });
    await renderApp("/simulation", api, { retry: false });
    await expect.element(page.getByText(/Could not load the shipped scenarios/)).toBeVisible();
    await page.getByLabelText("Your own (upload or paste)").click();
    await page.getByLabelText(/Or paste its YAML/).fill("name: gone\n");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await expect.element(page.getByRole("region", { name: "Session runs" })).toBeVisible();
    api.runs.clear();
    await expect.element(page.getByText("The node no longer keeps this run.")).toBeVisible();
  });
});

describe("Simulation page: Monte Carlo", () => {
  it("the tabs move with the keyboard; a batch shows progress, then VaR/LaR, histograms and the worst seeds", async () => {
    const api = fakeSimApi();
    await renderApp("/simulation", api);
    const runsTab = page.getByRole("tab", { name: "Runs" });
    await expect.element(runsTab).toHaveAttribute("aria-selected", "true");
    (runsTab.element() as HTMLElement).focus();
    await userEvent.keyboard("{ArrowRight}");
    const mcTab = page.getByRole("tab", { name: "Monte Carlo" });
    await expect.element(mcTab).toHaveAttribute("aria-selected", "true");
    expect(document.activeElement).toBe(mcTab.element());

    await page.getByLabelText("Paths").fill("5000");
    await page.getByRole("button", { name: "Run paths" }).click();
    await expect.element(page.getByText(/Paths: a whole number from 1 to 2,000/)).toBeVisible();
    await page.getByLabelText("Paths").fill("100");
    await page.getByLabelText("Workers").fill("2");
    await page.getByRole("button", { name: "Run paths" }).click();
    expect(api.posts[0]).toEqual({
      path: "/sim/montecarlo",
      body: { scenario: "small-cascade", paths: 100, workers: 2 },
    });
    await expect.element(page.getByRole("progressbar", { name: "Paths done" })).toBeVisible();

    await expect.element(page.getByTestId("p-bad-debt")).toHaveTextContent("37.0%");
    const risk = page.getByRole("region", { name: "Value and liquidations at risk" });
    await expect.element(risk.getByRole("row").filter({ hasText: "VaR" })).toHaveTextContent("30 ETH");
    await expect.element(risk.getByRole("row").filter({ hasText: "VaR" })).toHaveTextContent("42.5 ETH");
    await expect.element(risk.getByRole("row").filter({ hasText: "LaR" })).toHaveTextContent("150 ETH");
    for (const name of ["Bad debt", "Liquidated value", "Deepest depeg"]) await drawn(name);
    await expect.element(page.getByText("63 paths with none are not drawn.")).toBeVisible();

    // a worst path reruns as a single run with its seed, on the Runs tab
    const worst = page.getByRole("region", { name: "Worst paths" });
    await expect.element(worst.getByRole("row").nth(1)).toHaveTextContent("9001");
    await worst.getByRole("button", { name: "Rerun path 17 (seed 9001) as a single run" }).click();
    await expect.element(page.getByRole("tab", { name: "Runs" })).toHaveAttribute("aria-selected", "true");
    expect(api.posts[1]).toEqual({ path: "/sim/runs", body: { scenario: "small-cascade", seed: 9001 } });
    await expect.element(page.getByTestId("summary-hash")).toHaveTextContent(hashOf(9001));
  });

  it("fits a phone-sized screen without sideways scrolling", async () => {
    await page.viewport(375, 740);
    try {
      await renderApp("/simulation", fakeSimApi({ stepsPerPoll: 6 }));
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await expect.element(page.getByTestId("summary-hash")).toBeVisible();
      await drawn("Losses by layer");
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(375);
    } finally {
      await page.viewport(1280, 900);
    }
  });
});
