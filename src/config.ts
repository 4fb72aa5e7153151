import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean));

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalSecret = z.preprocess(blankToUndefined, z.string().min(1).optional());

const Schema = z.object({
    FEISHU_APP_ID: z.preprocess(blankToUndefined, z.string().regex(/^cli_[0-9a-zA-Z]+$/, 'must look like cli_…').optional()),
    FEISHU_APP_SECRET: optionalSecret,
    FEISHU_VERIFICATION_TOKEN: optionalSecret,
    FEISHU_ENCRYPT_KEY: optionalSecret,
    FEISHU_DOMAIN: z.preprocess(
      blankToUndefined,
      z
        .union([z.enum(['feishu', 'lark']), z.string().regex(/^https?:\/\/[^/]+$/, 'feishu, lark, or a base URL without a trailing slash')])
        .default('feishu'),
    ),
    FEISHU_MODE: z.preprocess(blankToUndefined, z.enum(['webhook', 'ws']).default('webhook')),
    PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(blankToUndefined, z.string().optional()),
    DUBAN_DATA_FILE: z.preprocess(blankToUndefined, z.string().optional()),
    DUBAN_TIMEZONE: z.preprocess(blankToUndefined, z.literal('Asia/Shanghai', 'only Asia/Shanghai is supported').default('Asia/Shanghai')),
    DUBAN_ADMINS: csv,
    DUBAN_ADMIN_TOKEN: optionalSecret,
    DUBAN_SCHEDULER: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('on')),
    DUBAN_SCHEDULE: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^([a-z-]+=\d{1,2}:\d{2})(,[a-z-]+=\d{1,2}:\d{2})*$/, 'comma-separated job=HH:MM, e.g. reminders=09:00,monthly-bulletin=09:30')
        .optional(),
    ),
    LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

const REQUIRED_WITH_APP = ['FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_ENCRYPT_KEY'] as const;

/** Validated configuration; `feishu` is undefined in local (sandbox) mode. */
export interface Config {
  feishu?: {
    appId: string;
    appSecret: string;
    verificationToken: string;
    encryptKey: string;
    domain: string;
    mode: 'webhook' | 'ws';
  };
  port: number;
  host: string;
  dataFile: string;
  timezone: 'Asia/Shanghai';
  admins: string[];
  adminToken?: string;
  logLevel: string;
  /** Whether node-cron runs the jobs (off for tests and for replicas that only serve). */
  scheduler: boolean;
  /** Job times of day (`HH:MM`, Asia/Shanghai) overriding each job's default. */
  schedule: Record<string, string>;
}

/** Thrown with every bad key named and no value printed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads configuration from an injected env (process.env in production). */
export function readConfig(env: Record<string, string | undefined>): Config {
  const r = Schema.safeParse(env);
  const lines = r.success ? [] : r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  if (env.FEISHU_APP_ID?.trim()) {
    for (const key of REQUIRED_WITH_APP) if (!env[key]?.trim()) lines.push(`  ${key}: required when FEISHU_APP_ID is set`);
  }
  if (!r.success || lines.length > 0) throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  const c = r.data;
  return {
    feishu: c.FEISHU_APP_ID
      ? {
          appId: c.FEISHU_APP_ID,
          appSecret: c.FEISHU_APP_SECRET!,
          verificationToken: c.FEISHU_VERIFICATION_TOKEN!,
          encryptKey: c.FEISHU_ENCRYPT_KEY!,
          domain: c.FEISHU_DOMAIN,
          mode: c.FEISHU_MODE,
        }
      : undefined,
    port: c.PORT,
    // Local mode serves the sandbox, which must not be reachable from the network by default.
    host: c.HOST ?? (c.FEISHU_APP_ID ? '0.0.0.0' : '127.0.0.1'),
    // Sandbox data never mixes with a real bureau's ledgers.
    dataFile: c.DUBAN_DATA_FILE ?? (c.FEISHU_APP_ID ? './data/duban.json' : './data/sandbox.json'),
    timezone: c.DUBAN_TIMEZONE,
    admins: c.DUBAN_ADMINS,
    adminToken: c.DUBAN_ADMIN_TOKEN,
    logLevel: c.LOG_LEVEL,
    scheduler: c.DUBAN_SCHEDULER === 'on',
    schedule: Object.fromEntries((c.DUBAN_SCHEDULE ?? '').split(',').filter(Boolean).map((kv) => {
      const [job, time] = kv.split('=') as [string, string];
      return [job, time.padStart(5, '0')];
    })),
  };
}
