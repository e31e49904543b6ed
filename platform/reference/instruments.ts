/**
 * Reference data: the instruments the platform knows, with the exchange they list on and the figures the
 * simulated feed starts from (a plausible price, average daily volume, beta to the market, annualised
 * volatility). Prices and volumes are rounded, late-2025 orders of magnitude, not quotes.
 */

import { usTradingDay, type TradingDay } from './exchange-calendar.ts';

/** GICS sectors, plus 'Broad Market' for index ETFs. */
export const sectors = [
  'Information Technology',
  'Communication Services',
  'Consumer Discretionary',
  'Consumer Staples',
  'Energy',
  'Financials',
  'Health Care',
  'Industrials',
  'Materials',
  'Real Estate',
  'Utilities',
  'Broad Market',
] as const;

export type Sector = (typeof sectors)[number];

export type ExchangeCode = 'XNAS' | 'XNYS' | 'ARCX';

export interface Exchange {
  /** ISO 10383 market identifier code. */
  readonly mic: ExchangeCode;
  readonly name: string;
  /** IANA time zone of the exchange: bar buckets and sessions are computed in it. */
  readonly timeZone: string;
  /** Session boundaries as minutes after local midnight: [start, end), on a full trading day. */
  readonly sessions: {
    readonly pre: readonly [number, number];
    readonly regular: readonly [number, number];
    readonly post: readonly [number, number];
  };
  /** Whether it trades on a local date (YYYY-MM-DD), and when its regular session closes that day. */
  readonly calendar: (date: string) => TradingDay;
}

const usSessions = { pre: [4 * 60, 9 * 60 + 30], regular: [9 * 60 + 30, 16 * 60], post: [16 * 60, 20 * 60] } as const;

export const exchanges: Readonly<Record<ExchangeCode, Exchange>> = {
  XNAS: { mic: 'XNAS', name: 'NASDAQ', timeZone: 'America/New_York', sessions: usSessions, calendar: usTradingDay },
  XNYS: {
    mic: 'XNYS',
    name: 'New York Stock Exchange',
    timeZone: 'America/New_York',
    sessions: usSessions,
    calendar: usTradingDay,
  },
  ARCX: { mic: 'ARCX', name: 'NYSE Arca', timeZone: 'America/New_York', sessions: usSessions, calendar: usTradingDay },
};

export interface Instrument {
  readonly symbol: string;
  readonly name: string;
  readonly kind: 'stock' | 'etf';
  readonly sector: Sector;
  readonly exchange: ExchangeCode;
  readonly currency: 'USD';
  readonly timeZone: string;
  /** A plausible recent price in `currency`. */
  readonly basePrice: number;
  /** Average shares traded per day. */
  readonly avgDailyVolume: number;
  /** Sensitivity to the broad market. */
  readonly beta: number;
  /** Annualised volatility of daily returns. */
  readonly volatility: number;
}

type Row = readonly [
  symbol: string,
  name: string,
  exchange: ExchangeCode,
  basePrice: number,
  avgDailyVolumeMillions: number,
  beta: number,
  volatility: number,
];

