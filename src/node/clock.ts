/**
 * The chain clock. In real-time mode the block advances every `blockTimeMs` of wall time; in manual mode it moves
 * only when the admin signs an `advanceClock` transaction. Either way the block and timestamp of every accepted
 * transaction are written to the log, so a replay never consults a clock.
 */
export type ClockConfig =
  | { mode: "manual"; blockTimeSeconds: bigint }
  | { mode: "realtime"; blockTimeSeconds: bigint; now: () => number };

export interface ChainTime {
  block: bigint;
  timestamp: bigint;
}

export const GENESIS: ChainTime = { block: 1n, timestamp: 1_767_225_600n }; // 2026-01-01T00:00:00Z

/** The time a new transaction executes at, never before the last logged time. */
export function nextTime(
  clock: ClockConfig,
  last: ChainTime,
  startedAt: { wallMs: number; time: ChainTime },
): ChainTime {
  if (clock.mode === "manual") return last;
  const elapsedBlocks = BigInt(Math.floor((clock.now() - startedAt.wallMs) / (Number(clock.blockTimeSeconds) * 1000)));
  const block = startedAt.time.block + (elapsedBlocks > 0n ? elapsedBlocks : 0n);
  if (block <= last.block) return last;
  return { block, timestamp: last.timestamp + (block - last.block) * clock.blockTimeSeconds };
}
