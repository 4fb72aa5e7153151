import { textMessage } from '../shared/text.js';
import { UserError, type Command } from '../types.js';
import { lookup } from '../shared/lookup.js';

/** The per-branch switches: what a secretary may call each scheduled message, and its job name. */
export const SWITCHES: readonly { words: readonly string[]; key: string; label: string }[] = [
  { words: ['截止提醒', '提醒', '截止'], key: 'reminders', label: '截止提醒（问题、措施、督办事项到期前后）' },
  { words: ['指标提醒', '指标'], key: 'quota-reminders', label: '指标提醒（考核周期最后 5 个工作日，私信落后的本人，名单私信书记）' },
  { words: ['周报', '周分析'], key: 'weekly-digest', label: '周报（每周第一个工作日）' },
  { words: ['组织生活提醒', '组织生活'], key: 'org-life-reminders', label: '组织生活提醒（本期应开而未登记的会议，期末最后 5 个工作日私信书记）' },
];

/** The switch behind `/提醒 频率`: on (never set) is 每日, off is 每周 (the branch chat hears only the weekly digest). */
export const DAILY_POSTS = 'daily-posts';

const RHYTHM: Record<string, boolean> = { 每日: true, 每天: true, daily: true, 每周: false, weekly: false };

/** `/提醒 [开启|关闭 <周报|截止提醒|指标提醒|组织生活提醒>]` · `/提醒 频率 每日|每周`: lists or switches the branch's scheduled messages. */
export const reminderSettings: Command = {
  name: '提醒',
  aliases: ['reminders'],
  roles: ['secretary'],
  summary: '查看或开关本支部的定时提醒和周报',
  usage: '/提醒　或　/提醒 关闭|开启 周报|截止提醒|指标提醒|组织生活提醒　或　/提醒 频率 每日|每周',
  examples: ['/提醒', '/提醒 关闭 周报', '/提醒 频率 每周'],
  async run(ctx) {
    const branch = ctx.chat.branch ?? (ctx.sender.branchId ? await ctx.store.getBranch(ctx.sender.branchId) : undefined);
    if (!branch) throw new UserError('请在支部群里发送（本群还没有绑定支部）。', { showUsage: false });
    if (ctx.role === 'secretary' && branch.id !== ctx.sender.branchId) throw new UserError('书记只能设置本支部的提醒。', { showUsage: false });
    const [verb, what] = ctx.args.split(' ').filter(Boolean);
    if (verb === undefined) {
      const lines = [`「${branch.name}」的定时消息：`];
      for (const s of SWITCHES) lines.push(`${(await ctx.store.isEnabled(branch.id, s.key)) ? '✅ 开启' : '⛔ 关闭'}　${s.label}`);
      lines.push(`频率：${rhythmLabel(await ctx.store.isEnabled(branch.id, DAILY_POSTS))}`);
      lines.push('群里从不点名指标未完成的同志。月度通报发往领导班子群，不按支部开关。修改：/提醒 关闭 周报 · /提醒 频率 每周');
      ctx.reply(textMessage(lines.join('\n')));
      return;
    }
    if (verb === '频率' || verb === 'rhythm') {
      const daily = what === undefined ? undefined : lookup(RHYTHM, what.toLowerCase());
      if (daily === undefined) throw new UserError(`频率可选「每日」或「每周」${what ? `，收到「${what}」` : ''}。`);
      await ctx.store.setEnabled(branch.id, DAILY_POSTS, daily, { by: ctx.sender.id, at: ctx.now.toISOString() });
      ctx.reply(textMessage(`「${branch.name}」群的定时消息频率已设为：${rhythmLabel(daily)}`));
      return;
    }
    if (verb !== '关闭' && verb !== '开启' && verb !== 'off' && verb !== 'on') throw new UserError(`第一个词应为「开启」或「关闭」，收到「${verb}」。`);
    const sw = SWITCHES.find((s) => what !== undefined && s.words.includes(what));
    if (!sw) throw new UserError(`要开关哪一项？可选：周报、截止提醒、指标提醒、组织生活提醒${what ? `（收到「${what}」）` : ''}。`);
    const on = verb === '开启' || verb === 'on';
    await ctx.store.setEnabled(branch.id, sw.key, on, { by: ctx.sender.id, at: ctx.now.toISOString() });
    ctx.reply(textMessage(`已${on ? '开启' : '关闭'}「${branch.name}」的${sw.label}。`));
  },
};

function rhythmLabel(daily: boolean): string {
  return daily
    ? '每日（每个工作日至多一条：有到期或逾期事项时发一张合并的截止提醒；发周报的那天只发周报，截止提醒改为私信负责人）'
    : '每周（群里只收周报；截止提醒私信负责人，逾期时抄送书记也私信）';
}