const bySector: Readonly<Record<Exclude<Sector, 'Broad Market'>, readonly Row[]>> = {
  'Information Technology': [
    ['AAPL', 'Apple Inc.', 'XNAS', 230, 55, 1.2, 0.28],
    ['MSFT', 'Microsoft Corporation', 'XNAS', 420, 21, 1.1, 0.25],
    ['NVDA', 'NVIDIA Corporation', 'XNAS', 135, 250, 1.7, 0.5],
    ['AVGO', 'Broadcom Inc.', 'XNAS', 230, 30, 1.3, 0.45],
    ['ORCL', 'Oracle Corporation', 'XNYS', 180, 10, 1.0, 0.35],
    ['CRM', 'Salesforce, Inc.', 'XNYS', 290, 7, 1.2, 0.33],
    ['ADBE', 'Adobe Inc.', 'XNAS', 450, 3.5, 1.2, 0.33],
    ['AMD', 'Advanced Micro Devices, Inc.', 'XNAS', 130, 45, 1.7, 0.5],
    ['CSCO', 'Cisco Systems, Inc.', 'XNAS', 60, 20, 0.9, 0.22],
    ['ACN', 'Accenture plc', 'XNYS', 350, 2.5, 1.1, 0.26],
    ['IBM', 'International Business Machines Corporation', 'XNYS', 240, 4.5, 0.8, 0.25],
    ['INTC', 'Intel Corporation', 'XNAS', 22, 70, 1.1, 0.5],
    ['QCOM', 'QUALCOMM Incorporated', 'XNAS', 160, 8, 1.3, 0.38],
    ['TXN', 'Texas Instruments Incorporated', 'XNAS', 190, 6, 1.1, 0.3],
    ['INTU', 'Intuit Inc.', 'XNAS', 640, 1.6, 1.2, 0.32],
    ['NOW', 'ServiceNow, Inc.', 'XNYS', 950, 1.3, 1.2, 0.36],
    ['AMAT', 'Applied Materials, Inc.', 'XNAS', 170, 7, 1.5, 0.42],
    ['MU', 'Micron Technology, Inc.', 'XNAS', 100, 22, 1.4, 0.5],
  ],
  'Communication Services': [
    ['GOOGL', 'Alphabet Inc. Class A', 'XNAS', 175, 28, 1.05, 0.3],
    ['META', 'Meta Platforms, Inc.', 'XNAS', 600, 14, 1.25, 0.38],
    ['NFLX', 'Netflix, Inc.', 'XNAS', 900, 3.5, 1.3, 0.38],
    ['DIS', 'The Walt Disney Company', 'XNYS', 110, 9, 1.2, 0.28],
    ['CMCSA', 'Comcast Corporation', 'XNAS', 38, 20, 0.9, 0.25],
    ['T', 'AT&T Inc.', 'XNYS', 27, 35, 0.6, 0.2],
    ['VZ', 'Verizon Communications Inc.', 'XNYS', 42, 18, 0.45, 0.2],
    ['TMUS', 'T-Mobile US, Inc.', 'XNAS', 240, 4, 0.6, 0.22],
  ],
  'Consumer Discretionary': [
    ['AMZN', 'Amazon.com, Inc.', 'XNAS', 210, 42, 1.2, 0.32],
    ['TSLA', 'Tesla, Inc.', 'XNAS', 340, 95, 2.0, 0.65],
    ['HD', 'The Home Depot, Inc.', 'XNYS', 390, 3.5, 1.0, 0.24],
    ['MCD', "McDonald's Corporation", 'XNYS', 295, 3.3, 0.7, 0.18],
    ['NKE', 'NIKE, Inc.', 'XNYS', 75, 12, 1.1, 0.33],
    ['LOW', "Lowe's Companies, Inc.", 'XNYS', 250, 2.8, 1.0, 0.26],
    ['SBUX', 'Starbucks Corporation', 'XNAS', 95, 9, 0.95, 0.3],
    ['BKNG', 'Booking Holdings Inc.', 'XNAS', 5000, 0.25, 1.3, 0.3],
    ['TJX', 'The TJX Companies, Inc.', 'XNYS', 125, 5, 0.8, 0.2],
    ['GM', 'General Motors Company', 'XNYS', 50, 12, 1.4, 0.35],
  ],
  'Consumer Staples': [
    ['WMT', 'Walmart Inc.', 'XNYS', 95, 16, 0.55, 0.2],
    ['PG', 'The Procter & Gamble Company', 'XNYS', 165, 6.5, 0.45, 0.16],
    ['KO', 'The Coca-Cola Company', 'XNYS', 68, 13, 0.55, 0.15],
    ['PEP', 'PepsiCo, Inc.', 'XNAS', 150, 6, 0.55, 0.17],
    ['COST', 'Costco Wholesale Corporation', 'XNAS', 930, 2, 0.8, 0.22],
    ['PM', 'Philip Morris International Inc.', 'XNYS', 150, 5.5, 0.5, 0.22],
    ['MO', 'Altria Group, Inc.', 'XNYS', 57, 8, 0.6, 0.2],
    ['MDLZ', 'Mondelez International, Inc.', 'XNAS', 62, 8, 0.55, 0.2],
    ['CL', 'Colgate-Palmolive Company', 'XNYS', 88, 4.5, 0.45, 0.17],
    ['KMB', 'Kimberly-Clark Corporation', 'XNAS', 130, 2.2, 0.4, 0.18],
  ],
  Energy: [
    ['XOM', 'Exxon Mobil Corporation', 'XNYS', 112, 15, 0.85, 0.26],
    ['CVX', 'Chevron Corporation', 'XNYS', 155, 8, 0.9, 0.26],
    ['COP', 'ConocoPhillips', 'XNYS', 98, 7, 1.0, 0.3],
    ['EOG', 'EOG Resources, Inc.', 'XNYS', 125, 3.5, 0.95, 0.3],
    ['SLB', 'Schlumberger Limited', 'XNYS', 38, 13, 1.1, 0.35],
    ['PSX', 'Phillips 66', 'XNYS', 130, 3, 1.1, 0.32],
    ['MPC', 'Marathon Petroleum Corporation', 'XNYS', 160, 2.8, 1.1, 0.33],
    ['OXY', 'Occidental Petroleum Corporation', 'XNYS', 45, 12, 1.2, 0.35],
  ],
  Financials: [
    ['JPM', 'JPMorgan Chase & Co.', 'XNYS', 270, 9, 1.05, 0.24],
    ['BAC', 'Bank of America Corporation', 'XNYS', 46, 35, 1.25, 0.28],
    ['WFC', 'Wells Fargo & Company', 'XNYS', 78, 16, 1.2, 0.28],
    ['GS', 'The Goldman Sachs Group, Inc.', 'XNYS', 650, 2.4, 1.3, 0.3],
    ['MS', 'Morgan Stanley', 'XNYS', 135, 7, 1.3, 0.3],
    ['C', 'Citigroup Inc.', 'XNYS', 80, 14, 1.4, 0.32],
    ['V', 'Visa Inc.', 'XNYS', 340, 7, 0.95, 0.2],
    ['MA', 'Mastercard Incorporated', 'XNYS', 560, 3, 1.05, 0.21],
    ['AXP', 'American Express Company', 'XNYS', 310, 3, 1.2, 0.28],
    ['BLK', 'BlackRock, Inc.', 'XNYS', 1000, 0.7, 1.2, 0.26],
    ['SCHW', 'The Charles Schwab Corporation', 'XNYS', 80, 9, 1.0, 0.3],
    ['BRK.B', 'Berkshire Hathaway Inc. Class B', 'XNYS', 480, 4, 0.85, 0.17],
  ],
  'Health Care': [
    ['JNJ', 'Johnson & Johnson', 'XNYS', 160, 7.5, 0.5, 0.17],
    ['UNH', 'UnitedHealth Group Incorporated', 'XNYS', 320, 8, 0.6, 0.35],
    ['LLY', 'Eli Lilly and Company', 'XNYS', 800, 3.5, 0.45, 0.32],
    ['PFE', 'Pfizer Inc.', 'XNYS', 26, 40, 0.6, 0.25],
    ['MRK', 'Merck & Co., Inc.', 'XNYS', 90, 12, 0.4, 0.24],
    ['ABBV', 'AbbVie Inc.', 'XNYS', 190, 6, 0.6, 0.24],
    ['TMO', 'Thermo Fisher Scientific Inc.', 'XNYS', 520, 1.8, 0.8, 0.25],
    ['ABT', 'Abbott Laboratories', 'XNYS', 128, 5.5, 0.7, 0.2],
    ['DHR', 'Danaher Corporation', 'XNYS', 200, 3.5, 0.85, 0.26],
    ['AMGN', 'Amgen Inc.', 'XNAS', 290, 2.8, 0.5, 0.24],
    ['BMY', 'Bristol-Myers Squibb Company', 'XNYS', 48, 12, 0.45, 0.25],
    ['GILD', 'Gilead Sciences, Inc.', 'XNAS', 110, 7, 0.4, 0.24],
  ],
  Industrials: [
    ['GE', 'GE Aerospace', 'XNYS', 240, 5.5, 1.2, 0.3],
    ['CAT', 'Caterpillar Inc.', 'XNYS', 420, 2.6, 1.1, 0.3],
    ['BA', 'The Boeing Company', 'XNYS', 210, 9, 1.4, 0.38],
    ['HON', 'Honeywell International Inc.', 'XNAS', 210, 3.5, 1.0, 0.22],
    ['UNP', 'Union Pacific Corporation', 'XNYS', 230, 2.7, 1.0, 0.22],
    ['UPS', 'United Parcel Service, Inc.', 'XNYS', 95, 6, 1.0, 0.3],
    ['RTX', 'RTX Corporation', 'XNYS', 155, 5, 0.8, 0.22],
    ['LMT', 'Lockheed Martin Corporation', 'XNYS', 460, 1.3, 0.5, 0.2],
    ['DE', 'Deere & Company', 'XNYS', 480, 1.5, 1.0, 0.26],
    ['MMM', '3M Company', 'XNYS', 150, 3.5, 1.0, 0.28],
    ['FDX', 'FedEx Corporation', 'XNYS', 240, 1.8, 1.2, 0.32],
  ],
  Materials: [
    ['LIN', 'Linde plc', 'XNAS', 450, 2, 0.9, 0.2],
    ['SHW', 'The Sherwin-Williams Company', 'XNYS', 340, 1.7, 1.1, 0.25],
    ['APD', 'Air Products and Chemicals, Inc.', 'XNYS', 280, 1.3, 0.85, 0.25],
    ['FCX', 'Freeport-McMoRan Inc.', 'XNYS', 42, 14, 1.6, 0.45],
    ['NEM', 'Newmont Corporation', 'XNYS', 75, 10, 0.6, 0.4],
    ['ECL', 'Ecolab Inc.', 'XNYS', 260, 1.2, 1.0, 0.22],
    ['DOW', 'Dow Inc.', 'XNYS', 28, 12, 1.1, 0.35],
  ],
  'Real Estate': [
    ['PLD', 'Prologis, Inc.', 'XNYS', 115, 4, 1.1, 0.28],
    ['AMT', 'American Tower Corporation', 'XNYS', 200, 2.5, 0.9, 0.28],
    ['EQIX', 'Equinix, Inc.', 'XNAS', 850, 0.6, 0.9, 0.27],
    ['SPG', 'Simon Property Group, Inc.', 'XNYS', 175, 1.6, 1.3, 0.28],
    ['O', 'Realty Income Corporation', 'XNYS', 57, 5, 0.8, 0.2],
    ['PSA', 'Public Storage', 'XNYS', 290, 1, 0.7, 0.24],
  ],
  Utilities: [
    ['NEE', 'NextEra Energy, Inc.', 'XNYS', 80, 10, 0.6, 0.28],
    ['DUK', 'Duke Energy Corporation', 'XNYS', 120, 3.5, 0.45, 0.18],
    ['SO', 'The Southern Company', 'XNYS', 92, 4.5, 0.45, 0.18],
    ['D', 'Dominion Energy, Inc.', 'XNYS', 58, 4.5, 0.55, 0.22],
    ['AEP', 'American Electric Power Company, Inc.', 'XNAS', 110, 3.5, 0.5, 0.2],
    ['EXC', 'Exelon Corporation', 'XNAS', 44, 6.5, 0.55, 0.2],
  ],
};

