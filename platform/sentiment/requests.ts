/** What the sentiment routes take (service.ts validates with these; openapi.ts describes them). */
import { z } from 'zod';
import { textItem } from './feed.ts';

export const symbolParam = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9.^=-]{1,15}$/, 'must be a ticker symbol');
export const scoreQuery = z.object({ text: z.string().min(1).max(1000) });
/** One text or a batch. */
export const textsBody = z.union([textItem, z.array(textItem).min(1).max(500)]);
