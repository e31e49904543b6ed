/**
 * The service worker's caches (pure, for sw.ts and its tests). One shell cache per build; at activation the newest
 * earlier one is kept beside the new one, so a page still running that build (left open across the deploy) finds its
 * lazily loaded view chunks there; older ones are deleted, so at most two builds are kept.
 */
export const SHELL_PREFIX = 'shell-';

/** The caches to delete when the shell cache `current` activates; `names` in creation order (CacheStorage.keys()). */
export function cachesToDelete(names: readonly string[], current: string, keep: readonly string[]): string[] {
  const earlierShells = names.filter((n) => n.startsWith(SHELL_PREFIX) && n !== current);
  const previous = earlierShells.at(-1);
  return names.filter((n) => n !== current && n !== previous && !keep.includes(n));
}
