import type Koa from 'koa';

/** A canned or computed HTTP answer of the fake. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An Open Platform error: HTTP status, Feishu code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(msg);
  }
}


const KB = 1024;
const JSON_LIMIT = 4 * KB * KB;

/** A success envelope. */
export function ok(data: unknown): Reply {
  return { status: 200, body: { code: 0, msg: 'success', data } };
}

/** An injected gateway answer; a 429 carries Feishu's rate-limit headers. */
export function faultReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  if (status === 429) {
    return {
      status,
      body: body ?? { code: 99991400, msg: 'request trigger frequency limit' },
      headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1', ...headers },
    };
  }
  return { status, body: body ?? { code: -1, msg: `injected fault: HTTP ${status}` }, headers };
}

/** Whether `v` is a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object body; anything else is Feishu's 9499. */
export function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ApiError(400, 9499, 'Invalid parameter type in json: body is not valid JSON');
  }
  if (!isRecord(v)) throw new ApiError(400, 9499, 'Invalid parameter type in json: body must be an object');
  return v;
}

/** The request body, at most `limit` bytes (a body parser mounted earlier may have read it already). */
export async function readBody(ctx: Koa.Context, limit = JSON_LIMIT, tooBig = new ApiError(400, 230025, 'The length of the message content reaches its limit.')): Promise<Buffer> {
  const request = ctx.request as unknown as { rawBody?: unknown; body?: unknown };
  // A body parser mounted earlier may already have drained the stream.
  if (typeof request.rawBody === 'string') return Buffer.from(request.rawBody);
  if (ctx.req.readableEnded) return request.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(request.body));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size <= limit) chunks.push(b);
  }
  if (size > limit) throw tooBig;
  return Buffer.concat(chunks);
}

/** Resolves after `ms` without keeping the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

