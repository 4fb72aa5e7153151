import { z } from 'zod';

const csv = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean));

const parseUrl = (s: string): URL | undefined => {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
};

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
    DUBAN_DATABASE_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .refine((s) => /^postgres(ql)?:$/.test(parseUrl(s)?.protocol ?? ''), 'must be a URL like postgres://user:password@host:5432/duban')
        .optional(),
    ),
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
    DUBAN_MODE: z.preprocess(blankToUndefined, z.enum(['feishu', 'local']).optional()),
    DUBAN_SANDBOX_ALLOW_REMOTE: z.preprocess(blankToUndefined, z.enum(['0', '1']).default('0')),
    DUBAN_SANDBOX_FEISHU_MODE: z.preprocess(blankToUndefined, z.enum(['webhook', 'ws']).default('webhook')),
});

const REQUIRED_FEISHU = ['FEISHU_APP_ID', 'FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_ENCRYPT_KEY'] as const;
const KNOWN_FEISHU = new Set(Object.keys(Schema.shape).filter((k) => k.startsWith('FEISHU_')));

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
  /** local runs the sandbox: chosen only when no FEISHU_* setting is present, or with DUBAN_MODE=local. */
  mode: 'feishu' | 'local';
  port: number;
  host: string;
  /** Local mode on a non-loopback host, allowed only by DUBAN_SANDBOX_ALLOW_REMOTE=1. */
  sandboxAllowRemote: boolean;
  /** How the sandbox's stand-in platform delivers events: to the webhook, or over a long connection as FEISHU_MODE=ws does. */
  sandboxFeishuMode: 'webhook' | 'ws';
  dataFile: string;
  /** PostgreSQL instead of the data file, for several replicas on one database. */
  databaseUrl?: string;
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
  const feishuKeys = Object.keys(env).filter((k) => k.startsWith('FEISHU_') && env[k]?.trim());
  for (const key of feishuKeys) if (!KNOWN_FEISHU.has(key)) lines.push(`  ${key}: unknown setting (misspelt? known: ${[...KNOWN_FEISHU].join(', ')})`);
  const mode = env.DUBAN_MODE?.trim() === 'local' ? 'local' : env.DUBAN_MODE?.trim() === 'feishu' || feishuKeys.length > 0 ? 'feishu' : 'local';
  if (mode === 'feishu') {
    const why = feishuKeys.length > 0 ? `Feishu settings are present (${feishuKeys.join(', ')})` : 'DUBAN_MODE=feishu';
    for (const key of REQUIRED_FEISHU) {
      if (!env[key]?.trim()) lines.push(`  ${key}: required because ${why}; for the local sandbox remove every FEISHU_* setting or set DUBAN_MODE=local`);
    }
  }
  const appId = r.success ? r.data.FEISHU_APP_ID : undefined;
  if (mode === 'feishu' && r.success && r.data.FEISHU_MODE === 'ws' && appId && !/^cli_[0-9a-fA-F]{16}$/.test(appId)) {
    lines.push('  FEISHU_APP_ID: FEISHU_MODE=ws needs the app id exactly as the console shows it, cli_ and 16 hex digits (the SDK\'s long-connection client silently refuses any other)');
  }
  const host = env.HOST?.trim() || (mode === 'feishu' ? '0.0.0.0' : '127.0.0.1');
  if (mode === 'local' && !isLoopback(host) && env.DUBAN_SANDBOX_ALLOW_REMOTE?.trim() !== '1') {
    lines.push('  HOST: local (sandbox) mode lets anyone act as anyone, so it binds only to loopback (127.0.0.1, ::1, localhost); set DUBAN_SANDBOX_ALLOW_REMOTE=1 to override');
  }
  if (!r.success || lines.length > 0) throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  const c = r.data;
  return {
    mode,
    feishu:
      mode === 'feishu'
        ? {
            appId: c.FEISHU_APP_ID!,
            appSecret: c.FEISHU_APP_SECRET!,
            verificationToken: c.FEISHU_VERIFICATION_TOKEN!,
            encryptKey: c.FEISHU_ENCRYPT_KEY!,
            domain: c.FEISHU_DOMAIN,
            mode: c.FEISHU_MODE,
          }
        : undefined,
    port: c.PORT,
    // Local mode serves the sandbox, which must not be reachable from the network by default.
    host,
    sandboxAllowRemote: c.DUBAN_SANDBOX_ALLOW_REMOTE === '1',
    sandboxFeishuMode: c.DUBAN_SANDBOX_FEISHU_MODE,
    // Sandbox data never mixes with a real bureau's ledgers.
    dataFile: c.DUBAN_DATA_FILE ?? (mode === 'feishu' ? './data/duban.json' : './data/sandbox.json'),
    databaseUrl: c.DUBAN_DATABASE_URL,
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

/** Every credential in the configuration, for the logger to scrub from its lines. */
export function secretsOf(config: Config): string[] {
  const f = config.feishu;
  const db = config.databaseUrl ? parseUrl(config.databaseUrl)?.password : undefined;
  // The URL holds the password percent-encoded; a driver's message may quote either form.
  const dbPassword = db ? [db, decodeURIComponent(db)] : [];
  return [f?.appSecret, f?.encryptKey, f?.verificationToken, config.adminToken, ...dbPassword].filter((s): s is string => !!s);
}

/** Whether a bind address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
