import { textMessage } from '../shared/text.js';
import { toLocalDate } from '../shared/calendar.js';
import { exportProblems, exportStudy } from './export-files.js';
import { parsePeriodWord, PERIOD_EXAMPLES } from '../shared/periods.js';
import { UserError, type Command, type CommandContext } from '../types.js';
import { findBranch } from '../figures/find-branch.js';
import { lookup } from '../shared/lookup.js';

const KINDS: Record<string, 'problems' | 'study'> = { 问题台账: 'problems', 问题清单: 'problems', 整改台账: 'problems', problems: 'problems', 学习台账: 'study', study: 'study' };

async function scope(ctx: CommandContext, word: string | undefined): Promise<{ branchId?: string; label: string }> {
  const everything = ctx.role === 'leader' || ctx.role === 'admin';
  if (word === undefined) {
    if (everything) return { label: '全部' };
    if (!ctx.sender.branchId) throw new UserError('你还没有归属支部，无法导出本支部台账。', { showUsage: false });
    return { branchId: ctx.sender.branchId, label: (await ctx.store.getBranch(ctx.sender.branchId))?.name ?? '本支部' };
  }
  if (word === '全部') {
    if (!everything) throw new UserError('导出全部台账需要领导或管理员；书记可导出本支部。', { showUsage: false });
    return { label: '全部' };
  }
  if (word === '本支部') {
    const id = ctx.chat.branch?.id ?? ctx.sender.branchId;
    if (!id) throw new UserError('本群没有绑定支部，请写支部名。');
    if (!everything && id !== ctx.sender.branchId) throw new UserError('书记只能导出本支部的台账。', { showUsage: false });
    return { branchId: id, label: (await ctx.store.getBranch(id))?.name ?? '本支部' };
  }
  const b = await findBranch(ctx.store, word);
  if (!b) throw new UserError(`没有名为「${word}」的支部。`);
  if (!everything && b.id !== ctx.sender.branchId) throw new UserError('书记只能导出本支部的台账；导出其他支部需要领导或管理员。', { showUsage: false });
  return { branchId: b.id, label: b.name };
}

/** `/导出 问题台账 [本支部|全部]`, `/导出 学习台账 [支部] [月份|季度|年份]`: the official .xlsx, sent privately. */
export const exportLedger: Command = {
  name: '导出',
  aliases: ['export'],
  roles: ['secretary', 'leader'],
  summary: '导出问题台账或学习台账（Excel，私信发给你）',
  usage: '/导出 问题台账 [本支部|全部|支部名]　或　/导出 学习台账 [支部名] [本月|本季度|2026年|11月]',
  examples: ['/导出 问题台账 全部', '/导出 学习台账 第一支部 2026年'],
  readsOnly: () => true,
  async run(ctx) {
    const [kindWord, ...rest] = ctx.args.split(' ').filter(Boolean);
    const kind = kindWord ? lookup(KINDS, kindWord.toLowerCase()) : undefined;
    if (!kind) throw new UserError(`要导出哪个台账？写「问题台账」或「学习台账」${kindWord ? `（收到「${kindWord}」）` : ''}。`);
    const today = toLocalDate(ctx.now);
    let period = parsePeriodWord('本年', today)!;
    let where: string | undefined;
    for (const w of rest) {
      const p = kind === 'study' ? parsePeriodWord(w, today) : undefined;
      if (p) period = p;
      else if (where === undefined) where = w;
      else throw new UserError(`看不懂「${w}」${kind === 'study' ? `：时段可写 ${PERIOD_EXAMPLES}` : ''}。`);
    }
    const s = await scope(ctx, where);
    const file = kind === 'problems' ? await exportProblems(ctx.store, { branchId: s.branchId, scopeLabel: s.label, today }) : await exportStudy(ctx.store, { branchId: s.branchId, scopeLabel: s.label, period, today });
    ctx.notify({ openId: ctx.sender.id }, { type: 'file', fileName: file.fileName, bytes: file.bytes });
    ctx.reply(textMessage(`已生成《${file.fileName}》（${file.rows} 条记录），已私信发送给你。`));
  },
};