const etfs: readonly (readonly [...Row, Sector])[] = [
  ['SPY', 'SPDR S&P 500 ETF Trust', 'ARCX', 660, 70, 1.0, 0.16, 'Broad Market'],
  ['QQQ', 'Invesco QQQ Trust, Series 1', 'XNAS', 590, 40, 1.15, 0.21, 'Broad Market'],
  ['DIA', 'SPDR Dow Jones Industrial Average ETF Trust', 'ARCX', 460, 3.5, 0.9, 0.15, 'Broad Market'],
  ['IWM', 'iShares Russell 2000 ETF', 'ARCX', 240, 30, 1.2, 0.22, 'Broad Market'],
  ['VTI', 'Vanguard Total Stock Market ETF', 'ARCX', 320, 4, 1.0, 0.16, 'Broad Market'],
  ['XLK', 'Technology Select Sector SPDR Fund', 'ARCX', 270, 7, 1.2, 0.24, 'Information Technology'],
  ['XLF', 'Financial Select Sector SPDR Fund', 'ARCX', 52, 40, 1.1, 0.2, 'Financials'],
  ['XLE', 'Energy Select Sector SPDR Fund', 'ARCX', 90, 15, 0.9, 0.24, 'Energy'],
  ['XLV', 'Health Care Select Sector SPDR Fund', 'ARCX', 140, 8, 0.6, 0.15, 'Health Care'],
  ['XLY', 'Consumer Discretionary Select Sector SPDR Fund', 'ARCX', 230, 4, 1.15, 0.22, 'Consumer Discretionary'],
  ['XLP', 'Consumer Staples Select Sector SPDR Fund', 'ARCX', 80, 10, 0.55, 0.13, 'Consumer Staples'],
  ['XLI', 'Industrial Select Sector SPDR Fund', 'ARCX', 150, 9, 1.05, 0.18, 'Industrials'],
  ['XLU', 'Utilities Select Sector SPDR Fund', 'ARCX', 82, 12, 0.5, 0.17, 'Utilities'],
];

