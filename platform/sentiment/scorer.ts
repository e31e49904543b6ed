/**
 * Scores text with the `sentiment` package (AFINN-165) extended by the finance lexicon: phrases are joined
 * into single tokens, and a negation flips every scored token within three tokens after it (the package's own
 * rule looks one token back only, which misses "did not beat"). The sum is normalised to (-1, 1) as VADER
 * does: s / sqrt(s^2 + 15) (Hutto & Gilbert 2014).
 */
import { createRequire } from 'node:module';
import Sentiment from 'sentiment';
import { financePhrases, financeWords, negators, scopeBreakers } from './lexicon.ts';

const afinn = createRequire(import.meta.url)('sentiment/languages/en/labels.json') as Record<string, number>;
const language = 'en-finance';
const negationScope = 3;

export interface TextScore {
  /** Normalised score in (-1, 1). */
  readonly score: number;
  /** Sum of the token scores after negation. */
  readonly raw: number;
  readonly positive: string[];
  readonly negative: string[];
}

function phraseToken(phrase: string): string {
  return phrase.replace(/\s+/g, '-');
}

const phraseLabels = Object.fromEntries(Object.entries(financePhrases).map(([p, v]) => [phraseToken(p), v]));
const phrasePattern = new RegExp(
  `\\b(${Object.keys(financePhrases)
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('|')})\\b`,
  'gi',
);

export function normalise(raw: number, alpha = 15): number {
  return raw / Math.sqrt(raw * raw + alpha);
}

export class FinanceSentiment {
  private readonly engine = new Sentiment();

  constructor() {
    this.engine.registerLanguage(language, {
      labels: { ...afinn, ...financeWords, ...phraseLabels },
      scoringStrategy: {
        apply(tokens: string[], cursor: number, tokenScore: number): number {
          for (let back = 1; back <= negationScope && cursor - back >= 0; back++) {
            const previous = tokens[cursor - back] ?? '';
            if (scopeBreakers.has(previous)) break;
            if (negators.has(previous)) return -tokenScore;
          }
          return tokenScore;
        },
      },
    });
  }

  score(text: string): TextScore {
    const prepared = text.replace(phrasePattern, (m) => phraseToken(m.toLowerCase()));
    const result = this.engine.analyze(prepared, { language });
    return { score: normalise(result.score), raw: result.score, positive: result.positive, negative: result.negative };
  }
}

/** Cashtags ($AAPL) in a text, upper-cased and distinct. */
export function cashtags(text: string): string[] {
  return [...new Set([...text.matchAll(/\$([A-Za-z][A-Za-z0-9.]{0,9})\b/g)].map((m) => (m[1] ?? '').toUpperCase()))];
}
