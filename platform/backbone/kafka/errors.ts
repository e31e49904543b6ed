/** Heartbeat errors meaning this member's partitions are being taken away (kafkajs rejoins on them). */
const MEMBERSHIP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/** The abort reason of a delivery whose subscription was closed with 'abort'. */
export class SubscriptionClosedError extends Error {
  constructor() {
    super('the subscription was closed');
    this.name = 'SubscriptionClosedError';
  }
}

/** The abort reason of a delivery whose partition went to another member (or back through a rejoin). */
export class PartitionRevokedError extends Error {
  /** The heartbeat error that revealed the rebalance, when that is how it was found. */
  readonly membershipError: Error | undefined;
  constructor(membershipError: Error | undefined) {
    super('the partition was revoked from this member');
    this.name = 'PartitionRevokedError';
    this.membershipError = membershipError;
  }
}

export function isMembershipError(error: unknown): error is Error {
  return (
    error instanceof Error && 'type' in error && typeof error.type === 'string' && MEMBERSHIP_ERRORS.has(error.type)
  );
}
