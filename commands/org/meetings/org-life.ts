import type { Branch } from '../../../storage/records.js';
import { kindOfForm, type StudyRecord } from '../../../storage/study.js';
import { findBranch } from '../../figures/find-branch.js';
import { formatDate, toLocalDate } from '../../shared/calendar.js';
import { PERIOD_EXAMPLES, parsePeriodWord } from '../../shared/periods.js';
import { textMessage } from '../../shared/text.js';
import { UserError, type Command, type CommandContext } from '../../types.js';
import { describeFrequency, isLeadershipKind } from './kinds.js';
import { slotList, turnoutText } from './org-life-status.js';
import { orgLifeByScope, type ScopeSlots } from './org-life-gaps.js';
import { setRule, showRules } from './org-life-rules.js';

const USAGE = '/组织生活 [支部名|全局|领导班子] [本月|本季度|本年|11月]';

/**
 * `/组织生活 [支部|全局|领导班子] [时段]`: which required meetings were held (date, topic, 实到/应到) and which are
 * missing; `规则` shows and an admin's `设置` changes how often each must be held.
 */
export const orgLife: Command = {
  name: '组织生活',
  aliases: ['orglife'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看支部或全局某时段的组织生活：已开的会议（日期、主题、实到/应到）和缺开的会议；/组织生活 规则 查看要求',
  usage: `${USAGE}；/组织生活 规则 [支部名]；/组织生活 设置 <会议> <每月|每季度|每年|不要求> [次数] [支部:<支部名>|全部支部|领导班子]（管理员）`,
  examples: ['/组织生活 本季度', '/组织生活 第一支部 本年', '/组织生活 设置 党小组会 每季度 支部:第二支部'],
  readsOnly: (args) => !/^(设置|set)(\s|$)/.test(args.trim()),
  async run(ctx) {
    const [first = '', ...more] = ctx.args.split(' ').filter(Boolean);
    if (first === '设置' || first === 'set') return setRule(ctx, more);
    if (first === '规则' || first === 'rules') return showRules(ctx, more.join(''));
    const today = toLocalDate(ctx.now);
    let period = parsePeriodWord('本季度', today)!;
    let scopeWord: string | undefined;
    for (const w of ctx.args.split(' ').filter(Boolean)) {
      const p = parsePeriodWord(w, today);
      if (p) period = p;
      else if (scopeWord === undefined) scopeWord = w;
      else throw new UserError(`看不懂「${w}」：时段可写 ${PERIOD_EXAMPLES}。\n正确格式：${USAGE}`, { showUsage: false });
    }
    if (period.start > today) throw new UserError(`${period.label} 还没有开始。`, { showUsage: false });
    const scope = await scopeOf(ctx, scopeWord);
    const all = await orgLifeByScope(ctx.store, period, today);
    const asOf = period.end < today ? period.end : today;
    const head = `组织生活 · ${scope === 'bureau' ? '全局' : scope === 'leadership' ? '领导班子' : scope.name} · ${period.label}（截至 ${formatDate(asOf)}）`;
    if (scope === 'bureau') return ctx.reply(textMessage([head, ...all.map(bureauLine)]));
    const id = scope === 'leadership' ? 'leadership' : scope.id;
    const others = (await ctx.store.listStudyRecords({ ...(id === 'leadership' ? {} : { branchId: id }), from: period.start, to: period.end })).filter((r) => {
      const kind = kindOfForm(r.form);
      return kind !== undefined && isLeadershipKind(kind) === (id === 'leadership');
    });
    ctx.reply(textMessage([head, ...scopeLines(all.find((s) => s.scope === id)!, others)]));
  },
};

/** One scope in detail: each rule's periods with the meetings held, then meetings no rule asks for, then what is missing. */
function scopeLines({ slots }: ScopeSlots, meetings: readonly StudyRecord[]): string[] {
  const rules = [...new Set(slots.map((s) => s.rule))];
  const lines: string[] = [];
  for (const rule of rules) {
    lines.push(`${rule.kind}（${describeFrequency(rule)}）`);
    for (const s of slots.filter((x) => x.rule === rule)) {
      const held = s.held.map((r) => `${formatDate(r.date)} ${r.content} ${turnoutText(r)}（${r.id}）`);
      const tail = s.state === 'held' ? '' : s.state === 'missing' ? '缺' : `待开（${formatDate(s.period.end)} 前）`;
      lines.push(`· ${s.period.label}：${[...held, ...(tail ? [held.length ? `还差 ${s.rule.min - held.length} 次，${tail}` : tail] : [])].join('；')}`);
    }
  }
  const ruled = new Set(rules.map((r) => r.kind));
  const others = meetings.filter((r) => !ruled.has(kindOfForm(r.form)!));
  if (others.length) lines.push('其他会议：', ...others.map((r) => `· ${formatDate(r.date)}${kindOfForm(r.form)} ${r.content} ${turnoutText(r)}（${r.id}）`));
  const missing = slots.filter((s) => s.state === 'missing');
  lines.push(missing.length ? `缺开 ${missing.length} 项：${slotList(missing)}` : rules.length ? '没有缺开的会议。' : '没有设置会议要求（/组织生活 规则）。');
  return lines;
}

/** A branch (or the leadership) in the bureau view: how many required meetings were held, which are missing or still to come. */
function bureauLine({ name, slots }: ScopeSlots): string {
  const held = slots.reduce((n, s) => n + s.held.length, 0);
  const missing = slots.filter((s) => s.state === 'missing');
  const open = slots.filter((s) => s.state === 'open');
  const parts = [`已开 ${held} 次`, ...(missing.length ? [`缺 ${slotList(missing)}`] : []), ...(open.length ? [`待开 ${slotList(open)}`] : [])];
  return `${name}：${parts.join('；')}`;
}

async function scopeOf(ctx: CommandContext, word: string | undefined): Promise<Branch | 'bureau' | 'leadership'> {
  const mayAll = ctx.role === 'leader' || ctx.role === 'admin';
  const own = async () => {
    const id = ctx.chat.branch?.id ?? ctx.sender.branchId;
    return id ? await ctx.store.getBranch(id) : undefined;
  };
  if (word === undefined) {
    if (ctx.chat.binding?.kind === 'leadership') return 'bureau';
    const b = ctx.chat.branch ?? (mayAll ? undefined : await own());
    if (b) return b;
    if (mayAll) return 'bureau';
    throw new UserError('你还没有归属支部：请写支部名，如 /组织生活 第一支部。', { showUsage: false });
  }
  if (['全局', '全部', '全局各支部', '全部支部', 'all'].includes(word)) {
    if (!mayAll) throw new UserError('全局的组织生活由领导和管理员查看；可查看本支部：/组织生活。', { showUsage: false });
    return 'bureau';
  }
  if (['领导班子', '党组', '中心组'].includes(word)) {
    if (!mayAll) throw new UserError('领导班子的组织生活由领导和管理员查看。', { showUsage: false });
    return 'leadership';
  }
  const b = word === '本支部' ? await own() : await findBranch(ctx.store, word);
  if (!b) throw new UserError(`「${word}」既不是支部名也不是时段：时段可写 ${PERIOD_EXAMPLES}。\n正确格式：${USAGE}`, { showUsage: false });
  if (!mayAll && b.id !== ctx.sender.branchId) throw new UserError(`只能查看本支部的组织生活，「${b.name}」不是你所在的支部。`, { showUsage: false });
  return b;
}
