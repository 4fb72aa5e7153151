/** A store precondition failed (unknown id, duplicate name); the message is safe to show. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

/**
 * The data cannot be opened as it is (damaged, in use, or of another mode); the message names the file and the fix,
 * and the process must refuse to start rather than run on an empty or partial bureau.
 */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}
