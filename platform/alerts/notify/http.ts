import { PermanentDeliveryError } from './channel.ts';

/**
 * POSTs to a provider and classifies the answer: 2xx is delivered; 408, 429 and 5xx are worth a retry
 * (thrown as Error); any other 4xx is permanent.
 */
export async function post(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, { method: 'POST', body, headers, signal });
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const detail = `${url} answered ${String(response.status)}: ${text.slice(0, 200)}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
    throw new PermanentDeliveryError(detail);
  throw new Error(detail);
}

export function postJson(
  url: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  return post(url, JSON.stringify(payload), { 'content-type': 'application/json', ...headers }, signal);
}
