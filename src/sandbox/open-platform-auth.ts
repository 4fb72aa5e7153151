import type Koa from 'koa';
import { ApiError, type Reply } from './open-platform-http.js';
import { hex } from './open-platform-ids.js';

const TOKEN_TTL_S = 7200;
const TOKEN_REISSUE_S = 30 * 60;

/** Tenant access tokens: `issueToken` answers the token endpoint, `authorize` checks a request's bearer token. */
export function createTokens(opts: { appId: string; appSecret: string; now: () => number }) {
  const { now } = opts;
  const tokens = new Map<string, number>(); // token → expiry (epoch ms)
  let currentToken: string | undefined;

  function authorize(ctx: Koa.Context): void {
    const header = ctx.get('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      throw new ApiError(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    const expiry = tokens.get(token);
    if (expiry === undefined || expiry <= now()) {
      throw new ApiError(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
  }

  function issueToken(body: Record<string, unknown>): Reply {
    const { app_id: appId, app_secret: appSecret } = body;
    if (typeof appId !== 'string' || typeof appSecret !== 'string' || appId !== opts.appId) {
      return { status: 200, body: { code: 10003, msg: 'invalid param' } };
    }
    if (appSecret !== opts.appSecret) return { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    const t = now();
    const expiry = currentToken === undefined ? undefined : tokens.get(currentToken);
    // Feishu hands back the same token until less than 30 minutes remain.
    if (currentToken && expiry !== undefined && expiry - t > TOKEN_REISSUE_S * 1000) {
      const expire = Math.floor((expiry - t) / 1000);
      return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: currentToken, expire } };
    }
    currentToken = `t-${hex(20)}`;
    tokens.set(currentToken, t + TOKEN_TTL_S * 1000);
    return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: currentToken, expire: TOKEN_TTL_S } };
  }

  function expireAll(): void {
    tokens.clear();
    currentToken = undefined;
  }

  return { authorize, issueToken, expireAll };
}