function instrument(row: Row, sector: Sector, kind: Instrument['kind']): Instrument {
  const [symbol, name, exchange, basePrice, volumeMillions, beta, volatility] = row;
  return {
    symbol,
    name,
    kind,
    sector,
    exchange,
    currency: 'USD',
    timeZone: exchanges[exchange].timeZone,
    basePrice,
    avgDailyVolume: Math.round(volumeMillions * 1_000_000),
    beta,
    volatility,
  };
}

/** Every instrument: stocks by sector, then ETFs. */
export const instruments: readonly Instrument[] = [
  ...Object.entries(bySector).flatMap(([sector, rows]) =>
    rows.map((row) => instrument(row, sector as Sector, 'stock')),
  ),
  ...etfs.map(([symbol, name, exchange, price, volume, beta, volatility, sector]) =>
    instrument([symbol, name, exchange, price, volume, beta, volatility], sector, 'etf'),
  ),
];

const index = new Map(instruments.map((i) => [i.symbol, i]));

/** The instrument with this symbol (case-insensitive), or undefined. */
export function instrumentBySymbol(symbol: string): Instrument | undefined {
  return index.get(symbol.toUpperCase());
}

/**
 * Instruments whose symbol or name matches `query` (case-insensitive): exact symbol first, then symbol
 * prefixes, then name matches, each group alphabetical.
 */
export function searchInstruments(query: string, limit = 20): Instrument[] {
  const q = query.trim().toUpperCase();
  if (q === '') return [];
  const rank = (i: Instrument): number =>
    i.symbol === q ? 0 : i.symbol.startsWith(q) ? 1 : i.name.toUpperCase().includes(q) ? 2 : 3;
  return instruments
    .map((i) => ({ i, r: rank(i) }))
    .filter((x) => x.r < 3)
    .sort((a, b) => a.r - b.r || a.i.symbol.localeCompare(b.i.symbol))
    .slice(0, limit)
    .map((x) => x.i);
}
