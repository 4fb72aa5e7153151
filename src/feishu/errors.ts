/** How a failed Open Platform call should be treated by the outbox. */
export interface FeishuFailure {
  ok: false;
  /** retry: try again later; token: clear the token and retry at once; permanent: give up. */
  kind: 'retry' | 'token' | 'permanent';
  status?: number;
  code?: number;
  msg: string;
  /** From x-ogw-ratelimit-reset, when the platform said how long to wait. */
  retryAfterMs?: number;
}

const RATE_LIMIT = new Set([99991400, 230020, 11232]);
const TOKEN = new Set([99991663, 99991661, 99991664, 99991665]);

/** Classifies an SDK result or thrown error, keeping Feishu's own code and message. */
export function classifyFailure(err: unknown): FeishuFailure {
  const e = err as { response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, string> }; code?: string | number; msg?: string; message?: string };
  if (e && typeof e === 'object' && 'response' in e && e.response) {
    const status = e.response.status;
    const code = e.response.data?.code;
    const msg = e.response.data?.msg ?? e.message ?? 'http error';
    const reset = Number(e.response.headers?.['x-ogw-ratelimit-reset']);
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
    return { ok: false, kind: kindOf(status, code), status, code, msg, retryAfterMs };
  }
  if (e && typeof e === 'object' && typeof e.code === 'number') {
    return { ok: false, kind: kindOf(200, e.code), status: 200, code: e.code, msg: String(e.msg ?? '') };
  }
  // No response at all: a network error or timeout.
  return { ok: false, kind: 'retry', msg: e?.message ?? String(err) };
}

function kindOf(status: number | undefined, code: number | undefined): FeishuFailure['kind'] {
  if (code !== undefined && TOKEN.has(code)) return 'token';
  if (code !== undefined && RATE_LIMIT.has(code)) return 'retry';
  if (status === 429 || (status !== undefined && status >= 500)) return 'retry';
  return 'permanent';
}
