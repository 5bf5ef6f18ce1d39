/**
 * The one error a bad scenario file gives. It points at a place in the file (line and column, 1-based) and at a
 * path in the scenario (`timeline[2].operators[0]`), so that `toString()` reads like a compiler's message:
 * `scenario.yaml:14:7 timeline[2].avs: unknown AVS "avs-99" (the network has avs-0 … avs-11)`.
 */
export type ScenarioErrorCode =
  /** the file cannot be read (missing, a directory, not UTF-8) */
  | "ScenarioRead"
  /** not well-formed YAML (the YAML parser's own line and column) */
  | "ScenarioSyntax"
  /** the shape is wrong: unknown keys, wrong types, values out of range, events out of order */
  | "ScenarioSchema"
  /** a name that is not in the network (an operator, AVS, client, LRT, oracle, market, chain), or a duplicate id */
  | "ScenarioReference"
  /** the network's own generator rejected the preset parameters */
  | "ScenarioNetwork";

export interface ScenarioErrorInit {
  code: ScenarioErrorCode;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  /** the path in the scenario; "" for the file as a whole */
  path?: string | undefined;
}

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly code: ScenarioErrorCode;
  /** the file name as given to the parser ("scenario" when none was) */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;

  constructor(init: ScenarioErrorInit) {
    super(init.message);
    this.code = init.code;
    this.file = init.file ?? "scenario";
    this.line = init.line ?? 1;
    this.column = init.column ?? 1;
    this.path = init.path ?? "";
  }

  /** `file:line:column path: message` (the path is left out when the error is about the whole file) */
  override toString(): string {
    const where = `${this.file}:${this.line}:${this.column}`;
    return this.path === "" ? `${where} ${this.message}` : `${where} ${this.path}: ${this.message}`;
  }
}

export function isScenarioError(e: unknown, code?: ScenarioErrorCode): e is ScenarioError {
  return e instanceof ScenarioError && (code === undefined || e.code === code);
}
