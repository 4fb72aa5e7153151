import { createHash } from 'node:crypto';

/** A stable outbox id (Feishu's uuid allows 50 characters) for a once-only notice key. */
export function noticeId(key: string): string {
  return 'n-' + createHash('sha256').update(key).digest('hex').slice(0, 40);
}
