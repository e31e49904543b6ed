/** A tiny element builder: enough for this app's small, static structures. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') element.className = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** Runs `fn` once calls stop for `ms`, with the latest arguments. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: number | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      fn(...args);
    }, ms);
  };
}

const motion = window.matchMedia('(prefers-reduced-motion: reduce)');
export const reducedMotion = (): boolean => motion.matches;
