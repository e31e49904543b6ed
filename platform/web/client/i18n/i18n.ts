/**
 * i18next with ICU messages: the language is detected once at start (stored choice, then the browser's), and a
 * change reloads the page so every view renders again in it. Works in Node too (tests): English there.
 */
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { detectLanguage, directionOf, isLanguage, type Language } from './languages.ts';
import { resources } from './resources.ts';

export const LANGUAGE_KEY = 'insitechart.language.v1';

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined; // storage disabled: nothing is remembered
  }
}

const preferred: readonly string[] = typeof window === 'undefined' ? ['en'] : navigator.languages;
export const language: Language = detectLanguage(storage()?.getItem(LANGUAGE_KEY) ?? null, preferred);
export const direction = directionOf(language);

const translator = i18next.createInstance();
void translator.use(new ICU()).init({
  lng: language,
  fallbackLng: 'en',
  resources,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnEmptyString: false,
});

/** A message in the current language, ICU arguments filled in (numbers and dates formatted for the language). */
export function t(key: string, values?: Record<string, string | number | Date>): string {
  return translator.t(key, values);
}

/** Remembers the choice and reloads: every view, date and number is rendered again in it. */
export function chooseLanguage(next: string): void {
  if (!isLanguage(next) || next === language) return;
  storage()?.setItem(LANGUAGE_KEY, next);
  location.reload();
}
