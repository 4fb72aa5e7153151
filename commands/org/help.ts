import { textMessage } from '../shared/text.js';
import { ROLE_NAMES } from '../../storage/records.js';
import { mayRun, whoMay } from './roles.js';
import { UserError, type Command } from '../types.js';

/** The accepted date forms and the holiday calendar, as the README's "Dates and the holiday calendar" says. */
export const CALENDAR_HELP = [
  '日期写法：12月31日、2026-12-31、下周五、3天后、月底、下月底、本季度末、年底前、3个工作日内；元旦前、春节前（年前、节前）、春节后、元宵节前、清明前、五一前、端午前、中秋前、国庆前、国庆后；月初、下月初、月中、上旬、中旬、下旬、12月中旬；本周内、周五下班前、周末前（指周五）。上旬、本周内等取最后一天为时限；每个日期都回显星期。',
  '工作日按法定节假日与调休计算：/假期 [年份] 查看某年安排；管理员可用 /假期 2027 元旦 1月1日-1月3日 调休:1月4日 或整段粘贴国务院通知录入，录入的安排优先。',
];

/** `/帮助 [命令]`: the commands the caller may use, or one command's usage. */
export const help: Command = {
  name: '帮助',
  aliases: ['help', '?', '？'],
  roles: ['member', 'secretary', 'leader'],
  summary: '列出可用命令，或查看某个命令的用法',
  usage: '/帮助 [命令]',
  examples: ['/帮助', '/帮助 绑定'],
  async run(ctx) {
    const word = ctx.args.replace(/^\//, '').trim();
    if (word) {
      const cmd = ctx.commands.find((c) => c.name === word || c.aliases.includes(word.toLowerCase()));
      if (!cmd) throw new UserError(`没有「${word}」这个命令。发送 /帮助 查看全部命令。`, { showUsage: false });
      const lines = [
        `/${cmd.name}（/${cmd.aliases[0] ?? cmd.name}）：${cmd.summary}`,
        `用法：${cmd.usage}`,
        ...cmd.examples.map((e) => `例：${e}`),
        `可用角色：${whoMay(cmd.roles)}`,
      ];
      if (!mayRun(cmd, ctx.role)) lines.push(`你当前的角色（${ROLE_NAMES[ctx.role]}）不能使用此命令。`);
      ctx.reply(textMessage(lines.join('\n')));
      return;
    }
    const mine = ctx.commands.filter((c) => mayRun(c, ctx.role));
    const lines = [`督办可用命令（你的角色：${ROLE_NAMES[ctx.role]}）：`];
    for (const c of mine) lines.push(`/${c.name} — ${c.summary}。例：${c.examples[0]}`);
    lines.push(...CALENDAR_HELP, '发送 /帮助 <命令> 查看详细用法；每个命令也有英文别名，如 /help。');
    ctx.reply(textMessage(lines.join('\n')));
  },
};
