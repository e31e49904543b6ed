/** Every locale's messages, for Node: the build's `<noscript>` lines and the tests (the page loads its own). */
import ar from './locales/ar.json' with { type: 'json' };
import de from './locales/de.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };
import he from './locales/he.json' with { type: 'json' };
import hi from './locales/hi.json' with { type: 'json' };
import ja from './locales/ja.json' with { type: 'json' };
import ko from './locales/ko.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };
import zh from './locales/zh.json' with { type: 'json' };
import type { Language } from './languages.ts';

export const messages: Readonly<Record<Language, object>> = { en, ko, ja, zh, es, fr, de, ru, ar, hi, he };
