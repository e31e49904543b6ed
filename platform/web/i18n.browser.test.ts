import { checkLanguages } from './i18n-check.ts';
import { languages } from './client/i18n/languages.ts';

checkLanguages(languages);
