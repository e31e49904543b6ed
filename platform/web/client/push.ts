import * as z from 'zod/mini';
import { getJson } from './api.ts';
import type { Session } from './session.ts';

const vapidKey = z.object({ publicKey: z.string() });

/** base64url (the VAPID key) to the bytes PushManager wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export type PushOutcome = 'subscribed' | 'denied' | 'unsupported';

/**
 * Web Push, asked for only when the user asks for it: the browser's permission prompt, then a subscription with
 * the platform's VAPID key registered for this user. Errors (no push service reachable) are thrown.
 */
export async function enablePush(session: Session): Promise<PushOutcome> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return 'unsupported';
  if ((await Notification.requestPermission()) !== 'granted') return 'denied';
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await getJson('/api/push/vapid-public-key', vapidKey);
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  await session.send('POST', '/api/push/subscriptions', subscription.toJSON());
  return 'subscribed';
}

export const pushPermission = (): NotificationPermission | 'unsupported' =>
  'Notification' in window ? Notification.permission : 'unsupported';
