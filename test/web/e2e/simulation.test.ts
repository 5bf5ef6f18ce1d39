import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../soak/lib.ts";
import type { SimMonteCarloAnswer, SimRunAnswer, SimScenarios } from "../../../web/src/sim/types.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../chromium.ts";
import { type DemoNode, startDemoNode } from "./demoNode.ts";

/**
 * End to end, the simulation lab: a demo node serves the built dashboard; Chromium opens the Simulation page, runs
 * the small example scenario on the node (a worker thread), waits for every chart to draw and the summary to
 * appear, checks the hash shown against the API's answer for that run, and saves screenshots (desktop and phone).
 */

const SHOTS = join(REPO_ROOT, "test-output/web");
const SCENARIO = "small-cascade";

let demo: DemoNode | undefined;
let base: string;
let browser: Browser;
const pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/api${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function shot(p: Page, name: string): Promise<void> {
  await p.waitForFunction(
    "[...document.querySelectorAll('[role=\"img\"].chart')].every((c) => c.querySelector('svg') !== null)",
  );
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemoNode("restake-web-sim-");
  base = demo.base;

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the simulation page on a demo node", () => {
  it("runs the small example scenario: charts fill in, and the summary's hash is the API's", async () => {
    const shipped = await api<SimScenarios>("/sim/scenarios");
    const example = shipped.scenarios.find((s) => s.name === SCENARIO);
    expect(example, JSON.stringify(shipped)).toBeDefined();

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
    });

    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "Simulation" }).click();
    await page.getByRole("heading", { level: 1, name: "Simulation lab" }).waitFor();
    await page.getByLabel("Scenario to run").selectOption(SCENARIO);
    await page.getByLabel("Seed", { exact: true }).fill("7");
    await page.getByRole("button", { name: "Run", exact: true }).click();

    // the run's id, from the run view; the charts are there with every step, and the summary after them
    const view = page.locator(".sim-run[data-run]");
    await view.waitFor();
    const id = await view.getAttribute("data-run");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const charts = page.getByTestId("run-charts");
    await page
      .locator(`.sim-run[data-status="done"]`)
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`${e}\n${JSON.stringify(await api(`/sim/runs/${id}`)).slice(0, 600)}\n${demo?.output() ?? ""}`);
      });
    await expect.poll(() => charts.getAttribute("data-steps")).toBe(String(example!.steps));
    const hash = (await page.getByTestId("summary-hash").textContent())?.trim();

    const answer = await api<SimRunAnswer>(`/sim/runs/${id}`);
    expect(answer.status).toBe("done");
    expect(answer.seed).toBe(7);
    expect(answer.seriesLength).toBe(example!.steps);
    expect(hash).toBe(answer.summary!.hash);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);

    // every chart drew: depeg, rate vs price, losses, liquidations, queue
    for (const name of [
      "Depeg by LRT",
      "Rate against DEX price",
      "Losses by layer",
      "Liquidations and bad debt",
      "Withdrawal queue",
    ]) {
      await page.getByRole("region", { name, exact: true }).locator('.chart[role="img"] svg').first().waitFor();
    }
    // the bad debt shown is the API's, to the wei
    expect(await page.getByTestId("summary-bad-debt").locator("data").getAttribute("value")).toBe(
      answer.summary!.badDebt,
    );
    await shot(page, "simulation");

    // the same page, charts and summary included, at phone width: no sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(page, "simulation-phone");
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("runs a small Monte Carlo batch from the page: its distributions and aggregate hash are the API's", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
    await page.goto(`${base}/simulation`);
    await page.getByRole("tab", { name: "Monte Carlo" }).click();
    await page.getByLabel("Scenario to run").selectOption(SCENARIO);
    await page.getByLabel("Paths").fill("3");
    await page.getByLabel("Workers").fill("1");
    await page.getByRole("button", { name: "Run paths" }).click();
    const view = page.locator(".sim-mc[data-mc]");
    await view.waitFor();
    const id = await view.getAttribute("data-mc");
    await page.locator('.sim-mc[data-status="done"]').waitFor({ timeout: 90_000 });
    const answer = await api<SimMonteCarloAnswer>(`/sim/montecarlo/${id}`);
    expect(answer.status).toBe("done");
    expect((await page.getByTestId("mc-hash").textContent())?.trim()).toBe(answer.result!.hash);
    const f = answer.result!.variants[0]!.figures;
    const risk = page.getByRole("region", { name: "Value and liquidations at risk" });
    expect(await risk.locator('tr[data-row="var"] td').nth(1).locator("data").getAttribute("value")).toBe(f.var99);
    expect(await risk.locator('tr[data-row="lar"] td').nth(0).locator("data").getAttribute("value")).toBe(f.lar95);
    const worst = page.getByRole("region", { name: "Worst paths" }).locator("tbody tr");
    expect(await worst.count()).toBe(f.worst.length);
    expect(await worst.first().getAttribute("data-seed")).toBe(String(f.worst[0]!.seed));
    await shot(page, "simulation-montecarlo");
    await context.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
