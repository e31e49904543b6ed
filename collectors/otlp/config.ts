import { z } from 'zod';
import { emptyToUndefined, parseEnv } from '../../platform/config/config.ts';

const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback));

/** The receiver's environment variables (validated by platform/config's parseEnv). */
const otlpEnv = z.object({
  OTLP_MAX_BODY_BYTES: int(4 * 1024 * 1024, 1_024, 256 * 1024 * 1024),
  OTLP_MAX_DECODED_BYTES: int(16 * 1024 * 1024, 1_024, 1024 * 1024 * 1024),
  OTLP_MAX_IN_FLIGHT: int(16, 1, 10_000),
  OTLP_MAX_ITEMS_PER_SECOND: int(200_000, 1, 100_000_000),
  OTLP_WINDOW_MS: int(10_000, 100, 3_600_000),
  OTLP_MAX_SERIES: int(20_000, 1, 10_000_000),
  OTLP_POINTS_PER_SERIES: int(360, 1, 100_000),
});

export interface OtlpConfig {
  readonly maxBodyBytes: number;
  readonly maxDecodedBytes: number;
  readonly maxInFlight: number;
  readonly maxItemsPerSecond: number;
  /** Trace and log aggregation window: how often RED and log-count points are produced. */
  readonly windowMs: number;
  readonly maxSeries: number;
  readonly pointsPerSeries: number;
}

/** Reads the OTLP receiver's settings; throws ConfigError naming each bad variable. */
export function loadOtlpConfig(env: Readonly<Record<string, string | undefined>> = process.env): OtlpConfig {
  const e = parseEnv(otlpEnv, env);
  return {
    maxBodyBytes: e.OTLP_MAX_BODY_BYTES,
    maxDecodedBytes: e.OTLP_MAX_DECODED_BYTES,
    maxInFlight: e.OTLP_MAX_IN_FLIGHT,
    maxItemsPerSecond: e.OTLP_MAX_ITEMS_PER_SECOND,
    windowMs: e.OTLP_WINDOW_MS,
    maxSeries: e.OTLP_MAX_SERIES,
    pointsPerSeries: e.OTLP_POINTS_PER_SERIES,
  };
}
