import { h } from './dom.ts';
import { chooseLanguage, language, t } from './i18n/i18n.ts';
import { languageNames, languages } from './i18n/languages.ts';
import { chooseTimeZone, EXCHANGE_TIME_ZONE, timeZone, timeZoneChoices } from './time-zone.ts';

/** The header's language and time-zone choosers, each labelled; a choice is remembered and re-renders the app. */
export function settingsMenu(): HTMLElement {
  const languageSelect = h(
    'select',
    { id: 'language', name: 'language' },
    ...languages.map((l) => h('option', { value: l, lang: l }, languageNames[l])),
  );
  languageSelect.value = language;
  languageSelect.addEventListener('change', () => {
    chooseLanguage(languageSelect.value);
  });
  const zoneSelect = h(
    'select',
    { id: 'time-zone', name: 'time-zone' },
    ...timeZoneChoices().map((z) =>
      h('option', { value: z }, z === EXCHANGE_TIME_ZONE ? t('settings.exchangeZone', { zone: z }) : z),
    ),
  );
  zoneSelect.value = timeZone;
  zoneSelect.addEventListener('change', () => {
    chooseTimeZone(zoneSelect.value);
  });
  return h(
    'div',
    { class: 'settings' },
    h('label', { for: 'language' }, t('settings.language')),
    languageSelect,
    h('label', { for: 'time-zone' }, t('settings.timeZone')),
    zoneSelect,
  );
}
