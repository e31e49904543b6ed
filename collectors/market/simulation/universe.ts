import { instruments, sectors, type Instrument } from '../../../platform/reference/instruments.ts';
import { seededRandom } from '../../../platform/random/seeded.ts';

/**
 * The catalog ordered for simulation: round-robin over sectors, most traded (by dollar volume) first, so
 * any prefix of it is a diversified market (the first 12 cover every sector).
 */
function diversifiedOrder(): Instrument[] {
  const bySector = sectors.map((sector) =>
    instruments
      .filter((i) => i.sector === sector)
      .sort((a, b) => b.avgDailyVolume * b.basePrice - a.avgDailyVolume * a.basePrice),
  );
  const ordered: Instrument[] = [];
  for (let rank = 0; ordered.length < instruments.length; rank++) {
    for (const list of bySector) {
      const next = list[rank];
      if (next !== undefined) ordered.push(next);
    }
  }
  return ordered;
}

const ordered = diversifiedOrder();

/**
 * `count` instruments to simulate: the catalog first, then synthetic stocks (SYM122, SYM123, ...) spread
 * over the sectors with plausible, deterministic parameters, for load tests beyond the catalog.
 */
export function symbolUniverse(count: number): Instrument[] {
  const chosen = ordered.slice(0, count);
  const random = seededRandom(7);
  const stockSectors = sectors.filter((s) => s !== 'Broad Market');
  for (let n = chosen.length; n < count; n++) {
    chosen.push({
      symbol: `SYM${String(n + 1)}`,
      name: `Synthetic Stock ${String(n + 1)}`,
      kind: 'stock',
      sector: stockSectors[n % stockSectors.length] ?? 'Industrials',
      exchange: 'XNYS',
      currency: 'USD',
      timeZone: 'America/New_York',
      basePrice: Math.round((10 + random() * 290) * 100) / 100,
      avgDailyVolume: Math.round(500_000 + random() * 10_000_000),
      beta: 0.6 + random() * 0.9,
      volatility: 0.18 + random() * 0.3,
    });
  }
  return chosen;
}
