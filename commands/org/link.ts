import { textMessage } from '../shared/text.js';
import { oneMention, withoutMentions } from '../shared/fields.js';
import { findBranch } from '../figures/find-branch.js';
import type { Branch } from '../../storage/records.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const UNDO = ['取消', '解除', 'remove', 'cancel'];

/** `/联系 [取消] @领导 <支部名>…`: links a leader to the branches they are responsible for (联系支部), or lists the links. */
export const link: Command = {
  name: '联系',
  aliases: ['link'],
  roles: [],
  summary: '设置领导联系的支部（联系支部）；逾期升级时在领导班子群 @ 该领导',
  usage: '/联系 @领导 <支部名> [支部名…]　或　/联系 取消 @领导 <支部名>　或　/联系（查看）',
  examples: ['/联系 @王局长 第一支部', '/联系 取消 @王局长 第一支部', '/联系'],
  async run(ctx) {
    if (ctx.mentions.length === 0 && ctx.args.trim() === '') return listLinks(ctx);
    const target = oneMention(ctx.args, ctx.mentions, '联系领导');
    const words = withoutMentions(ctx.args, ctx.mentions).split(' ').filter(Boolean);
    const undo = words.length > 0 && UNDO.includes(words[0]!.toLowerCase());
    const names = undo ? words.slice(1) : words;
    if (names.length === 0) throw new UserError('缺少支部名：写上该领导联系的支部。');
    const person = await ctx.store.getPerson(target.openId);
    if (person?.role !== 'leader') throw new UserError(`${target.name} 还不是领导：请先 /任命 @${target.name} 领导。`, { showUsage: false });
    const branches: Branch[] = [];
    for (const name of names) {
      const b = await findBranch(ctx.store, name);
      if (!b) {
        const all = (await ctx.store.listBranches()).map((x) => x.name);
        throw new UserError(`没有名为「${name}」的支部。${all.length ? `现有支部：${all.join('、')}。` : ''}`);
      }
      branches.push(b);
    }
    const before = person.linkedBranchIds ?? [];
    const ids = branches.map((b) => b.id);
    const after = undo ? before.filter((id) => !ids.includes(id)) : [...new Set([...before, ...ids])];
    const stamp = { by: ctx.sender.id, at: ctx.now.toISOString() };
    await ctx.store.savePerson({ id: person.id, linkedBranchIds: after }, stamp);
    await ctx.store.audit({ at: stamp.at, by: stamp.by, action: 'link', subject: `person:${person.id}`, from: before.join(','), to: after.join(',') });
    const which = branches.map((b) => `「${b.name}」`).join('');
    const now = await branchNames(ctx, after);
    ctx.reply(
      textMessage(
        undo
          ? `已解除 ${person.name} 与${which}的联系。${now ? `现联系：${now}。` : '现在没有联系的支部。'}`
          : `已设定 ${person.name} 联系${which}。这些支部的事项逾期升级时，将在领导班子群 @ ${person.name}。现联系：${now}。`,
      ),
    );
  },
};

async function branchNames(ctx: CommandContext, ids: readonly string[]): Promise<string> {
  const names = await Promise.all(ids.map(async (id) => (await ctx.store.getBranch(id))?.name ?? id));
  return names.join('、');
}

async function listLinks(ctx: CommandContext): Promise<void> {
  const leaders = (await ctx.store.listPeople({ role: 'leader' })).filter((p) => (p.linkedBranchIds ?? []).length > 0);
  if (leaders.length === 0) {
    ctx.reply(textMessage('还没有设定领导联系支部。设定：/联系 @王局长 第一支部'));
    return;
  }
  const lines = ['领导联系支部：'];
  for (const p of leaders) lines.push(`${p.name}：${await branchNames(ctx, p.linkedBranchIds!)}`);
  ctx.reply(textMessage(lines.join('\n')));
}
