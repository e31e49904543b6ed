import { checkAccessibility, desktop, phone } from './a11y-check.ts';

checkAccessibility([
  { name: 'desktop en', locale: 'en', ...desktop },
  { name: 'desktop ar', locale: 'ar', ...desktop },
  { name: 'phone en', locale: 'en', ...phone },
  { name: 'phone ar', locale: 'ar', ...phone },
]);
