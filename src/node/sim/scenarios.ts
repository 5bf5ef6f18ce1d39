import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { networkNames } from "../../sim/network/names.ts";
import { parseScenario } from "../../sim/scenario/parse.ts";
import type { Scenario } from "../../sim/scenario/types.ts";
import { NodeError } from "../errors.ts";
import { overBounds } from "./bounds.ts";

/**
 * The shipped scenarios: every `.yaml` file under the repository's `scenarios/` folder (incident replays, stress
 * tests, the examples). They are read from disk on each request — a handful of small files — so a scenario added
 * while the node runs is listed without a restart.
 */

export const SHIPPED_SCENARIOS_DIR = fileURLToPath(new URL("../../../scenarios", import.meta.url));

export interface ShippedScenario {
  name: string;
  description: string | null;
  /** the network preset, or "explicit" for a network written out in full */
  preset: string;
  blocks: number;
  /** blocks per step, and the steps a run records */
  step: number;
  steps: number;
  seed: number;
  /** path under scenarios/ */
  file: string;
}

export interface ScenarioFile {
  file: string;
  text: string;
}

/** Parses and validates a scenario (a ScenarioError names the line, column and path of the first problem). */
export function parseScenarioText(text: string, file: string): Scenario {
  return parseScenario(text, { file, names: networkNames });
}

/**
 * As parseScenarioText, for the API: the shape is checked first, then the network's size against the API's bounds
 * (NodeError 400 ScenarioTooLarge), and only then are the network's names listed and the references checked.
 */
export function parseForApi(text: string, file: string): Scenario {
  const shape = parseScenario(text, { file });
  const over = overBounds(shape);
  if (over !== null) {
    throw new NodeError(
      "ScenarioTooLarge",
      400,
      `${over.path} is ${over.value}; the API runs networks up to ${over.max} (use restake simulate)`,
      { ...over, file },
    );
  }
  return parseScenarioText(text, file);
}

export const stepsOf = (s: Scenario): number => Math.ceil(s.run.blocks / Math.max(1, s.run.step));

function yamlFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(path));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(path);
  }
  return out;
}

/** Every shipped scenario file, in path order. */
export function shippedFiles(dir = SHIPPED_SCENARIOS_DIR): ScenarioFile[] {
  return yamlFiles(dir).map((path) => ({
    file: relative(dir, path).split(sep).join("/"),
    text: readFileSync(path, "utf8"),
  }));
}

/** The shipped scenarios that parse, and the files that do not (listed rather than silently dropped). */
export function listScenarios(dir = SHIPPED_SCENARIOS_DIR): {
  scenarios: ShippedScenario[];
  invalid: { file: string; code: string; message: string }[];
} {
  const scenarios: ShippedScenario[] = [];
  const invalid: { file: string; code: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const f of shippedFiles(dir)) {
    let s: Scenario;
    try {
      s = parseScenarioText(f.text, f.file);
    } catch (e) {
      const code =
        typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : "InvalidScenario";
      invalid.push({ file: f.file, code, message: e instanceof Error ? e.message : String(e) });
      continue;
    }
    // names are how the API picks a scenario: the first file (in path order) keeps a name used twice
    if (seen.has(s.name)) {
      invalid.push({ file: f.file, code: "DuplicateScenarioName", message: `another file already names ${s.name}` });
      continue;
    }
    seen.add(s.name);
    scenarios.push({
      name: s.name,
      description: s.description ?? null,
      preset: "preset" in s.network ? s.network.preset : "explicit",
      blocks: s.run.blocks,
      step: s.run.step,
      steps: stepsOf(s),
      seed: s.seed,
      file: f.file,
    });
  }
  return { scenarios, invalid };
}

/** A shipped scenario's file by its name; undefined when none has it. */
export function findScenario(name: string, dir = SHIPPED_SCENARIOS_DIR): ScenarioFile | undefined {
  for (const f of shippedFiles(dir)) {
    try {
      if (parseScenarioText(f.text, f.file).name === name) return f;
    } catch {
      // an invalid file names nothing
    }
  }
  return undefined;
}
