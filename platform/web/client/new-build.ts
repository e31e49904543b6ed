import * as z from 'zod/mini';
import { BUILD_META, BUILD_PATH, staleAction, type StaleAction } from './build-stamp.ts';

// A page left open across a deploy: finds out and reloads into the new build (the policy: build-stamp.ts).

/** The build a reload was made for (sessionStorage): a second failure on it offers a reload instead of looping. */
const RELOADED_FOR = 'insitechart:reloaded-for-build';

const buildAnswer = z.object({ build: z.string().check(z.regex(/^[\w-]{1,64}$/)) });

/** The build the server runs; undefined when it cannot be asked or answers something else. */
export async function serverBuild(): Promise<string | undefined> {
  try {
    const response = await fetch(BUILD_PATH, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) return undefined;
    const parsed = buildAnswer.safeParse(await response.json());
    return parsed.success ? parsed.data.build : undefined;
  } catch {
    return undefined;
  }
}

/** This page's build, from index.html's `<meta name="insitechart-build">`. */
export function pageBuild(): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${BUILD_META}"]`)?.content || undefined;
}

/** After a chunk failed: reloads when the server runs another build (once per build); says what it chose. */
export async function recoverFromStaleBuild(): Promise<StaleAction> {
  const server = await serverBuild();
  let reloadedFor: string | null;
  try {
    reloadedFor = sessionStorage.getItem(RELOADED_FOR);
  } catch {
    // Storage refused (privacy settings): no guard kept, so offer rather than risk a reload loop.
    reloadedFor = server ?? null;
  }
  const action = staleAction(pageBuild(), server, reloadedFor);
  if (action === 'reload' && server !== undefined) {
    try {
      sessionStorage.setItem(RELOADED_FOR, server);
    } catch {
      return 'offer';
    }
    location.reload();
  }
  return action;
}
