/** The app's languages (their names in themselves, for the switcher) and how one is chosen. Pure: no DOM. */
export const languages = ['en', 'ko', 'ja', 'zh', 'es', 'fr', 'de', 'ru', 'ar', 'hi', 'he'] as const;
export type Language = (typeof languages)[number];

export const languageNames: Readonly<Record<Language, string>> = {
  en: 'English',
  ko: '한국어',
  ja: '日本語',
  zh: '中文',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  ru: 'Русский',
  ar: 'العربية',
  hi: 'हिन्दी',
  he: 'עברית',
};

const rightToLeft: ReadonlySet<Language> = new Set<Language>(['ar', 'he']);
export const directionOf = (language: Language): 'rtl' | 'ltr' => (rightToLeft.has(language) ? 'rtl' : 'ltr');

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/**
 * The user's choice when one was stored, else the first of the browser's preferred languages we have (by its
 * primary subtag: `pt-BR` no, `zh-TW` -> zh, `iw` is the old code of Hebrew), else English.
 */
export function detectLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    const candidate = primary === 'iw' ? 'he' : primary;
    if (isLanguage(candidate)) return candidate;
  }
  return 'en';
}
