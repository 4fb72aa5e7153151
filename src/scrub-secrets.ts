/** Keys whose values are credentials wherever they appear (JSON at any escaping depth, query strings, headers). */
const SECRET_KEYS = [
  'app_secret',
  'appsecret',
  'tenant_access_token',
  'app_access_token',
  'user_access_token',
  'access_token',
  'encrypt_key',
  'encryptkey',
  'verification_token',
  'verificationtoken',
  'admin_token',
  'authorization',
  'token',
];

const PATTERNS: [RegExp, string][] = [
  [/Bearer\s+[^\s"'\\,;]+/gi, 'Bearer [redacted]'],
  // Feishu's access tokens: t- (tenant), u- (user), a- (app) followed by a long opaque string.
  [/(?<![\w-])[tua]-[0-9A-Za-z_]{16,}/g, '[redacted]'],
  [new RegExp(`((?<![A-Za-z_])(?:${SECRET_KEYS.join('|')})\\\\*"?\\s*[:=]\\s*\\\\*"?)([^"\\\\\\s,&}]+)`, 'gi'), '$1[redacted]'],
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a secret takes inside a log line: raw, JSON-escaped once and twice (a JSON body inside a JSON line), URL-encoded. */
function forms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [secret, once, twice, encodeURIComponent(secret)];
}

/** Builds a line filter that replaces every given secret value and every token-shaped string with `[redacted]`. */
export function createScrubber(secrets: readonly (string | undefined)[]): (line: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => !!s).flatMap(forms))].sort((a, b) => b.length - a.length);
  const known = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : undefined;
  return (line) => {
    let out = known ? line.replace(known, '[redacted]') : line;
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  };
}
