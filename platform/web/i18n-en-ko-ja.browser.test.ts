import { checkLanguages } from './i18n-check.ts';

checkLanguages(['en', 'ko', 'ja']);
