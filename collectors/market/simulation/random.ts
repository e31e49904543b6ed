/** A Poisson draw: Knuth's product method for small means, a rounded normal approximation above 30. */
export function poisson(mean: number, random: () => number, gaussian: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
