import { join } from 'node:path';
import { z } from 'zod';

/** Raised when the environment does not describe a valid configuration; names every bad variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** An empty variable counts as unset, so `FOO=` falls back to the default. */
export const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The trimmed, non-empty items of a comma-separated variable. */
export const commaItems = (s: string): string[] =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/** A comma-separated list variable, empty when unset, each item checked by `item`. */
export const commaList = (item: z.ZodType<string, string>): z.ZodType<string[]> =>
  z.preprocess(emptyToUndefined, z.string().default('').transform(commaItems).pipe(z.array(item)));

const brokerList = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .transform(commaItems)
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'each broker must be host:port'))
        .min(1, 'must list at least one host:port'),
    )
    .optional(),
);

const httpUrl = z.preprocess(
  emptyToUndefined,
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
);

/** A true/false variable (also 1/0, yes/no) with a default; shared by every module's settings. */
export const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** A whole number in [1, max] with a default. */
export const positiveInt = (fallback: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int('must be a whole number').min(1).max(max).default(fallback));

const samplerNames = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const ratio = z.coerce.number({ error: 'must be a number from 0 to 1' }).min(0).max(1);

const envSchema = z.object({
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65535).default(8080),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  WEB_BUILD_CACHE_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  BUS_DURABLE: bool(true),
  BUS_PARTITIONS: positiveInt(8, 1024),
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().default('insitechart')),
  ELASTICSEARCH_URL: httpUrl,
  ELASTICSEARCH_LOG_INDEX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a lower-case index name')
      .default('insitechart-logs'),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().default('insitechart')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
  SERVICES: z.preprocess(emptyToUndefined, z.string().default('all')),
  MARKET_SYMBOLS: positiveInt(20, 10_000),
  MARKET_TICK_INTERVAL_MS: positiveInt(250, 60_000),
  MARKET_FEED: z.preprocess(
    emptyToUndefined,
    z.enum(['simulated', 'replay', 'yahoo'], { error: 'must be simulated, replay or yahoo' }).default('simulated'),
  ),
  MARKET_SEED: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int('must be a whole number')
      .min(0)
      .max(2 ** 32 - 1)
      .default(42),
  ),
  MARKET_SESSION_CLOCK: z.preprocess(
    emptyToUndefined,
    z
      .enum(['compressed', 'exchange', 'regular'], { error: 'must be compressed, exchange or regular' })
      .default('compressed'),
  ),
  MARKET_SESSION_DAY_MS: positiveInt(30 * 60_000, 7 * 24 * 3_600_000),
  MARKET_BACKFILL_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int('must be a whole number').min(0).max(2_520).default(756),
  ),
  MARKET_REPLAY_DIR: z.preprocess(emptyToUndefined, z.string().default('../shared/data/market/daily')),
  MARKET_REPLAY_DAY_MS: positiveInt(2_000, 24 * 3_600_000),
  MARKET_REPLAY_FROM: z.preprocess(emptyToUndefined, z.iso.date({ error: 'must be a date YYYY-MM-DD' }).optional()),
  MARKET_YAHOO_POLL_MS: positiveInt(5_000, 3_600_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 600_000),
  EVENT_LOOP_WINDOW_MS: positiveInt(1_000, 300_000),
  ALERTS_CONFIG: z.preprocess(emptyToUndefined, z.string().optional()),
  // Alertmanager's resolve_timeout; above Alertmanager's default repeat_interval (4 h), so its re-sends keep an alert.
  ALERTS_RESOLVE_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int('must be a whole number')
      .min(60_000, 'must be at least 60000 (a minute)')
      .max(30 * 86_400_000)
      .default(86_400_000),
  ),
  // The OpenTelemetry SDK's own sampling variables, checked here so a typo stops the start (exit 2)
  // instead of a diagnostic nobody reads and a silent fallback.
  OTEL_TRACES_SAMPLER: z.preprocess(
    emptyToUndefined,
    z.enum(samplerNames, { error: `must be one of ${samplerNames.join(', ')}` }).optional(),
  ),
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(emptyToUndefined, ratio.optional()),
  TRACES_TICK_RATIO: z.preprocess(emptyToUndefined, ratio.default(0.01)),
});

