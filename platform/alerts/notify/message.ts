import type { Labels, Priority, Severity } from '../model.ts';

/** The languages notifications are written in: the web app's (templates-locales/ holds one file each). */
export const languages = ['en', 'ko', 'ja', 'zh', 'es', 'fr', 'de', 'ru', 'ar', 'hi', 'he'] as const;
export type Language = (typeof languages)[number];

/** A price alert's firing: the templates write its title in the recipient's language. */
export interface PriceFiring {
  readonly kind: 'price_above' | 'price_below' | 'percent_move' | 'volume_spike' | 'correlation_break';
  readonly symbol: string;
  readonly threshold: number;
  readonly observed: number;
  readonly otherSymbol?: string;
  readonly windowMinutes?: number;
}

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
  readonly price?: PriceFiring;
  /** When the platform accepted the newest alert in this message (for latency figures). */
  readonly acceptedAt?: number;
}
