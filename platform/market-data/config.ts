import { z } from 'zod';
import { commaList, emptyToUndefined, parseEnv } from '../config/config.ts';
import type { AdmissionSettings } from './stream/admission.ts';
import type { HubOptions } from './stream/fanout-hub.ts';
import type { SymbolBounds } from './tracked-symbols.ts';

const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback));

const origin = z.url({ protocol: /^https?$/, error: 'must be http(s) origins like https://app.example.com' });

/** The market-data service's environment variables (validated by platform/config's parseEnv). */
const marketDataEnv = z.object({
  WS_MAX_CONNECTIONS: int(20_000, 1, 1_000_000),
  WS_MAX_CONNECTIONS_PER_ADDRESS: int(100, 1, 1_000_000),
  WS_ALLOWED_ORIGINS: commaList(origin),
  PUBLIC_URL: z.preprocess(emptyToUndefined, origin.optional()),
  WS_MAX_MESSAGES_PER_SECOND: int(50, 1, 100_000),
  WS_SESSION_TTL_MS: int(60_000, 1_000, 3_600_000),
  WS_MAX_RETAINED_SESSIONS: int(10_000, 0, 1_000_000),
  WS_MAX_RETAINED_PER_ADDRESS: int(100, 0, 1_000_000),
  MARKET_MAX_FEED_SYMBOLS: int(1_000, 0, 1_000_000),
  MARKET_SYMBOL_IDLE_MS: int(3_600_000, 60_000, 30 * 86_400_000),
});

export interface MarketDataConfig {
  readonly admission: AdmissionSettings;
  readonly stream: Pick<
    HubOptions,
    'maxMessagesPerSecond' | 'sessionTtlMs' | 'maxRetainedSessions' | 'maxRetainedPerAddress'
  >;
  readonly symbols: SymbolBounds;
}

/** Reads the market-data service's settings; throws ConfigError naming each bad variable. */
export function loadMarketDataConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MarketDataConfig {
  const e = parseEnv(marketDataEnv, env);
  return {
    admission: {
      maxConnections: e.WS_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.WS_MAX_CONNECTIONS_PER_ADDRESS,
      allowedOrigins: e.WS_ALLOWED_ORIGINS,
      ...(e.PUBLIC_URL === undefined ? {} : { publicUrl: e.PUBLIC_URL }),
    },
    stream: {
      maxMessagesPerSecond: e.WS_MAX_MESSAGES_PER_SECOND,
      sessionTtlMs: e.WS_SESSION_TTL_MS,
      maxRetainedSessions: e.WS_MAX_RETAINED_SESSIONS,
      maxRetainedPerAddress: e.WS_MAX_RETAINED_PER_ADDRESS,
    },
    symbols: { maxFeedSymbols: e.MARKET_MAX_FEED_SYMBOLS, idleMs: e.MARKET_SYMBOL_IDLE_MS },
  };
}
