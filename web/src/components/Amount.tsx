import { formatUnits, toBig } from "../lib/format.ts";

interface AmountProps {
  value: bigint | string;
  decimals?: number;
  /** shown after the number */
  unit?: string;
  /** what the raw integer counts, in the title (default: wei for 18 decimals, else "base units") */
  rawUnit?: string;
  maxFraction?: number;
  className?: string;
}

/**
 * An exact amount: the text is truncated to a few decimals, the raw integer is the element's value and title (hover),
 * so nothing is lost. `<data>` keeps the machine-readable value next to the human-readable one.
 */
export function Amount({ value, decimals = 18, unit = "ETH", rawUnit, maxFraction = 4, className }: AmountProps) {
  const raw = toBig(value);
  const rawLabel = rawUnit ?? (decimals === 18 ? "wei" : `base units (${decimals} decimals)`);
  return (
    <data
      value={raw.toString()}
      title={`${raw.toString()} ${rawLabel}`}
      className={className ? `amount ${className}` : "amount"}
    >
      {formatUnits(raw, decimals, maxFraction)}
      {unit ? <span className="unit"> {unit}</span> : null}
    </data>
  );
}
