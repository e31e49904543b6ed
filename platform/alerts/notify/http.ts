import type { AddressPolicy } from '../../net/address-policy.ts';
import { DestinationRefusedError, outboundRequest, redactUrl } from '../../net/outbound.ts';
import { PermanentDeliveryError } from './channel.ts';

/**
 * POSTs to a provider through the outbound guard and classifies the answer: 2xx is delivered; 408, 429, 5xx and
 * unreachable destinations are worth a retry (thrown as Error); other 4xx, 3xx (redirects are not followed) and
 * destinations the policy refuses are permanent. Messages keep the status and the URL's origin, never the
 * response body or the URL's path (webhook URLs carry secrets).
 */
export async function post(
  policy: AddressPolicy,
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  let status: number;
  try {
    status = await outboundRequest(policy, url, { method: 'POST', body, headers, signal });
  } catch (error) {
    if (error instanceof DestinationRefusedError) throw new PermanentDeliveryError(error.message);
    throw error;
  }
  if (status >= 200 && status < 300) return;
  const detail = `${redactUrl(url)} answered ${String(status)}`;
  if (status >= 300 && status < 400) throw new PermanentDeliveryError(`${detail}; redirects are not followed`);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw new PermanentDeliveryError(detail);
  throw new Error(detail);
}

export function postJson(
  policy: AddressPolicy,
  url: string,
  payload: unknown,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  return post(policy, url, JSON.stringify(payload), { 'content-type': 'application/json', ...headers }, signal);
}
