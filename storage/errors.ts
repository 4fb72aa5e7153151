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

/**
 * A transaction could not be made durable (disk full, I/O error, database unreachable): nothing of it was kept, and
 * the same work may be tried again later. Distinct from a command's own failure, which retrying would only repeat.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** An error's code and message for a log line or a refusal (`ENOSPC: no space left on device, write`). */
export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}
