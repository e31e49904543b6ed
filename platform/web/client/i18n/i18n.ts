/**
 * i18next with ICU messages: the language is detected once at start (stored choice, then the browser's), and a
 * change reloads the page so every view renders again in it. English, the fallback, is in the first script; any
 * other language is its own chunk, fetched as this module runs (beside who-am-I and the stream) and awaited by the
 * first render (`messagesReady`). Works in Node too (tests): English there.
 */
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { detectLanguage, directionOf, isLanguage, type Language } from './languages.ts';
import en from './locales/en.json' with { type: 'json' };

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

/** Each language but English as a chunk of its own (esbuild's code splitting), precached by the service worker. */
const locales: Readonly<Record<Exclude<Language, 'en'>, () => Promise<{ default: object }>>> = {
  ko: () => import('./locales/ko.json', { with: { type: 'json' } }),
  ja: () => import('./locales/ja.json', { with: { type: 'json' } }),
  zh: () => import('./locales/zh.json', { with: { type: 'json' } }),
  es: () => import('./locales/es.json', { with: { type: 'json' } }),
  fr: () => import('./locales/fr.json', { with: { type: 'json' } }),
  de: () => import('./locales/de.json', { with: { type: 'json' } }),
  ru: () => import('./locales/ru.json', { with: { type: 'json' } }),
  ar: () => import('./locales/ar.json', { with: { type: 'json' } }),
  hi: () => import('./locales/hi.json', { with: { type: 'json' } }),
  he: () => import('./locales/he.json', { with: { type: 'json' } }),
};

const translator = i18next.createInstance();
void translator.use(new ICU()).init({
  lng: language,
  fallbackLng: 'en',
  resources: { en: { translation: en } },
  initAsync: false,
  interpolation: { escapeValue: false },
  returnEmptyString: false,
});

/** The language's messages are in (English, the fallback, shows when its file cannot be fetched). */
export const messagesReady: Promise<void> =
  language === 'en'
    ? Promise.resolve()
    : locales[language]().then(
        (module) => {
          translator.addResourceBundle(language, 'translation', module.default);
        },
        (error: unknown) => {
          console.warn(`the ${language} messages could not be loaded: English shown`, error);
        },
      );

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
