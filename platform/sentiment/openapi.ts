/** The OpenAPI description of /api/sentiment (service.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../http/openapi.ts';
import { scoreQuery, symbolParam, textsBody } from './requests.ts';

/** aggregate.ts SymbolSentiment. */
const symbolSentiment = z.object({
  symbol: z.string(),
  aggregate: z.number(),
  weight: z.number(),
  texts: z.number(),
  lastTs: z.number(),
  asOf: z.number(),
});
/** service.ts ScoredText. */
const scoredText = z.object({
  id: z.string(),
  symbol: z.string(),
  kind: z.enum(['news', 'social']),
  source: z.string(),
  text: z.string(),
  score: z.number(),
  aggregate: z.number(),
  ts: z.number(),
});

export const sentimentResponses = {
  all: z.object({ asOf: z.number(), symbols: z.array(symbolSentiment) }),
  /** scorer.ts TextScore with the text. */
  score: z.object({
    text: z.string(),
    score: z.number(),
    raw: z.number(),
    positive: z.array(z.string()),
    negative: z.array(z.string()),
  }),
  symbol: symbolSentiment.extend({ recent: z.array(scoredText) }),
  texts: z.object({ accepted: z.number(), scored: z.array(scoredText) }),
};
const tags = ['sentiment'];
const invalid = { 400: { description: 'invalid request' } };

export const sentimentOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/sentiment',
    summary: 'The time-decayed sentiment of every symbol texts were about',
    tags,
    responses: { 200: { description: 'per symbol', schema: sentimentResponses.all } },
  },
  {
    method: 'get',
    path: '/sentiment/score',
    summary: 'Scores one text with the finance lexicon (nothing is stored)',
    tags,
    query: scoreQuery,
    responses: { 200: { description: 'the score', schema: sentimentResponses.score }, ...invalid },
  },
  {
    method: 'get',
    path: '/sentiment/{symbol}',
    summary: "One symbol's sentiment and its latest scored texts, newest first",
    tags,
    params: z.object({ symbol: symbolParam }),
    responses: {
      200: { description: 'the symbol', schema: sentimentResponses.symbol },
      ...invalid,
      404: { description: 'no texts about the symbol yet' },
    },
  },
  {
    method: 'post',
    path: '/sentiment/texts',
    summary: 'Scores and publishes one text or a batch (repeated ids are ignored)',
    tags,
    body: textsBody,
    responses: {
      202: {
        description: 'accepted: what was scored, per symbol',
        schema: sentimentResponses.texts,
      },
      ...invalid,
    },
  },
];

export function describeSentimentRoutes(registry: OpenApiRegistry): void {
  for (const operation of sentimentOperations) registry.add(operation);
}
