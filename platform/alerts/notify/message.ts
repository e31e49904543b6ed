import type { Labels, Priority, Severity } from '../model.ts';

export type Language = 'en' | 'de' | 'fr';

/** One thing to tell one recipient, before a channel formats it. Stored as JSON in the outbox. */
export interface NotificationMessage {
  readonly kind: 'page' | 'update' | 'resolved' | 'digest' | 'price';
  readonly incidentId?: string;
  readonly title: string;
  readonly status: string;
  readonly severity: Severity;
  readonly priority: Priority;
  readonly alertCount: number;
  /** The first alerts (at most 20), with labels, for receivers that show them. */
  readonly alerts: readonly {
    readonly labels: Labels;
    readonly annotations: Labels;
    readonly status: 'firing' | 'resolved';
    readonly startsAt: string;
    readonly endsAt?: string;
    readonly fingerprint: string;
  }[];
  readonly links: { readonly incident?: string; readonly runbook?: string; readonly dashboard?: string };
  readonly remediations: readonly string[];
  readonly traceIds: readonly string[];
  readonly language: Language;
  readonly recipient?: { readonly id: string; readonly name: string };
  /** Escalation step (counting repeats) this page belongs to. */
  readonly step?: number;
  /** Digest entries. */
  readonly items?: readonly { readonly title: string; readonly priority: Priority; readonly incidentId?: string }[];
  /** When the platform accepted the newest alert in this message (for latency figures). */
  readonly acceptedAt?: number;
}
