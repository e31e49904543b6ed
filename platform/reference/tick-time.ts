/**
 * How far ahead of the wall clock a tick may be stamped. The bar aggregator drops later ones (a bad clock
 * would close every bar) and the tick ingestion route refuses them, so no part of the platform takes a
 * tick another part drops.
 */
export const MAX_TICK_FUTURE_MS = 60_000;