export type Env = Readonly<Record<string, string | undefined>>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Where the web app's build is kept between starts (DATA_DIR/web-build unless set; platform/web/build-cache.ts). */
  readonly webBuildCacheDir: string;
  readonly bus: {
    readonly durable: boolean;
    readonly partitions: number;
    readonly kafka?: { readonly brokers: readonly string[]; readonly clientId: string };
  };
  readonly elasticsearch?: { readonly url: string; readonly logIndex: string };
  readonly otlpEndpoint?: string;
  readonly serviceName: string;
  /**
   * Trace sampling. Without OTEL_TRACES_SAMPLER: parent-based, every root sampled except tick batches
   * (market.ticks), kept at `tickRatio`. With it, the SDK's standard samplers apply as configured.
   */
  readonly tracing: { readonly standardSampler: boolean; readonly tickRatio: number };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Which services this process runs: 'all' or a comma-separated list of service names. */
  readonly services: 'all' | readonly string[];
  readonly market: {
    readonly symbols: number;
    readonly tickIntervalMs: number;
    /** Which feed collectors/market runs (see collectors/market/README.md). */
    readonly feed: 'simulated' | 'replay' | 'yahoo';
    readonly seed: number;
    /** The simulated feed's session clock: a compressed day, the real exchange clock, or always-regular. */
    readonly sessionClock: 'compressed' | 'exchange' | 'regular';
    readonly sessionDayMs: number;
    /** Trading days of history the simulated feed backfills on its first start (0: none). */
    readonly backfillDays: number;
    readonly replayDir: string;
    /** Wall-clock milliseconds to replay one trading day. */
    readonly replayDayMs: number;
    /** Replays from this trading day (YYYY-MM-DD) on; the first day of the files when absent. */
    readonly replayFrom?: string;
    readonly yahooPollMs: number;
  };
  readonly shutdownTimeoutMs: number;
  /** The event-loop delay gauges describe windows this long (the sampling or scrape interval). */
  readonly eventLoopWindowMs: number;
  /** The alert pipeline's JSON configuration file (routing tree, on-call, channels); see platform/alerts/README.md. */
  readonly alerts: {
    readonly configFile?: string;
    /** A firing alert not received again within this long is taken as resolved (platform/alerts/resolve-timeout.ts). */
    readonly resolveTimeoutMs: number;
  };
}

/**
 * Validates environment variables against a schema; throws ConfigError naming each bad variable. Modules
 * with settings of their own (the OTLP receiver, the detector tier) read their variables through it too.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  return parsed.data;
}

/** Reads and validates configuration from environment variables; throws ConfigError naming each bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const e = parseEnv(envSchema, env);
  const services =
    e.SERVICES.trim() === 'all'
      ? 'all'
      : e.SERVICES.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    webBuildCacheDir: e.WEB_BUILD_CACHE_DIR ?? join(e.DATA_DIR, 'web-build'),
    bus: {
      durable: e.BUS_DURABLE,
      partitions: e.BUS_PARTITIONS,
      ...(e.KAFKA_BROKERS ? { kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID } } : {}),
    },
    ...(e.ELASTICSEARCH_URL
      ? { elasticsearch: { url: e.ELASTICSEARCH_URL, logIndex: e.ELASTICSEARCH_LOG_INDEX } }
      : {}),
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    serviceName: e.OTEL_SERVICE_NAME,
    tracing: { standardSampler: e.OTEL_TRACES_SAMPLER !== undefined, tickRatio: e.TRACES_TICK_RATIO },
    logLevel: e.LOG_LEVEL,
    services,
    market: {
      symbols: e.MARKET_SYMBOLS,
      tickIntervalMs: e.MARKET_TICK_INTERVAL_MS,
      feed: e.MARKET_FEED,
      seed: e.MARKET_SEED,
      sessionClock: e.MARKET_SESSION_CLOCK,
      sessionDayMs: e.MARKET_SESSION_DAY_MS,
      backfillDays: e.MARKET_BACKFILL_DAYS,
      replayDir: e.MARKET_REPLAY_DIR,
      replayDayMs: e.MARKET_REPLAY_DAY_MS,
      ...(e.MARKET_REPLAY_FROM === undefined ? {} : { replayFrom: e.MARKET_REPLAY_FROM }),
      yahooPollMs: e.MARKET_YAHOO_POLL_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    eventLoopWindowMs: e.EVENT_LOOP_WINDOW_MS,
    alerts: {
      ...(e.ALERTS_CONFIG !== undefined ? { configFile: e.ALERTS_CONFIG } : {}),
      resolveTimeoutMs: e.ALERTS_RESOLVE_TIMEOUT_MS,
    },
  };
}
