import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Logger, Plugin } from "vite";

/**
 * Reports what the dashboard ships: every emitted JS/CSS/HTML file with its raw and gzip size, the JS a first visit
 * loads (the entry and its static imports) and what is loaded lazily (the chart code), and writes the same figures
 * to `dist/bundle-size.json`. `budgetGzipKb` fails the build when the gzipped total of JS and CSS exceeds it.
 */

export interface BundleReport {
  files: { file: string; kind: "js" | "css" | "html"; initial: boolean; bytes: number; gzipBytes: number }[];
  initialJsGzipBytes: number;
  lazyJsGzipBytes: number;
  cssGzipBytes: number;
  totalGzipBytes: number;
  totalBytes: number;
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export function bundleSize(opts: { budgetGzipKb?: number } = {}): Plugin {
  let outDir = "dist";
  let logger: Logger | undefined;
  return {
    name: "restake:bundle-size",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    writeBundle(_options, bundle) {
      const items = Object.values(bundle);
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name)) return;
        initial.add(name);
        const item = bundle[name];
        if (item?.type === "chunk") {
          item.imports.forEach(visit);
          for (const css of item.viteMetadata?.importedCss ?? []) initial.add(css);
        }
      };
      for (const item of items) if (item.type === "chunk" && item.isEntry) visit(item.fileName);

      const files: BundleReport["files"] = [];
      for (const item of items) {
        const kind = item.fileName.endsWith(".js")
          ? "js"
          : item.fileName.endsWith(".css")
            ? "css"
            : item.fileName.endsWith(".html")
              ? "html"
              : null;
        if (kind === null) continue;
        const content = item.type === "chunk" ? item.code : item.source;
        const buf = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
        files.push({
          file: item.fileName,
          kind,
          initial: kind === "html" || initial.has(item.fileName),
          bytes: buf.length,
          gzipBytes: gzipSync(buf, { level: 9 }).length,
        });
      }
      files.sort((a, b) => b.gzipBytes - a.gzipBytes);
      const total = (pred: (f: BundleReport["files"][number]) => boolean, key: "bytes" | "gzipBytes" = "gzipBytes") =>
        files.filter(pred).reduce((a, f) => a + f[key], 0);
      const report: BundleReport = {
        files,
        initialJsGzipBytes: total((f) => f.kind === "js" && f.initial),
        lazyJsGzipBytes: total((f) => f.kind === "js" && !f.initial),
        cssGzipBytes: total((f) => f.kind === "css"),
        totalGzipBytes: total((f) => f.kind !== "html"),
        totalBytes: total((f) => f.kind !== "html", "bytes"),
      };
      writeFileSync(join(outDir, "bundle-size.json"), `${JSON.stringify(report, null, 2)}\n`);

      const lines = ["", "bundle size (gzip -9):"];
      for (const f of files)
        lines.push(
          `  ${f.file.padEnd(40)} ${kb(f.bytes).padStart(10)}  gzip ${kb(f.gzipBytes).padStart(9)}${f.initial ? "" : "  (lazy)"}`,
        );
      lines.push(
        `  first load JS ${kb(report.initialJsGzipBytes)} gzip · lazy JS (charts) ${kb(report.lazyJsGzipBytes)} · CSS ${kb(report.cssGzipBytes)}`,
        `  total JS + CSS ${kb(report.totalBytes)}, ${kb(report.totalGzipBytes)} gzip`,
      );
      const text = lines.join("\n");
      if (logger) logger.info(text);
      else console.log(text);
      if (opts.budgetGzipKb !== undefined && report.totalGzipBytes > opts.budgetGzipKb * 1000) {
        throw new Error(`bundle over budget: ${kb(report.totalGzipBytes)} gzip > ${opts.budgetGzipKb} kB`);
      }
    },
  };
}
