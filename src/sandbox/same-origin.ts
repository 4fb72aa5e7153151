import type Koa from 'koa';

/** Where the sandbox may be reached from: loopback names on the bound port, or any host when remote use was allowed. */
export interface SandboxOrigin {
  port: number;
  allowRemote: boolean;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Refuses a request whose Host is not a loopback name with the bound port (a DNS-rebinding page reaches us under
 * its own name) or whose Origin, when a browser sends one, is not this very host (a cross-site form or fetch).
 */
export function sameOriginOnly(o: SandboxOrigin): Koa.Middleware {
  const hosts = new Set(LOOPBACK.map((h) => `${h}:${o.port}`));
  return async (ctx, next) => {
    const host = ctx.get('host').toLowerCase();
    const origin = ctx.get('origin').toLowerCase();
    const hostOk = o.allowRemote ? host !== '' : hosts.has(host);
    const originOk = origin === '' || origin === `http://${host}`;
    if (!hostOk || !originOk) {
      ctx.status = 403;
      ctx.body = { error: '仅限本机访问（Host/Origin 不符）' };
      return;
    }
    await next();
  };
}
