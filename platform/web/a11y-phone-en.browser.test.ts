import { checkAccessibility, phone } from './a11y-check.ts';

checkAccessibility([{ name: 'phone en', locale: 'en', ...phone }]);
