import { randomFillSync } from 'node:crypto';

/** UUIDs made per refill: one random fill and one hex pass serve this many events. */
const BATCH = 256;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const random = Buffer.alloc(16 * BATCH);
const text = Buffer.alloc(36 * BATCH);
let next = BATCH;

function refill(): void {
  randomFillSync(random);
  let out = 0;
  for (let u = 0; u < BATCH; u++) {
    const base = u * 16;
    // RFC 9562 version 4 and variant bits.
    random[base + 6] = ((random[base + 6] ?? 0) & 0x0f) | 0x40;
    random[base + 8] = ((random[base + 8] ?? 0) & 0x3f) | 0x80;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) text[out++] = 0x2d;
      const byte = random[base + i] ?? 0;
      text[out++] = HEX[byte >> 4] ?? 0;
      text[out++] = HEX[byte & 15] ?? 0;
    }
  }
  next = 0;
}

/**
 * A random (version 4) UUID as one flat string. crypto.randomUUID() joins its 20 pieces with `+`, which
 * V8 keeps as a tree of about 15 rope nodes: every retained event then carried 15 extra heap objects,
 * and copying them through the young generation was most of the in-memory bus's cost.
 */
export function eventId(): string {
  if (next === BATCH) refill();
  const start = 36 * next++;
  return text.toString('latin1', start, start + 36);
}
