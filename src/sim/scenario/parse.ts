import type { NetworkNames } from "../network/types.ts";
import { checkReferences, checkScenario } from "./checks.ts";
import { ScenarioError, type ScenarioErrorCode } from "./errors.ts";
import { formatPath, problemsOf } from "./issues.ts";
import { scenarioSchema } from "./schema.ts";
import type { NetworkSpec, Scenario } from "./types.ts";
import { locate, type Problem, readYaml, type YamlFile } from "./yamlTree.ts";

export interface ParseOptions {
  /** the file name errors carry (as the user wrote it) */
  file?: string;
  /** the ids the network will have (src/sim/network/names.ts); without it, references are not checked */
  names?: (spec: NetworkSpec) => NetworkNames;
}

/**
 * Parses and validates a scenario file. A bad file throws one `ScenarioError`, the first problem in document order
 * of the first phase that finds any: YAML syntax, then the schema, then the timeline's order and an explicit
 * network's own references, then (with `names`) every name against the network. Nothing is built or run.
 */
export function parseScenario(text: string, opts: ParseOptions = {}): Scenario {
  const read = readYaml(text);
  if (!read.ok) {
    throw new ScenarioError({ code: "ScenarioSyntax", file: opts.file, ...read.place, message: read.message });
  }
  const { file, value } = read;
  const fail = (problems: Problem[], code: ScenarioErrorCode) => firstError(file, problems, code, opts.file);
  if (value === null) {
    throw fail([{ path: [], message: "the file is empty (a scenario needs name, network and run)" }], "ScenarioSchema");
  }
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) throw fail(problemsOf(parsed.error.issues, value), "ScenarioSchema");
  const scenario = parsed.data;
  const own = checkScenario(scenario);
  if (own.length > 0) throw fail(own, "ScenarioSchema");
  if (opts.names !== undefined) {
    let names: NetworkNames;
    try {
      names = opts.names(scenario.network);
    } catch (e) {
      // the generator's own rule (src/sim/network/presets.ts), on the preset's parameters
      const spec = value as { network: Record<string, unknown> };
      const at = "explicit" in scenario.network ? "explicit" : "params" in spec.network ? "params" : "preset";
      const code = (e as { code?: unknown }).code;
      const message = String((e as Error)?.message ?? e).replace(typeof code === "string" ? `${code}: ` : "", "");
      throw fail([{ path: ["network", at], message }], "ScenarioNetwork");
    }
    const refs = checkReferences(scenario, names);
    if (refs.length > 0) throw fail(refs, "ScenarioReference");
  }
  return scenario;
}

/** The problem that comes first in the file (ties: the first found), as the error. */
function firstError(file: YamlFile, problems: Problem[], code: ScenarioErrorCode, name?: string): ScenarioError {
  let best: { p: Problem; place: ReturnType<typeof locate> } | undefined;
  for (const p of problems) {
    const place = locate(file, p.path, p.at);
    if (best === undefined || place.offset < best.place.offset) best = { p, place };
  }
  const { p, place } = best!;
  return new ScenarioError({
    code: p.code ?? code,
    file: name,
    line: place.line,
    column: place.column,
    path: formatPath(p.path),
    message: p.message,
  });
}
