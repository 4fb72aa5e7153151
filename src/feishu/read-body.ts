import type { IncomingMessage } from 'node:http';

/** Why a body could not be read; `status` is the HTTP answer (413 too large, 408 too slow, 400 aborted). */
export class BodyReadError extends Error {
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body whole, refusing more than `maxBytes` or a body that has not arrived within `timeoutMs`. */
export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) return Promise.reject(new BodyReadError(413, 'body too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err?: BodyReadError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
      if (err) {
        // Drop what was buffered at once: a stalled or oversized body must not pin memory until the socket closes.
        chunks.length = 0;
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new BodyReadError(413, 'body too large'));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onAbort = () => finish(new BodyReadError(400, 'request aborted'));
    const timer = setTimeout(() => finish(new BodyReadError(408, 'body not received in time')), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}
