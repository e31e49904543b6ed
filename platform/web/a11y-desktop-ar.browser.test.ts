import { checkAccessibility, desktop } from './a11y-check.ts';

checkAccessibility([{ name: 'desktop ar', locale: 'ar', ...desktop }]);
