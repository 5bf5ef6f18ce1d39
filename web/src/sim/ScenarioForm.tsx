import { type ChangeEvent, type FormEvent, type ReactNode, useState } from "react";
import { ApiError } from "../api/client.ts";
import { errorText, Loading } from "../components/ui.tsx";
import { useScenarios } from "./hooks.ts";
import type { ScenarioSource } from "./types.ts";

/**
 * Which scenario to run: a shipped one (picked from the node's list), or one of your own (a file read in the
 * browser, or text pasted), plus a seed. `extra` holds the Monte Carlo fields; `onSubmit` receives the source and
 * the seed (undefined = the scenario's own).
 */

export interface ScenarioChoice {
  source: ScenarioSource;
  seed: number | undefined;
}

/** the PRNG takes a 32-bit seed */
const SEED_MAX = 0xffff_ffff;

export function ScenarioForm({
  idPrefix,
  submitLabel,
  pending,
  error,
  onSubmit,
  extra,
  validateExtra,
}: {
  idPrefix: string;
  submitLabel: string;
  pending: boolean;
  /** the last submission's failure (a scenario error shows its line and path) */
  error: Error | null;
  onSubmit: (choice: ScenarioChoice) => void;
  extra?: ReactNode;
  /** checks the extra fields; returns a message when they are wrong */
  validateExtra?: () => string | null;
}) {
  const scenarios = useScenarios();
  const [mode, setMode] = useState<"shipped" | "own">("shipped");
  const [picked, setPicked] = useState("");
  const [yaml, setYaml] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [seed, setSeed] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const ids = {
    shipped: `${idPrefix}-shipped`,
    own: `${idPrefix}-own`,
    select: `${idPrefix}-select`,
    file: `${idPrefix}-file`,
    text: `${idPrefix}-yaml`,
    seed: `${idPrefix}-seed`,
    seedHint: `${idPrefix}-seed-hint`,
    problem: `${idPrefix}-problem`,
  };
  const list = scenarios.data?.scenarios ?? [];
  const chosen = list.find((s) => s.name === (picked || list[0]?.name));

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f === undefined) return;
    setYaml(await f.text());
    setFileName(f.name);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let source: ScenarioSource;
    if (mode === "shipped") {
      if (chosen === undefined) return setProblem("Pick a scenario (the node lists none yet).");
      source = { scenario: chosen.name };
    } else {
      if (yaml.trim() === "") return setProblem("Upload a scenario file or paste its YAML.");
      source = { yaml, name: fileName ?? "pasted scenario" };
    }
    const s = seed.trim();
    if (s !== "" && !(/^\d{1,10}$/.test(s) && Number(s) <= SEED_MAX)) {
      return setProblem(`The seed is a whole number from 0 to ${SEED_MAX.toLocaleString("en-US")}.`);
    }
    const bad = validateExtra?.() ?? null;
    if (bad !== null) return setProblem(bad);
    setProblem(null);
    onSubmit({ source, seed: s === "" ? undefined : Number(s) });
  };

  return (
    <form className="sim-form" onSubmit={submit} noValidate aria-describedby={problem ? ids.problem : undefined}>
      <fieldset className="sim-source">
        <legend>Scenario</legend>
        <div className="sim-radios">
          <label htmlFor={ids.shipped}>
            <input
              type="radio"
              id={ids.shipped}
              name={`${idPrefix}-mode`}
              checked={mode === "shipped"}
              onChange={() => setMode("shipped")}
            />{" "}
            Shipped scenario
          </label>
          <label htmlFor={ids.own}>
            <input
              type="radio"
              id={ids.own}
              name={`${idPrefix}-mode`}
              checked={mode === "own"}
              onChange={() => setMode("own")}
            />{" "}
            Your own (upload or paste)
          </label>
        </div>
        {mode === "shipped" ? (
          scenarios.error ? (
            <p className="field-error" role="alert">
              Could not load the shipped scenarios: {errorText(scenarios.error)}
            </p>
          ) : scenarios.data === undefined ? (
            <Loading what="scenarios" />
          ) : list.length === 0 ? (
            <p className="state state-empty">The node ships no scenarios: upload or paste one.</p>
          ) : (
            <div className="sim-field">
              <label htmlFor={ids.select}>Scenario to run</label>
              <select id={ids.select} value={chosen?.name ?? ""} onChange={(e) => setPicked(e.target.value)}>
                {list.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name} ({s.preset}, {s.blocks.toLocaleString("en-US")} blocks)
                  </option>
                ))}
              </select>
              {chosen ? (
                <p className="muted sim-desc">
                  {chosen.description ?? "No description."} <span className="sim-file">{chosen.file}</span>
                </p>
              ) : null}
            </div>
          )
        ) : (
          <div className="sim-own">
            <div className="sim-field">
              <label htmlFor={ids.file}>Upload a scenario file (.yaml)</label>
              <input id={ids.file} type="file" accept=".yaml,.yml,text/yaml,application/yaml" onChange={readFile} />
            </div>
            <div className="sim-field">
              <label htmlFor={ids.text}>Or paste its YAML{fileName ? ` (read from ${fileName})` : ""}</label>
              <textarea
                id={ids.text}
                rows={10}
                spellCheck={false}
                value={yaml}
                onChange={(e) => {
                  setYaml(e.target.value);
                  setFileName(null);
                }}
                placeholder={"name: my-scenario\nnetwork:\n  preset: small\nrun:\n  blocks: 600\n…"}
              />
            </div>
          </div>
        )}
      </fieldset>
      <div className="sim-row">
        <div className="sim-field">
          <label htmlFor={ids.seed}>Seed</label>
          <input
            id={ids.seed}
            type="text"
            inputMode="numeric"
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            placeholder={chosen && mode === "shipped" ? String(chosen.seed) : "scenario's"}
            aria-describedby={ids.seedHint}
          />
          <span id={ids.seedHint} className="muted sim-hint">
            Empty: the scenario's seed. The same seed gives the same hash.
          </span>
        </div>
        {extra}
        <div className="sim-submit">
          <button type="submit" className="button" disabled={pending} aria-busy={pending}>
            {pending ? "Starting…" : submitLabel}
          </button>
        </div>
      </div>
      {problem ? (
        <p id={ids.problem} className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {error ? <ScenarioErrorView error={error} yaml={mode === "own" ? yaml : null} /> : null}
    </form>
  );
}

