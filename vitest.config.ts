import { mkdirSync, writeFileSync } from "node:fs";
import react from "@vitejs/plugin-react";
import { playwright } from "@vitest/browser-playwright";
import { configDefaults, defineConfig } from "vitest/config";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./test/web/chromium.ts";

/**
 * Three projects:
 * - node: the engine, store, node and CLI suites, plus the dashboard's pure logic (test/web/*.test.ts);
 * - web-browser: dashboard components rendered in Chromium (vitest browser mode, Playwright provider);
 * - web-e2e: the built dashboard (web/dist) served by a demo node and driven by Playwright.
 * `npm run test:unit` runs the first, `npm run test:web` builds the dashboard and runs the other two.
 */
// screenshots and failure captures go to test-output/, which ignores itself in git
mkdirSync("test-output/web", { recursive: true });
writeFileSync("test-output/.gitignore", "*\n");

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/web/browser/**", "test/web/e2e/**"],
        },
      },
      {
        plugins: [react()],
        optimizeDeps: {
          // pre-bundled up front, so the first test run never reloads the page to optimise a late-found dependency
          include: [
            "react",
            "react/jsx-dev-runtime",
            "react-dom",
            "react-dom/client",
            "@tanstack/react-query",
            "echarts/core",
            "echarts/charts",
            "echarts/components",
            "echarts/renderers",
            "vitest-browser-react",
          ],
        },
        test: {
          name: "web-browser",
          include: ["test/web/browser/**/*.test.tsx"],
          testTimeout: 30_000,
          expect: { poll: { timeout: 5000 } },
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: "chromium" }],
            viewport: { width: 1280, height: 900 },
            screenshotDirectory: "test-output/web/failures",
          },
        },
      },
      {
        extends: true,
        test: {
          name: "web-e2e",
          include: ["test/web/e2e/**/*.test.ts"],
          globalSetup: ["test/web/e2e/globalSetup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
