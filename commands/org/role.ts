import { textMessage } from '../shared/text.js';
import { ROLE_NAMES } from '../../storage/records.js';
import { oneMention, withoutMentions } from '../shared/fields.js';
import { parseRole } from './roles.js';
import { UserError, type Command } from '../types.js';
import { findBranch } from '../figures/find-branch.js';

/** `/任命 @某人 书记|领导|管理员|党员 [支部名]`: sets a role, and the branch where one is implied (a leader's home branch). */
export const role: Command = {
  name: '任命',
  aliases: ['role'],
  roles: [],
  summary: '设置某人的角色（书记、领导、管理员、党员）',
  usage: '/任命 @某人 书记|领导|管理员|党员 [支部名]',
  examples: ['/任命 @张三 书记', '/任命 @李四 党员 第二支部', '/任命 @王局长 领导 第一支部'],
  async run(ctx) {
    const target = oneMention(ctx.args, ctx.mentions, '被任命人');
    const words = withoutMentions(ctx.args, ctx.mentions).split(' ').filter(Boolean);
    if (words.length === 0) throw new UserError('缺少角色：书记、领导、管理员 或 党员。');
    const newRole = parseRole(words[0]!);
    if (!newRole) throw new UserError(`不认识的角色「${words[0]}」：可选 书记、领导、管理员、党员。`);
    const branchName = words.slice(1).join('');
    let branchId: string | undefined;
    let branchLabel = '';
    if (branchName) {
      const b = await findBranch(ctx.store, branchName);
      if (!b) {
        const names = (await ctx.store.listBranches()).map((x) => x.name);
        throw new UserError(`没有名为「${branchName}」的支部。${names.length ? `现有支部：${names.join('、')}。` : '请先在支部群里 /绑定 <支部名>。'}`);
      }
      branchId = b.id;
      branchLabel = b.name;
    } else if (ctx.chat.branch) {
      branchId = ctx.chat.branch.id;
      branchLabel = ctx.chat.branch.name;
    }
    const before = await ctx.store.getPerson(target.openId);
    if (newRole === 'secretary' && !branchId && !before?.branchId) {
      throw new UserError('任命书记需要指明支部：在支部群里发送，或在命令末尾写支部名。');
    }
    const stamp = { by: ctx.sender.id, at: ctx.now.toISOString() };
    const saved = await ctx.store.savePerson(
      { id: target.openId, name: target.name, nameSource: before?.nameSource === 'contact' ? 'contact' : 'mention', role: newRole, ...(branchId ? { branchId } : {}) },
      stamp,
    );
    await ctx.store.audit({ at: stamp.at, by: stamp.by, action: 'role', subject: `person:${target.openId}`, from: before?.role, to: newRole });
    const where = branchId ? `「${branchLabel}」` : saved.branchId ? `「${(await ctx.store.getBranch(saved.branchId))?.name ?? ''}」` : '';
    const was = before ? `（原：${ROLE_NAMES[before.role]}）` : '';
    // A leader's branch is where they take part as a member (双重组织生活): say so, as it puts them on its roster.
    const home = newRole === 'leader' && where ? `，在${where}过双重组织生活（计入该支部应到和参与率）` : '';
    ctx.reply(textMessage(newRole === 'leader' ? `已任命 ${saved.name} 为领导${was}${home}。` : `已任命 ${saved.name} 为${where}${ROLE_NAMES[newRole]}${was}。`));
  },
};
