import { IntlMessageFormat } from 'intl-messageformat';
import ar from './templates-locales/ar.json' with { type: 'json' };
import de from './templates-locales/de.json' with { type: 'json' };
import en from './templates-locales/en.json' with { type: 'json' };
import es from './templates-locales/es.json' with { type: 'json' };
import fr from './templates-locales/fr.json' with { type: 'json' };
import he from './templates-locales/he.json' with { type: 'json' };
import hi from './templates-locales/hi.json' with { type: 'json' };
import ja from './templates-locales/ja.json' with { type: 'json' };
import ko from './templates-locales/ko.json' with { type: 'json' };
import ru from './templates-locales/ru.json' with { type: 'json' };
import zh from './templates-locales/zh.json' with { type: 'json' };
import type { ChannelType } from './targets.ts';
import type { Language, NotificationMessage, PriceFiring } from './message.ts';

/** A rendered message: `subject` for mail and push titles, `text` for bodies, `short` for SMS. */
export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly short: string;
}

/** Every language's phrases, ICU messages (plurals by the language's own rules); English's shape is the reference. */
export type Phrases = typeof en;
export const templateLocales: Readonly<Record<Language, Phrases>> = { en, ko, ja, zh, es, fr, de, ru, ar, hi, he };

const formats = new Map<string, IntlMessageFormat>();

/** Formats one ICU message of a language (parsed once, then cached: the set is fixed). */
function format(language: Language, message: string, values: Record<string, string | number>): string {
  const key = `${language}\u0000${message}`;
  let compiled = formats.get(key);
  if (compiled === undefined) formats.set(key, (compiled = new IntlMessageFormat(message, language)));
  return String(compiled.format(values));
}

/** A price alert's title in the recipient's language, its numbers written the language's way. */
function priceTitle(language: Language, p: Phrases, price: PriceFiring): string {
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  return format(language, p.price[price.kind], {
    symbol: price.symbol,
    other: price.otherSymbol ?? '',
    threshold: number.format(price.threshold),
    observed: number.format(price.observed),
    window: number.format(price.windowMinutes ?? 0),
  });
}

/** Renders a message in the recipient's language, shaped for the channel (Slack mrkdwn, SMS 160 chars). */
export function render(message: NotificationMessage, channel: ChannelType): Rendered {
  const language = message.language;
  const p = templateLocales[language];
  const alerts = format(language, p.alerts, { count: message.alertCount });
  const title = message.price === undefined ? message.title : priceTitle(language, p, message.price);
  const head = `[${p.kind[message.kind]}] P${message.priority} ${title}`;
  const bold = (s: string): string => (channel === 'slack' ? `*${s}*` : s);
  const link = (label: string, url: string | undefined): string[] =>
    url === undefined ? [] : [channel === 'slack' ? `<${url}|${label}>` : `${label}: ${url}`];
  const lines: string[] = [bold(head), `${message.severity} · ${message.status} · ${alerts}`];
  if (message.kind === 'digest') {
    lines.push(format(language, p.digest, { count: message.items?.length ?? 0 }));
    for (const item of message.items ?? []) lines.push(`- P${item.priority} ${item.title}`);
  }
  for (const a of message.alerts.slice(0, 5)) {
    const summary = a.annotations.summary ?? a.annotations.description ?? '';
    lines.push(
      `- ${a.status === 'resolved' ? '✓' : '•'} ${a.labels.alertname ?? '?'} ${a.labels.service ?? a.labels.job ?? ''} ${summary}`.trimEnd(),
    );
  }
  lines.push(
    ...link(p.incident, message.links.incident),
    ...link(p.runbook, message.links.runbook),
    ...link(p.dashboard, message.links.dashboard),
  );
  if (message.remediations.length > 0) lines.push(`${p.remediations}: ${message.remediations.join('; ')}`);
  if (message.traceIds.length > 0) lines.push(`${p.traces}: ${message.traceIds.join(', ')}`);
  const short = `${head} (${alerts})${message.links.incident !== undefined ? ` ${message.links.incident}` : ''}`;
  return { subject: head, text: lines.join('\n'), short: short.length > 160 ? `${short.slice(0, 157)}...` : short };
}
