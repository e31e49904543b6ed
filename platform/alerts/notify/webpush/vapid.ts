import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

const vapidFile = z.strictObject({ publicKey: z.string().min(40), privateKey: z.string().min(20) });
export type VapidKeys = z.output<typeof vapidFile>;

/**
 * The VAPID key pair identifies this server to push services. It is generated once and kept in
 * DATA_DIR: a new pair would invalidate every browser's subscription.
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  const path = join(dataDir, 'vapid.json');
  if (existsSync(path)) return vapidFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  mkdirSync(dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return keys;
}
