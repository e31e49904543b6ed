import type { Router } from 'express';

/** Incident ids the alert pipeline makes (and anything safe in a path segment); others are not redirected. */
const incidentId = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Deep links the platform sends outside the app (notifications link to `PUBLIC_URL/incidents/<id>`) answer with a
 * redirect to the app's hash route, so a link in a page, mail or chat message opens the incident page.
 */
export function mountDeepLinks(site: Router): void {
  site.get('/incidents/:id', (req, res) => {
    const { id } = req.params;
    if (!incidentId.test(id)) {
      res.status(400).json({ error: 'not an incident id' });
      return;
    }
    res.redirect(302, `/#/incidents/${encodeURIComponent(id)}`);
  });
}
