import { checkLanguages } from './i18n-check.ts';

checkLanguages(['ar', 'he']);
