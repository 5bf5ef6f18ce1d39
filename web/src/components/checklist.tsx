import type { Checklist, Severity } from "../api/types.ts";
import { Badge } from "./ui.tsx";

/** Severity as a badge: the word is always shown, so colour is never the only signal. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  const tone = severity === "info" ? "info" : severity === "low" ? "ok" : severity === "medium" ? "warn" : "bad";
  return (
    <Badge tone={tone}>
      <span data-severity={severity}>{severity}</span>
    </Badge>
  );
}

/**
 * The LRT evaluation checklist (GET /api/risk/checklist/{lrt}): one row per question of the guide, its severity and
 * a one-line answer; the findings behind it open on demand (a native <details>, so keyboard and screen readers work
 * without scripting).
 */
export function ChecklistView({ checklist }: { checklist: Checklist }) {
  return (
    <ol className="checklist" aria-label={`Evaluation checklist for ${checklist.symbol}`}>
      {checklist.items.map((item) => (
        <li key={item.key} className="checklist-item" data-item={item.key} data-severity={item.severity}>
          <details>
            <summary>
              <SeverityBadge severity={item.severity} />
              <span className="checklist-question">{item.question}</span>
              <span className="checklist-summary">{item.summary}</span>
            </summary>
            {item.findings.length === 0 ? (
              <p className="muted">
                {item.computed ? "Nothing crossed a threshold." : "The state cannot answer this; check it yourself."}
              </p>
            ) : (
              <ul className="checklist-findings">
                {item.findings.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            )}
          </details>
        </li>
      ))}
    </ol>
  );
}
