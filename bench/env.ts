import { BENCH_KEYS } from './payloads.js';

/** The environment `src/main.ts` reads, pointed at a fake platform and a data file; quiet and without the scheduler. */
export function serverEnv(opts: { platformUrl: string; dataFile: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    FEISHU_APP_ID: BENCH_KEYS.appId,
    FEISHU_APP_SECRET: BENCH_KEYS.appSecret,
    FEISHU_ENCRYPT_KEY: BENCH_KEYS.encryptKey,
    FEISHU_VERIFICATION_TOKEN: BENCH_KEYS.verificationToken,
    FEISHU_DOMAIN: opts.platformUrl,
    DUBAN_DATA_FILE: opts.dataFile,
    DUBAN_SCHEDULER: 'off',
    LOG_LEVEL: 'silent',
    ...opts.extra,
  };
}
