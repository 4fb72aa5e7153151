import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidLocalDate } from '../../commands/shared/calendar.js';
import { parseDate } from '../../commands/shared/dates.js';
import { parseDuration } from '../../commands/shared/duration.js';
import { splitFields } from '../../commands/shared/fields.js';
import { COMMANDS } from '../../commands/index.js';
import { parseMessage } from '../../commands/shared/parse-message.js';
import { createLogger } from '../../src/logger.js';
import { createRouter } from '../../src/router.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const words = COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
const now = new Date('2026-11-23T10:00:00+08:00');

/** Text the way cadres' phones produce it: command words, field keys, dates, mentions, emoji, full-width forms. */
const chatty = fc
  .array(
    fc.oneof(
      fc.constantFrom(...words.map((w) => `/${w}`), '@_user_1', '@_user_2', '时限:', '负责人:', '参加:', '日期:', '责任单位:', 'P1', 'P1-1', 'T1', 'S1', '：', '／', '　', '2小时', '半天', '下周五', '月底', '12月31日', '2026-02-30', '通过', '驳回', '完成', '全部', '本支部', '《党章》', '😀', '\u0000', '\n'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(' '));

describe('bad input: parsers never throw (100,000 generated cases)', () => {
  it('parseMessage: 40,000 messages', () => {
    const mentions = [
      { key: '@_user_1', openId: 'ou_bot', name: '督办' },
      { key: '@_user_2', openId: 'ou_z', name: '张三' },
    ];
    fc.assert(
      fc.property(chatty, fc.constantFrom<'group' | 'p2p'>('group', 'p2p'), (text, chatType) => {
        const r = parseMessage({ text, chatType, mentions, botOpenId: 'ou_bot' }, words);
        if (r.kind === 'command') expect(typeof r.word).toBe('string');
      }),
      { numRuns: 40_000 },
    );
    // Forty thousand parses take ~10 s alone and several times that on a loaded machine: a budget, not a target.
  }, 120_000);

  it('parseDuration: 30,000 strings; any accepted duration is positive and at most 24 hours', () => {
    fc.assert(
      fc.property(fc.oneof(chatty, fc.string()), (text) => {
        const r = parseDuration(text);
        if (r?.ok) expect(r.minutes > 0 && r.minutes <= 24 * 60).toBe(true);
      }),
      { numRuns: 30_000 },
    );
  });

  it('splitFields: 20,000 strings; fields and rest come from the input', () => {
    fc.assert(
      fc.property(chatty, (text) => {
        const { rest, fields } = splitFields(text, ['时限', '负责人', '参加', '日期', '责任单位']);
        expect(text.includes(rest)).toBe(true);
        for (const v of Object.values(fields)) expect(text.includes(v)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('parseDate: 10,000 strings; an accepted date is a real calendar date', () => {
    fc.assert(
      fc.property(chatty, (text) => {
        const r = parseDate(text, now);
        if (r.ok) expect(isValidLocalDate(r.date)).toBe(true);
        else expect(r.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('bad input through the router: a rejected command stores nothing', () => {
  let store: Store;
  let router: ReturnType<typeof createRouter>;
  beforeAll(async () => {
    store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-fuzz-')), 'duban.json'));
    router = createRouter({
      store,
      commands: COMMANDS,
      admins: ['ou_admin'],
      directory: { displayName: async () => undefined, botOpenId: () => 'ou_bot' },
      logger: createLogger('silent'),
      onOutbox: () => undefined,
    });
    // A bound branch with a problem and a record, so references resolve.
    const say = (sender: string, text: string) => exec(sender, text);
    await say('ou_admin', '/绑定 第一支部');
    await say('ou_z', '/学习 1小时 自学 《党章》');
    await say('ou_z', '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:张三');
  });
  afterAll(async () => {
    await store.close();
  });

  /** Journals a message as the intake would, then runs it through the router, capturing the replies. */
  async function exec(sender: string, text: string) {
    const ev = { eventId: `e${Math.random()}`, messageId: `om_${Math.random()}`, chatId: 'oc_b1', chatType: 'group' as const, senderId: sender, messageType: 'text', text: `@_user_1 ${text}`, mentions: [{ key: '@_user_1', openId: 'ou_bot', name: '督办' }] };
    await store.transact((tx) => tx.recordInbound({ id: ev.eventId, messageId: ev.messageId, kind: 'message', receivedAt: now.toISOString(), payload: ev }));
    return router.run(ev, now, { capture: true });
  }

  /** Everything but the people (anyone who speaks is registered, rejected or not) and the journals. */
  const ledgers = () =>
    store.read(async (tx) => JSON.stringify([await tx.listProblems(), await tx.listMeasures(), await tx.listTasks(), await tx.listStudyRecords({ includeVoided: true }), await tx.listQuotas(), await tx.listBranches(), await tx.listChats()]));

  it('1,500 generated commands from every role: every rejection leaves the ledgers as they were, and nothing throws', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...words), chatty, fc.constantFrom('ou_admin', 'ou_z', 'ou_new'), async (word, args, sender) => {
        const before = await ledgers();
        const r = await exec(sender, `/${word} ${args}`);
        expect(r.replies.length).toBeGreaterThan(0);
        for (const reply of r.replies) expect(reply).not.toMatch(/at .+\.ts:\d+|Error:|undefined|\[object Object\]|内部错误/);
        if (!r.ok) {
          rejected++;
          expect(await ledgers()).toBe(before);
        }
      }),
      { numRuns: 1_500 },
    );
    expect(rejected).toBeGreaterThan(500);
  }, 120_000);
});
