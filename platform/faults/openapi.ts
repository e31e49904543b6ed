/** The OpenAPI description of /api/faults (routes.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../http/openapi.ts';
import { faultKinds, injectRequest } from './kinds.ts';

/** An active fault (kinds.ts ActiveFault). */
const fault = z.object({
  id: z.string(),
  kind: z.enum(faultKinds),
  service: z.string(),
  intensity: z.number(),
  maxBytes: z.number(),
  injectedAt: z.number(),
  expiresAt: z.number(),
  heldBytes: z.number(),
});
const cleared = z.object({ cleared: z.array(z.string()) });
export const faultResponses = {
  list: z.looseObject({
    faults: z.array(fault),
    targets: z.record(z.string(), z.array(z.string())),
    maxActive: z.number(),
  }),
};
const tags = ['faults'];

export const faultOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/faults',
    summary: 'Active faults, the targets of each kind and the limits',
    tags,
    responses: {
      200: {
        description: 'faults',
        schema: faultResponses.list,
      },
    },
  },
  {
    method: 'post',
    path: '/faults',
    summary: 'Injects a fault (embedded mode; the sre role)',
    tags,
    body: injectRequest,
    responses: {
      201: { description: 'the fault, active until expiresAt', schema: fault },
      400: { description: 'invalid request' },
      409: { description: 'too many faults active' },
    },
  },
  {
    method: 'delete',
    path: '/faults',
    summary: 'Clears every active fault',
    tags,
    responses: { 200: { description: 'the ids cleared', schema: cleared } },
  },
  {
    method: 'delete',
    path: '/faults/{id}',
    summary: 'Clears one fault',
    tags,
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'the id cleared', schema: cleared },
      404: { description: 'no active fault with that id' },
    },
  },
];

export function describeFaultRoutes(registry: OpenApiRegistry): void {
  for (const operation of faultOperations) registry.add(operation);
}
