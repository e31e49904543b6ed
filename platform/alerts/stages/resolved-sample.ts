import type { Incident } from '../model.ts';

/**
 * Resolved alerts an open incident keeps in memory: the latest this many (every alert stays stored). An
 * incident that keeps receiving alerts while a few never resolve stays open for as long as they fire;
 * without this it would hold every alert it ever had.
 */
export const resolvedInMemory = 100;

/**
 * After an alert of an open incident resolved: forgets the least recently seen resolved alerts beyond the
 * sample, telling `forget` (correlator, group timers) each one. Firing alerts are never forgotten.
 * Returns how many were forgotten.
 */
export function forgetOldResolved(
  incident: Incident,
  forget: (fingerprint: string) => void,
  keep = resolvedInMemory,
): number {
  const resolved: { fingerprint: string; lastSeen: number }[] = [];
  for (const ia of incident.alerts.values())
    if (ia.alert.status === 'resolved') resolved.push({ fingerprint: ia.alert.fingerprint, lastSeen: ia.lastSeen });
  if (resolved.length <= keep) return 0;
  resolved.sort((a, b) => a.lastSeen - b.lastSeen);
  const gone = resolved.slice(0, resolved.length - keep);
  for (const { fingerprint } of gone) {
    incident.alerts.delete(fingerprint);
    forget(fingerprint);
  }
  incident.forgotten = (incident.forgotten ?? 0) + gone.length;
  return gone.length;
}