/** A failed start: a scenario error names its line, column and path (and quotes the line of pasted text). */
export function ScenarioErrorView({ error, yaml }: { error: Error; yaml: string | null }) {
  const ctx = error instanceof ApiError ? error.context : undefined;
  const line = typeof ctx?.line === "number" ? ctx.line : null;
  const column = typeof ctx?.column === "number" ? ctx.column : null;
  const path = typeof ctx?.path === "string" ? ctx.path : null;
  const quoted = line !== null && yaml !== null ? yaml.split(/\r?\n/)[line - 1] : undefined;
  const title =
    error instanceof ApiError && error.code.startsWith("Scenario")
      ? "The scenario is not valid."
      : error instanceof ApiError && error.code === "SimQueueFull"
        ? "The node is busy."
        : "Could not start.";
  return (
    <div className="state state-error" role="alert" data-testid="sim-start-error">
      <p>
        <strong>{title}</strong> {errorText(error)}
      </p>
      {line !== null ? (
        <p className="sim-where">
          Line <span data-testid="error-line">{line}</span>
          {column !== null ? `, column ${column}` : ""}
          {path ? (
            <>
              {" "}
              at <code data-testid="error-path">{path}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {quoted !== undefined ? (
        <pre className="sim-quote">
          <span aria-hidden="true">{line} | </span>
          {quoted}
        </pre>
      ) : null}
    </div>
  );
}
