/** A store precondition failed (unknown id, duplicate name); the message is safe to show. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}
