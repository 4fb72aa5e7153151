import { textMessage } from '../shared/text.js';
import { UserError, type Command } from '../types.js';

/** The per-branch switches: what a secretary may call each scheduled message, and its job name. */
export const SWITCHES: readonly { words: readonly string[]; key: string; label: string }[] = [
  { words: ['截止提醒', '提醒', '截止'], key: 'reminders', label: '截止提醒（问题、措施、督办事项到期前后）' },
  { words: ['指标提醒', '指标'], key: 'quota-reminders', label: '指标提醒（考核周期最后 5 个工作日）' },
  { words: ['周报', '周分析'], key: 'weekly-digest', label: '周报（每周第一个工作日）' },
];

/** `/提醒 [开启|关闭 <周报|截止提醒|指标提醒>]`: lists or switches the branch's scheduled messages. */
export const reminderSettings: Command = {
  name: '提醒',
  aliases: ['reminders'],
  roles: ['secretary'],
  summary: '查看或开关本支部的定时提醒和周报',
  usage: '/提醒　或　/提醒 关闭|开启 周报|截止提醒|指标提醒',
  examples: ['/提醒', '/提醒 关闭 周报'],
  async run(ctx) {
    const branch = ctx.chat.branch ?? (ctx.sender.branchId ? await ctx.store.getBranch(ctx.sender.branchId) : undefined);
    if (!branch) throw new UserError('请在支部群里发送（本群还没有绑定支部）。', { showUsage: false });
    if (ctx.role === 'secretary' && branch.id !== ctx.sender.branchId) throw new UserError('书记只能设置本支部的提醒。', { showUsage: false });
    const [verb, what] = ctx.args.split(' ').filter(Boolean);
    if (verb === undefined) {
      const lines = [`「${branch.name}」的定时消息：`];
      for (const s of SWITCHES) lines.push(`${(await ctx.store.isEnabled(branch.id, s.key)) ? '✅ 开启' : '⛔ 关闭'}　${s.label}`);
      lines.push('月度通报发往领导班子群，不按支部开关。修改：/提醒 关闭 周报');
      ctx.reply(textMessage(lines.join('\n')));
      return;
    }
    if (verb !== '关闭' && verb !== '开启' && verb !== 'off' && verb !== 'on') throw new UserError(`第一个词应为「开启」或「关闭」，收到「${verb}」。`);
    const sw = SWITCHES.find((s) => what !== undefined && s.words.includes(what));
    if (!sw) throw new UserError(`要开关哪一项？可选：周报、截止提醒、指标提醒${what ? `（收到「${what}」）` : ''}。`);
    const on = verb === '开启' || verb === 'on';
    await ctx.store.setEnabled(branch.id, sw.key, on, { by: ctx.sender.id, at: ctx.now.toISOString() });
    ctx.reply(textMessage(`已${on ? '开启' : '关闭'}「${branch.name}」的${sw.label}。`));
  },
};
