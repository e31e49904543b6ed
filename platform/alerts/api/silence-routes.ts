import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.ts';
import { MAX_LIVE_SILENCES, silenceInput } from '../stages/silence.ts';
import { silenceView, type SilenceStore } from '../store/silences.ts';
import type { Audit } from '../../identity/audit.ts';
import { principalOf } from '../../identity/principal.ts';

const idParam = z.uuid('not a silence id');

/** Silences CRUD (Alertmanager's model: matchers, start, end, author, comment; delete expires). */
export function silenceRoutes(
  api: Router,
  deps: { silences: SilenceStore; audit: Audit; now: () => number; maxLive?: number | undefined },
): void {
  const { silences, audit, now } = deps;
  const maxLive = deps.maxLive ?? MAX_LIVE_SILENCES;
  const save = async (actor: string, body: unknown, id?: string): Promise<Record<string, unknown>> => {
    const input = silenceInput.parse(body);
    const startsAt = input.startsAt ?? now();
    if (input.endsAt <= startsAt) throw new HttpError(400, 'endsAt must be after startsAt');
    const revived = id === undefined || (silences.get(id)?.endsAt ?? 0) <= now();
    if (revived && silences.live(now()) >= maxLive)
      throw new HttpError(422, `at most ${String(maxLive)} silences may be live; expire some first`);
    const s = silences.put({
      ...(id !== undefined ? { id } : {}),
      matchers: input.matchers,
      startsAt,
      endsAt: input.endsAt,
      // The author is who authenticated, whatever the body claims.
      createdBy: actor,
      comment: input.comment,
    });
    const view = silenceView(s, now());
    silences.pruneExpired(now(), maxLive);
    await audit(actor, id === undefined ? 'silence.create' : 'silence.update', `silence/${s.id}`, view);
    return view;
  };
  api.get('/silences', (_req, res) => {
    res.json({ silences: [...silences.all()].map((s) => silenceView(s, now())) });
  });
  api.get('/silences/:id', (req, res) => {
    const s = silences.get(idParam.parse(req.params.id));
    if (s === undefined) throw new HttpError(404, 'no such silence');
    res.json(silenceView(s, now()));
  });
  api.post('/silences', async (req, res) => {
    res.status(201).json(await save(principalOf(req).actor, req.body));
  });
  api.put('/silences/:id', async (req, res) => {
    const id = idParam.parse(req.params.id);
    if (silences.get(id) === undefined) throw new HttpError(404, 'no such silence');
    res.json(await save(principalOf(req).actor, req.body, id));
  });
  api.delete('/silences/:id', async (req, res) => {
    const id = idParam.parse(req.params.id);
    const s = silences.expire(id, now());
    if (s === undefined) throw new HttpError(404, 'no such silence');
    silences.pruneExpired(now(), maxLive);
    await audit(principalOf(req).actor, 'silence.expire', `silence/${id}`);
    res.json(silenceView(s, now()));
  });
}
