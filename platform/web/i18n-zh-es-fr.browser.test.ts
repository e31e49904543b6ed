import { checkLanguages } from './i18n-check.ts';

checkLanguages(['zh', 'es', 'fr']);
