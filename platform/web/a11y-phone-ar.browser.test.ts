import { checkAccessibility, phone } from './a11y-check.ts';

checkAccessibility([{ name: 'phone ar', locale: 'ar', ...phone }]);
