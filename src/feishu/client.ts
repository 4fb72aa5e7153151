import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.js';
import { sdkLogger } from './sdk-logger.js';

/** An SDK client and a way to drop its tenant token. */
export interface FeishuClient {
  sdk: lark.Client;
  /** Forgets the cached tenant token so the next call fetches a new one (the SDK never refreshes on its own). */
  forgetToken(): void;
}

/** An SDK client with its own token cache (the SDK's default cache is shared by every client in the process). */
export function createClient(opts: { appId: string; appSecret: string; domain: string; logger: Logger; timeoutMs?: number }): FeishuClient {
  const domain = opts.domain === 'feishu' ? lark.Domain.Feishu : opts.domain === 'lark' ? lark.Domain.Lark : opts.domain.replace(/\/+$/, '');
  // The SDK's shared axios instance has no timeout: a hung connection would stall the outbox lane forever.
  if (!lark.defaultHttpInstance.defaults.timeout) lark.defaultHttpInstance.defaults.timeout = opts.timeoutMs ?? 10_000;
  // Open API calls are never redirected. With redirects off axios sends through node:http itself instead of its
  // follow-redirects wrapper (1.3 s of the elected sender's 25 s of CPU in a profiled province bench run), and a 3xx
  // is an error rather than a request sent elsewhere.
  lark.defaultHttpInstance.defaults.maxRedirects = 0;
  const cache = new lark.DefaultCache();
  const sdk = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    appType: lark.AppType.SelfBuild,
    domain,
    cache,
    logger: sdkLogger(opts.logger),
  });
  return { sdk, forgetToken: () => cache.values.clear() };
}
