import { messageEvent, newEventId, toRequest, type WireKeys } from '../src/sandbox/wire.js';
import type { Shot } from './load.js';
import { prng, type ScaleManifest } from './scale-store.js';

/** The bot's open_id on the bench's fake platform. */
export const BENCH_BOT = 'ou_benchbot00000000000000000000000';

/** Console secrets shared by the bench's servers and its payloads. */
export const BENCH_KEYS: WireKeys & { appSecret: string } = {
  appId: 'cli_b0b0b0b0b0b0b0b0',
  appSecret: 'bench-secret',
  encryptKey: 'bench-encrypt-key',
  verificationToken: 'bench-verification-token',
};

/** One event of the mix, with the message id its reply will answer. */
export interface BenchEvent {
  shot: Shot;
  messageId: string;
  command: string;
}

/**
 * What members type, by weight: logging dominates, then looking things up. Each log line is unique (run tag and
 * sequence number), so no command is refused as a duplicate.
 */
const MIX: [number, string, (n: number, tag: string) => string][] = [
  [40, '学习', (n, tag) => `/学习 1小时 自学 党章第${n % 11}章 ${tag}-${n}`],
  [10, '志愿', (n, tag) => `/志愿 社区政策宣讲 ${tag}-${n} 2小时`],
  [15, '我的', () => '/我的'],
  [10, '截止', () => '/截止'],
  [10, '进度', () => '/进度'],
  [5, '问题', (n) => `/问题 P${(n % 5000) + 1}`],
  [5, '帮助', () => '/帮助'],
  [5, '成员', () => '/成员'],
];
const TOTAL = MIX.reduce((s, [w]) => s + w, 0);

/**
 * `count` signed, encrypted `im.message.receive_v1` pushes from the bureau's members: 70% in private chats with the
 * bot, 30% @-mentioning it in their branch chat. Timestamps are `now`, so send them within five minutes.
 */
export function buildEvents(m: ScaleManifest, count: number, tag: string, seed = 1): BenchEvent[] {
  const rnd = prng(seed);
  const out: BenchEvent[] = [];
  const ts = Math.floor(Date.now() / 1000);
  for (let n = 0; n < count; n++) {
    const branch = m.branches[Math.floor(rnd() * m.branches.length)]!;
    const sender = branch.members[Math.floor(rnd() * branch.members.length)]!;
    let w = rnd() * TOTAL;
    const [, command, text] = MIX.find(([weight]) => (w -= weight) < 0) ?? MIX[0]!;
    const group = rnd() < 0.3;
    const eventId = newEventId();
    const messageId = `om_${eventId}`;
    const body = messageEvent(BENCH_KEYS, {
      text: group ? `@_user_1 ${text(n, tag)}` : text(n, tag),
      senderOpenId: sender,
      chatId: group ? branch.chatId : `oc_p2p${sender.slice(6)}`,
      chatType: group ? 'group' : 'p2p',
      messageId,
      eventId,
      mentions: group ? [{ key: '@_user_1', openId: BENCH_BOT, name: '督办' }] : [],
    });
    out.push({ shot: toRequest(BENCH_KEYS, body, { timestamp: ts }), messageId, command });
  }
  return out;
}
