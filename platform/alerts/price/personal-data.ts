import type { DatabaseSync } from 'node:sqlite';
import type { PersonalDataHolder } from '../../identity/personal-data.ts';
import type { PushSubscriptionStore } from '../store/push-subscriptions.ts';
import type { PriceAlertService } from './service.ts';

/** Fired price alerts one export carries at most (the newest). */
const EXPORT_EVENTS = 1_000;

/** A user's price alerts and their fired events, for export and erasure (platform/identity/PROCESSING.md). */
export function priceAlertData(prices: PriceAlertService, db: DatabaseSync): PersonalDataHolder {
  return {
    name: 'priceAlerts',
    export: ({ actor }) => ({ rules: prices.list(actor), fired: prices.events(actor, EXPORT_EVENTS) }),
    erase: ({ actor }) => {
      let n = 0;
      // Through the service, so a removed rule also stops being evaluated.
      for (const rule of prices.list(actor)) if (prices.remove(actor, rule.id)) n += 1;
      return n + Number(db.prepare('DELETE FROM price_events WHERE user_id = ?').run(actor).changes);
    },
  };
}

/** A user's Web Push subscriptions: the export names the endpoints (not the browser's keys). */
export function pushSubscriptionData(store: PushSubscriptionStore): PersonalDataHolder {
  return {
    name: 'pushSubscriptions',
    export: ({ actor }) => store.list(actor).map((s) => ({ endpoint: s.endpoint })),
    erase: ({ actor }) => {
      const subs = store.list(actor);
      for (const s of subs) store.remove(actor, s.endpoint);
      return subs.length;
    },
  };
}
