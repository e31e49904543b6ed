import { checkLanguages } from './i18n-check.ts';

checkLanguages(['de', 'ru', 'hi']);
