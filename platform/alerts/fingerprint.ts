import { createHash } from 'node:crypto';
import type { Labels } from './model.ts';

/** A stable id for a label set (sorted name=value pairs, hashed), as Alertmanager fingerprints alerts. */
export function fingerprintOf(labels: Labels): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(labels).sort()) hash.update(`${name}\u0000${labels[name] ?? ''}\u0001`);
  return hash.digest('hex').slice(0, 16);
}
