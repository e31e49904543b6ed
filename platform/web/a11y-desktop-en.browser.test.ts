import { checkAccessibility, desktop } from './a11y-check.ts';

checkAccessibility([{ name: 'desktop en', locale: 'en', ...desktop }]);
