/**
 * Finance-aware additions to the AFINN-165 lexicon of the `sentiment` package, on its -5..+5 scale.
 * AFINN misses market vocabulary (beat, upgrade, plunge, guidance) and scores some of it wrongly for this
 * domain (a "crushed" estimate is good news); multi-word expressions are matched first and turned into single
 * hyphenated tokens, which the package's tokenizer keeps whole.
 */

/** Single tokens: added to, or overriding, AFINN. */
export const financeWords: Readonly<Record<string, number>> = {
  beat: 2, beats: 2, tops: 2, topped: 2, exceeds: 2, exceeded: 2,
  miss: -2, misses: -2, missed: -2,
  upgrade: 3, upgrades: 3, upgraded: 3, downgrade: -3, downgrades: -3, downgraded: -3,
  outperform: 2, outperforms: 2, outperformed: 2, underperform: -2, underperforms: -2, underperformed: -2,
  overweight: 2, underweight: -2, accumulate: 1, reiterate: 0, neutral: 0,
  bullish: 2, bearish: -2, bull: 1, bear: -1, buy: 1, sell: -1, short: 0,
  surge: 2, surges: 2, surged: 2, soar: 3, soars: 3, soared: 3, jump: 2, jumps: 2, jumped: 2,
  rally: 2, rallies: 2, rallied: 2, rebound: 1, rebounds: 1, climbs: 1, rises: 1, gains: 2, gain: 2,
  plunge: -3, plunges: -3, plunged: -3, tumble: -3, tumbles: -3, tumbled: -3, slump: -2, slumps: -2, slumped: -2,
  sinks: -2, sank: -2, slides: -2, slid: -2, falls: -1, fell: -1, drops: -1, dropped: -1, selloff: -2, crash: -3,
  bankruptcy: -4, bankrupt: -4, insolvency: -4, default: -3, defaults: -3, delisting: -3, delisted: -3,
  layoffs: -2, restructuring: -1, recall: -2, recalls: -2, probe: -2, investigation: -2, subpoena: -2, lawsuit: -2,
  dilution: -2, dilutive: -2, writedown: -3, impairment: -2, downturn: -2, headwinds: -2, tailwinds: 2,
  shortfall: -2, overhang: -1, volatile: -1, record: 1, profitable: 2, profitability: 1, accretive: 2,
  buyback: 2, buybacks: 2, dividend: 1, windfall: 2, breakthrough: 3, approval: 2, approved: 2, rejected: -2,
  moon: 2, mooning: 3, rocket: 2, bagholder: -2, bagholders: -2, rekt: -3, tanking: -3, tanked: -3,
  crushed: -2, crush: -1,
};

/** Multi-word expressions, longest first when they overlap; each becomes one token. */
export const financePhrases: Readonly<Record<string, number>> = {
  'beat estimates': 3, 'beats estimates': 3, 'beat expectations': 3, 'beats expectations': 3, 'tops estimates': 3,
  'crushed estimates': 4, 'crushes estimates': 4, 'blew past estimates': 4,
  'missed estimates': -3, 'misses estimates': -3, 'missed expectations': -3, 'misses expectations': -3, 'falls short': -3, 'fell short': -3,
  'guidance cut': -3, 'cuts guidance': -3, 'cut guidance': -3, 'lowers guidance': -3, 'lowered guidance': -3, 'weak guidance': -3,
  'raises guidance': 3, 'raised guidance': 3, 'guidance raised': 3, 'strong guidance': 3, 'reaffirms guidance': 1,
  'price target raised': 2, 'raises price target': 2, 'price target cut': -2, 'cuts price target': -2, 'lowers price target': -2,
  'dividend cut': -3, 'cuts dividend': -3, 'suspends dividend': -3, 'raises dividend': 2, 'dividend hike': 2,
  'share buyback': 2, 'chapter 11': -4, 'going concern': -3, 'profit warning': -3, 'sec probe': -3, 'accounting irregularities': -4,
  'record high': 2, 'all-time high': 2, '52-week high': 2, '52-week low': -2, 'record revenue': 3, 'record loss': -3,
  'strong buy': 3, 'sell rating': -2, 'buy rating': 2, 'margin compression': -2, 'margin expansion': 2,
  'short squeeze': 1, 'rug pull': -3, 'diamond hands': 1, 'to the moon': 3,
};

/** Words that flip the sentiment of what follows them, within a short scope. */
export const negators: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'neither', 'nor', 'without', 'hardly', 'barely', 'cannot', 'cant', "can't", 'dont', "don't",
  'doesnt', "doesn't", 'didnt', "didn't", 'isnt', "isn't", 'wasnt', "wasn't", 'arent', "aren't", 'werent', "weren't",
  'wont', "won't", 'wouldnt', "wouldn't", 'failed', 'fails', 'fail', 'unable', 'non',
]);

/** Tokens that end a negation's scope before its length runs out. */
export const scopeBreakers: ReadonlySet<string> = new Set(['but', 'however', 'although', 'though', 'yet', 'while', 'whereas']);
