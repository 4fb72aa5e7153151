import { pino, type Logger } from 'pino';
import { createScrubber } from './scrub-secrets.js';

export type { Logger };

/** An error reduced to what helps an operator; never an HTTP client's config, request or headers (they carry credentials). */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: unknown; response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } } };
  const data = typeof e.response?.data === 'object' && e.response.data !== null ? e.response.data : undefined;
  return {
    type: e.name,
    message: e.message,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.response?.status !== undefined ? { status: e.response.status } : {}),
    ...(data?.code !== undefined ? { remoteCode: data.code, remoteMsg: data.msg } : {}),
    stack: e.stack,
  };
}

/** The process logger (JSON lines on stdout), every line scrubbed of the given secrets and of token-shaped strings. */
export function createLogger(level: string, destination?: NodeJS.WritableStream, secrets: readonly (string | undefined)[] = []): Logger {
  // Scrubbing the finished line, not chosen fields: secrets arrive inside messages (an SDK error's text, a request body).
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: describeError, error: describeError },
      hooks: { streamWrite: createScrubber(secrets) },
    },
    destination as never,
  );
}
