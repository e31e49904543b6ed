/** The page's `<noscript>` lines, written at build time: without JavaScript no language can be detected, so all. */
import { directionOf, languages } from './languages.ts';
import { messages } from './resources.ts';

const escape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** One paragraph per language, English first, each with its `lang` and direction. */
export function noscriptHtml(): string {
  return languages
    .map((language) => {
      const text = (messages[language] as { app: { noscript: string } }).app.noscript;
      return `<p lang="${language}" dir="${directionOf(language)}">${escape(text)}</p>`;
    })
    .join('');
}
