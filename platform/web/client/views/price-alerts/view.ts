import { h } from '../../dom.ts';
import { formatDayTime, timeZoneLabel } from '../../format.ts';
import { t } from '../../i18n/i18n.ts';
import { enablePush, pushPermission } from '../../push.ts';
import type { ViewCode } from '../view.ts';
import {
  DEFAULT_COOLDOWN_MINUTES,
  describeRule,
  emailAvailable,
  isPriceKind,
  priceKinds,
  ruleFromForm,
  thresholdUnit,
  type PriceKind,
} from './logic.ts';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A field with its visible label (never a placeholder alone) and an optional hint tied to it. */
function field(id: string, label: string, control: HTMLElement, hint?: HTMLElement): HTMLElement {
  control.id = id;
  if (hint !== undefined) {
    hint.id = `${id}-hint`;
    control.setAttribute('aria-describedby', hint.id);
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, ...(hint === undefined ? [] : [hint]));
}

/**
 * The user's own price alerts: create (here, or by placing a line on the chart), list with unit and cooldown,
 * delete; what fired; how they are delivered (in-app always, Web Push when asked for). Traders only.
 */
export const priceAlertsView: ViewCode = {
  mount(container, { session, priceAlerts, live }) {
    const status = h('p', { class: 'price-alerts-status', role: 'status' });
    const kind = h('select', {}, ...priceKinds.map((k) => h('option', { value: k }, t(`priceAlerts.kind.${k}`))));
    // Only instruments with live data are offered: an alert on any other could never fire.
    const symbol = h('select', { required: '' });
    const other = h('select', {});
    const offLive = live.listen(() => {
      for (const select of [symbol, other])
        select.replaceChildren(...live.symbols.map((s) => h('option', { value: s }, s)));
    });
    const unit = h('span', { class: 'hint' });
    const threshold = h('input', { type: 'text', inputmode: 'decimal', required: '' });
    const otherField = field('alert-other', t('priceAlerts.other'), other);
    const cooldown = h('input', { type: 'number', min: '0', max: '10080', step: '1' });
    cooldown.value = String(DEFAULT_COOLDOWN_MINUTES);
    // Email is offered only when the platform can send it.
    const email = h('input', { type: 'email', autocomplete: 'email' });
    const emailHint = h('span', { class: 'hint' }, t('priceAlerts.emailHint'));
    const emailField = field('alert-email', t('priceAlerts.email'), email, emailHint);
    emailField.hidden = true;
    emailAvailable().then(
      (available) => {
        emailField.hidden = !available;
      },
      () => undefined,
    );
    const kindChanged = (): void => {
      unit.textContent = t('priceAlerts.unitHint', { unit: thresholdUnit(kind.value) });
      otherField.hidden = kind.value !== 'correlation_break';
    };
    kind.addEventListener('change', kindChanged);
    kindChanged();
    const form = h(
      'form',
      { class: 'price-alert-form', 'aria-labelledby': 'price-alert-new' },
      h('h3', { id: 'price-alert-new' }, t('priceAlerts.new')),
      field('alert-kind', t('priceAlerts.kindLabel'), kind),
      field('alert-symbol', t('priceAlerts.symbol'), symbol),
      field('alert-threshold', t('priceAlerts.threshold'), threshold, unit),
      otherField,
      field(
        'alert-cooldown',
        t('priceAlerts.cooldown'),
        cooldown,
        h('span', { class: 'hint' }, t('priceAlerts.cooldownHint')),
      ),
      emailField,
      h('button', { type: 'submit' }, t('priceAlerts.add')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = ruleFromForm({
        kind: isPriceKind(kind.value) ? kind.value : ('price_above' satisfies PriceKind),
        symbol: symbol.value,
        threshold: threshold.value,
        otherSymbol: other.value,
        cooldown: cooldown.value,
        email: emailField.hidden ? '' : email.value,
      });
      if (typeof body === 'string') {
        status.textContent = body;
        return;
      }
      priceAlerts.create(body).then(
        (outcome) => {
          status.textContent = t(outcome === 'queued' ? 'priceAlerts.queuedNow' : 'priceAlerts.created');
          threshold.value = '';
        },
        (error: unknown) => {
          status.textContent = message(error);
        },
      );
    });

    const pushState = h('span', { class: 'hint' });
    const pushButton = h('button', { type: 'button' }, t('priceAlerts.enablePush'));
    const showPush = (): void => {
      pushState.textContent = t(`priceAlerts.push.${pushPermission()}`);
    };
    showPush();
    pushButton.addEventListener('click', () => {
      enablePush(session).then(
        (outcome) => {
          pushState.textContent = t(`priceAlerts.pushOutcome.${outcome}`);
        },
        (error: unknown) => {
          pushState.textContent = t('priceAlerts.pushFailed', { message: message(error) });
        },
      );
    });
    const channels = h(
      'section',
      { class: 'channels', 'aria-labelledby': 'price-alert-channels' },
      h('h3', { id: 'price-alert-channels' }, t('priceAlerts.channels')),
      h('p', {}, t('priceAlerts.inApp')),
      h('p', {}, pushButton, ' ', pushState),
    );

    const rulesList = h('ul', { class: 'price-alert-rules' });
    const queuedList = h('ul', { class: 'price-alert-queued' });
    const firedList = h('ul', { class: 'price-alert-fired' });
    const render = (): void => {
      rulesList.replaceChildren(
        ...(priceAlerts.rules.length === 0
          ? [h('li', { class: 'empty' }, t('priceAlerts.none'))]
          : priceAlerts.rules.map((r) => {
              const text = describeRule(r);
              const del = h(
                'button',
                { type: 'button', class: 'delete', 'aria-label': t('priceAlerts.delete', { rule: text }) },
                '×',
              );
              del.addEventListener('click', () => {
                priceAlerts.remove(r.id).catch((error: unknown) => {
                  status.textContent = message(error);
                });
              });
              const cooldownText = t('priceAlerts.cooldownShown', {
                minutes: r.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES,
              });
              return h(
                'li',
                { 'data-rule': r.id },
                h('span', {}, text),
                h('span', { class: 'hint' }, cooldownText),
                del,
              );
            })),
      );
      queuedList.replaceChildren(
        ...priceAlerts.queued.map((q) =>
          h(
            'li',
            { class: 'queued' },
            describeRule({ id: '', ...q }),
            ' ',
            h('span', { class: 'hint' }, t('priceAlerts.queued')),
          ),
        ),
      );
      firedList.replaceChildren(
        ...(priceAlerts.fired.length === 0
          ? [h('li', { class: 'empty' }, t('priceAlerts.noneFired'))]
          : priceAlerts.fired.map((e) =>
              h(
                'li',
                {},
                h('time', { datetime: e.at }, `${formatDayTime(Date.parse(e.at))} ${timeZoneLabel()}`),
                ' ',
                e.message,
              ),
            )),
      );
      if (priceAlerts.refused.length > 0)
        status.textContent = t('priceAlerts.refused', { reasons: priceAlerts.refused.join('; ') });
    };
    const off = priceAlerts.listen({ changed: render });
    render();
    void priceAlerts.refresh();

    container.append(
      h(
        'div',
        { class: 'panel price-alerts' },
        h('h2', {}, t('views.priceAlerts')),
        h('p', { class: 'hint' }, t('priceAlerts.fromChart')),
        status,
        h(
          'div',
          { class: 'price-alerts-grid' },
          form,
          h(
            'section',
            { 'aria-labelledby': 'price-alert-mine' },
            h('h3', { id: 'price-alert-mine' }, t('priceAlerts.mine')),
            rulesList,
            queuedList,
            h('h3', {}, t('priceAlerts.recent')),
            firedList,
          ),
          channels,
        ),
      ),
    );
    return {
      unmount() {
        off();
        offLive();
        container.replaceChildren();
      },
    };
  },
};
