/** Input the analytics cannot work with: too few points, mismatched lengths, bad parameters. */
export class AnalyticsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalyticsInputError';
  }
}

/** A matrix that must be inverted or factorised is singular (or not positive definite): collinear series. */
export class SingularMatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SingularMatrixError';
  }
}

export function requireLength(what: string, n: number, min: number): void {
  if (n < min) throw new AnalyticsInputError(`${what}: needs at least ${min} points, got ${n}`);
}

/** A file (or posted body) that is not valid JSON, lacks the fixture layout, or asks for a setting not supported. */
export class FixtureFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureFileError';
  }
}
