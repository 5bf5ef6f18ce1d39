import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { bundleSize } from "./build/bundleSize.ts";

/**
 * The dashboard: `npm run build:web` writes web/dist (served by `restake serve` at /), `npm run dev:web` serves it
 * with hot reload and proxies /api to a running node (RESTAKE_API, default http://127.0.0.1:7420).
 */
const api = process.env.RESTAKE_API ?? "http://127.0.0.1:7420";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), bundleSize({ budgetGzipKb: 350 })],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // the chart chunk is loaded lazily; the size report above is the figure that matters
    chunkSizeWarningLimit: 800,
  },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": api, "/openapi.json": api },
  },
  preview: { host: "127.0.0.1" },
});
