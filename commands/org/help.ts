import { textMessage } from '../shared/text.js';
import { ROLE_NAMES } from '../../storage/records.js';
import { mayRun, whoMay } from './roles.js';
import { UserError, type Command } from '../types.js';

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
    lines.push('发送 /帮助 <命令> 查看详细用法；每个命令也有英文别名，如 /help。');
    ctx.reply(textMessage(lines.join('\n')));
  },
};
