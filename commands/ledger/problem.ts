import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { isSpecial, sourceOf, type Measure, type Problem } from '../../storage/ledger.js';
import { formatDate, type LocalDate } from '../shared/calendar.js';
import { fieldsText, missingFieldsError, splitFields, type MissingField } from '../shared/fields.js';
import {
  branchName,
  calendarNoteOnce,
  DEADLINE_KEYS,
  field,
  findProblem,
  namesFor,
  noteLines,
  parseDeadline,
  parseSource,
  PERSON_KEYS,
  personField,
  PROBLEM_REF,
  stampOf,
  todayOf,
  tellPerson,
} from './ledger-common.js';
import { clip, deadlineLine, formatInstant, isOpenProblem, isOverdue, measureStatusLabel, problemStatusLabel, renderHistory } from './ledger-status.js';
import { UserError, type Command, type CommandContext } from '../types.js';
import { findBranch } from '../figures/find-branch.js';
import { evidenceLine, evidenceOf } from './evidence-items.js';
import { parseSpecial, SOURCE_KEYS, SPECIAL_KEYS, TARGET_KEYS, UNIT_KEYS } from './problem-edit.js';
import { lookup } from '../shared/lookup.js';

const BRANCH_KEYS = ['支部'] as const;
const KEYS = [...UNIT_KEYS, ...DEADLINE_KEYS, ...PERSON_KEYS, ...SOURCE_KEYS, ...TARGET_KEYS, ...SPECIAL_KEYS, ...BRANCH_KEYS];
const LIST_WORDS = /^(列表|清单|list)(\s|$)/i;
const MAX_LINES = 50;
// `… 确认` at the end: the sender saw the duplicate warning and means it.
const CONFIRM = /(?:^|[\s,，])确认$/;
const DUPLICATE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** `/问题 …` opens a problem in the branch; `/问题 P12` shows one with measures and history; `/问题 列表` lists them. */
export const problem: Command = {
  name: '问题',
  aliases: ['problem'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记检视问题；查看问题详情或问题清单',
  usage: '/问题 <描述> 责任单位:<单位> 时限:<日期> 负责人:@某人 [来源:调查研究|推动发展|群众反映] [专项整治:是] [目标:<整改目标>]　或　/问题 P12　或　/问题 列表 [本支部|全部|逾期|待审核]',
  examples: ['/问题 数据共享不直接，供需对接不精准 责任单位:数据资源科 时限:12月31日 负责人:@张三 来源:调查研究', '/问题 P12', '/问题 列表 逾期'],
  async run(ctx) {
    const args = ctx.args.trim();
    if (PROBLEM_REF.test(args)) return show(ctx, await findProblem(ctx, args));
    if (LIST_WORDS.test(args)) return list(ctx, args.replace(LIST_WORDS, '').trim());
    return open(ctx, args);
  },
};

async function open(ctx: CommandContext, typed: string): Promise<void> {
  const confirmed = CONFIRM.test(typed);
  const args = typed.replace(CONFIRM, '').trim();
  const { rest, fields } = splitFields(args, KEYS);
  refuseMissing(rest, fields);
  bounded('问题描述', rest);
  const branch = await targetBranch(ctx, field(fields, BRANCH_KEYS));
  if (!confirmed) await askIfDuplicate(ctx, branch.id, rest, args);
  const unit = field(fields, UNIT_KEYS)!.trim();
  bounded('责任单位', unit);
  const lead = await personField(ctx, field(fields, PERSON_KEYS), '负责人');
  const deadline = parseDeadline(ctx, field(fields, DEADLINE_KEYS));
  const sourceText = field(fields, SOURCE_KEYS);
  const parsed = sourceText ? parseSource(sourceText) : undefined;
  // 专项整治 is a mark any source can carry; written as the source it marks a problem of no named source.
  const source = parsed === '专项整治' ? undefined : parsed;
  const special = parseSpecial(field(fields, SPECIAL_KEYS)) ?? (parsed === '专项整治' ? true : undefined);
  const target = field(fields, TARGET_KEYS)?.trim();
  if (target) bounded('整改目标', target);

  const p = await ctx.store.openProblem(
    { branchId: branch.id, description: rest, responsibleUnit: unit, leadPerson: lead.openId, deadline: deadline.date, ...(source ? { source } : {}), ...(special ? { special } : {}), ...(target ? { target } : {}) },
    stampOf(ctx),
  );
  const leadRecord = await ctx.store.getPerson(lead.openId);
  const elsewhere = leadRecord?.branchId && leadRecord.branchId !== branch.id ? await branchName(ctx, leadRecord.branchId) : undefined;
  const today = todayOf(ctx);
  const lines = [
    `已登记问题 ${p.id}（${branch.name}）：`,
    `问题描述：${p.description}`,
    ...(sourceOf(p) ? [`问题来源：${sourceOf(p)}`] : []),
    ...(isSpecial(p) ? ['专项整治：是'] : []),
    ...(p.target ? [`整改目标：${p.target}`] : []),
    `责任单位：${p.responsibleUnit}`,
    `牵头负责人：${lead.name}${elsewhere ? `（注意：${lead.name} 属于「${elsewhere}」）` : ''}`,
    deadlineLine(p.deadline, today, ctx.calendar),
    ...noteLines(deadline.notes),
    `状态：${p.status}`,
    `添加整改措施：/措施 ${p.id} <内容> 时限:<日期> 负责人:@某人`,
  ];
  ctx.reply(textMessage(lines.join('\n')));
  tellPerson(
    ctx,
    lead.openId,
    [`${ctx.sender.name} 登记了问题 ${p.id}（${branch.name}），由你牵头整改：`, p.description, deadlineLine(p.deadline, today, ctx.calendar), `添加措施：/措施 ${p.id} <内容> 时限:<日期> 负责人:@某人；查看：/问题 ${p.id}`].join('\n'),
  );
}

/**
 * The same description opened in the branch within a week and still open is usually the same problem sent twice:
 * ask, and open it only when resent with 确认.
 */
async function askIfDuplicate(ctx: CommandContext, branchId: string, description: string, args: string): Promise<void> {
  const since = ctx.now.getTime() - DUPLICATE_WINDOW_MS;
  const same = (await ctx.store.listProblems({ branchId })).find(
    (p) => isOpenProblem(p) && Date.parse(p.created.at) >= since && sameText(p.description, description),
  );
  if (!same) return;
  throw new UserError(
    [
      `看起来与 ${same.id} 重复：${same.id}「${clip(same.description)}」已于 ${formatInstant(same.created.at)} 登记，状态 ${same.status}。什么也没有改动。`,
      `查看：/问题 ${same.id}`,
      `如确是另一个问题，请在末尾加上 确认 重新发送：/问题 ${args} 确认`,
    ].join('\n'),
    { showUsage: false },
  );
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/[\s,，、;；。.:：!！?？"“”'‘’]/g, '');
  return norm(a) === norm(b);
}

/** All the required parts that are missing, in one answer with the corrected command. */
function refuseMissing(rest: string, fields: Record<string, string>): void {
  const given = (keys: readonly string[]) => field(fields, keys)?.trim() || undefined;
  const unit = given(UNIT_KEYS);
  const deadline = given(DEADLINE_KEYS);
  const lead = given(PERSON_KEYS);
  const missing: MissingField[] = [
    ...(rest ? [] : [{ name: '问题描述', how: '描述写在最前面，字段写在后面。' }]),
    ...(unit ? [] : [{ name: '责任单位', how: '请写 责任单位:<单位>，如 责任单位:数据资源科。' }]),
    ...(deadline ? [] : [{ name: '时限', how: '请写 时限:<日期>，如 时限:12月31日、时限:下月底。' }]),
    ...(lead ? [] : [{ name: '负责人', how: '请写 负责人:@某人（在飞书里输入 @ 选择同事）。' }]),
  ];
  if (missing.length === 0) return;
  const others = fieldsText(fields, [...SOURCE_KEYS, ...TARGET_KEYS, ...BRANCH_KEYS]);
  const corrected = ['/问题', rest || '<问题描述>', `责任单位:${unit ?? '<单位>'}`, `时限:${deadline ?? '<日期>'}`, `负责人:${lead ?? '@某人'}`, ...others].join(' ');
  throw missingFieldsError(missing, corrected);
}

// The chat's branch, else the sender's; admins and leaders may name another with 支部:.
async function targetBranch(ctx: CommandContext, named: string | undefined) {
  if (named?.trim()) {
    if (ctx.role !== 'admin' && ctx.role !== 'leader') throw new UserError('只有领导和管理员可以用 支部: 指定其他支部；请在本支部群里登记。', { showUsage: false });
    const b = await findBranch(ctx.store, named.trim());
    if (!b) throw new UserError(`没有名为「${named.trim()}」的支部。`);
    return b;
  }
  const id = ctx.chat.branch?.id ?? ctx.sender.branchId;
  const b = id ? await ctx.store.getBranch(id) : undefined;
  if (!b) throw new UserError('不知道问题属于哪个支部：请在支部群里登记；领导、管理员可加 支部:<支部名>。', { showUsage: false });
  return b;
}

async function show(ctx: CommandContext, p: Problem): Promise<void> {
  const measures = await ctx.store.listMeasures({ problemId: p.id });
  const mayView =
    ctx.role === 'admin' ||
    ctx.role === 'leader' ||
    ctx.sender.branchId === p.branchId ||
    ctx.chat.branch?.id === p.branchId ||
    ctx.sender.id === p.leadPerson ||
    measures.some((m) => m.owner === ctx.sender.id);
  const branch = await branchName(ctx, p.branchId);
  if (!mayView) throw new UserError(`${p.id} 属于「${branch}」：只有该支部成员、牵头负责人、措施负责人、领导和管理员可以查看。`, { showUsage: false });
  const today = todayOf(ctx);
  const history = [...p.history.map((e) => ({ e, label: undefined as string | undefined })), ...measures.flatMap((m) => m.history.map((e) => ({ e, label: m.id })))];
  history.sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at));
  const nameOf = await namesFor(ctx, [p.leadPerson, ...measures.map((m) => m.owner), ...history.flatMap(({ e }) => [e.by, ...(e.field === 'owner' || e.field === 'leadPerson' ? [e.from ?? '', e.to ?? ''] : [])])]);
  const finished = !isOpenProblem(p);
  const original = p.history.find((e) => e.action === 'open')?.to;
  const lines = [
    `${p.id}【${problemStatusLabel(p, today)}】${p.description}`,
    `支部：${branch}　责任单位：${p.responsibleUnit}　牵头负责人：${nameOf(p.leadPerson)}`,
    ...(sourceOf(p) ? [`问题来源：${sourceOf(p)}`] : []),
    ...(isSpecial(p) ? ['专项整治：是'] : []),
    ...(p.target ? [`整改目标：${p.target}`] : []),
    deadlineLine(p.deadline, today, ctx.calendar, finished) + (original && original !== p.deadline ? `（原时限 ${formatDate(original)}）` : ''),
    ...(p.status === '待审核' && p.closeRequest ? [`销号申请：${nameOf(p.closeRequest.by)} ${formatInstant(p.closeRequest.at)}，整改情况：${p.closeRequest.evidence}`] : []),
    ...(p.status === '申请延期' && p.extensionRequest ? [`延期申请：至 ${formatDate(p.extensionRequest.deadline)}，理由：${p.extensionRequest.reason}`] : []),
    ...(p.closed ? [`销号：${formatInstant(p.closed.at)} 审核人 ${nameOf(p.closed.by)}；整改情况：${p.closed.evidence}`] : []),
    ...(p.voided ? [`已作废：${formatInstant(p.voided.at)}，理由：${p.voided.reason}（不计入统计）`] : []),
    ...evidenceLine(await evidenceOf(ctx, [p.id, ...measures.map((m) => m.id)])),
    `整改措施（${measures.filter((m) => !m.cancelled).length} 项，已完成 ${measures.filter((m) => m.status === '已完成').length}${measures.some((m) => m.cancelled) ? `，另有已撤销 ${measures.filter((m) => m.cancelled).length} 项` : ''}）：`,
    ...(measures.length === 0 ? ['　（尚无）'] : measures.map((m) => measureLine(m, p, today, nameOf, ctx.calendar))),
    '记录：',
    ...history.map(({ e, label }) => `　${renderHistory(e, nameOf, label)}`),
  ];
  const gap = await calendarNoteOnce(ctx, finished ? [] : [p.deadline, ...measures.filter((m) => m.status === '整改中').map((m) => m.deadline)]);
  if (gap) lines.push(gap);
  ctx.reply(textMessage(lines.join('\n')));
}

function measureLine(m: Measure, p: Problem, today: string, nameOf: (id: string) => string, cal: CommandContext['calendar']): string {
  const state = measureStatusLabel(m, p, today);
  const when = m.cancelled ? `，${formatInstant(m.cancelled.at)} 撤销：${m.cancelled.reason}` : m.done ? `，${formatInstant(m.done.at)} 完成：${m.done.note}` : `，${deadlineLine(m.deadline, today, cal, !isOpenProblem(p))}`;
  return `　${m.id}【${state}】${m.content} — ${nameOf(m.owner)}${when}`;
}

const FILTERS: Record<string, (p: Problem, today: string) => boolean> = {
  逾期: (p, today) => isOpenProblem(p) && isOverdue(p.deadline, today, false),
  待审核: (p) => !p.voided && p.status === '待审核',
  申请延期: (p) => !p.voided && p.status === '申请延期',
  整改中: (p) => !p.voided && p.status === '整改中',
  已整改销号: (p) => !p.voided && p.status === '已整改销号',
  已销号: (p) => !p.voided && p.status === '已整改销号',
  已作废: (p) => p.voided !== undefined,
};

/** Overdue first (longest overdue on top), then awaiting a decision, then open by deadline, then closed and voided. */
function attentionFirst(problems: Problem[], today: LocalDate): Problem[] {
  const rank = (p: Problem) => (!isOpenProblem(p) ? (p.voided ? 4 : 3) : FILTERS['逾期']!(p, today) ? 0 : p.status === '整改中' ? 2 : 1);
  return [...problems].sort((a, b) => rank(a) - rank(b) || (isOpenProblem(a) ? a.deadline.localeCompare(b.deadline) : 0) || a.number - b.number);
}

async function list(ctx: CommandContext, args: string): Promise<void> {
  const words = args.split(' ').filter(Boolean);
  const filters = words.filter((w) => lookup(FILTERS, w));
  const scopeWords = words.filter((w) => !lookup(FILTERS, w));
  if (scopeWords.length > 1) throw new UserError(`看不懂「${scopeWords.join(' ')}」：可写 本支部、全部、支部名，或 逾期、待审核。`);
  const wide = ctx.role === 'admin' || ctx.role === 'leader';
  const scope = scopeWords[0];
  let branchId: string | undefined;
  if (scope === '全部' || scope === 'all') {
    if (!wide) throw new UserError('只有领导和管理员可以查看全部支部的问题；你可以查看本支部：/问题 列表 本支部。', { showUsage: false });
  } else if (scope === undefined || scope === '本支部') {
    branchId = ctx.chat.branch?.id ?? ctx.sender.branchId;
    if (!branchId && !(wide && scope === undefined)) throw new UserError('你还没有归属支部：请在支部群里查看。', { showUsage: false });
  } else {
    const b = await findBranch(ctx.store, scope);
    if (!b) throw new UserError(`看不懂「${scope}」：可写 本支部、全部、支部名，或 逾期、待审核。`);
    if (!wide && b.id !== ctx.sender.branchId) throw new UserError('只能查看本支部的问题；查看其他支部需要领导或管理员。', { showUsage: false });
    branchId = b.id;
  }
  const today = todayOf(ctx);
  const all = await ctx.store.listProblems(branchId ? { branchId } : {});
  // Without a filter voided problems stay visible, marked 已作废; every filter but 已作废 leaves them out.
  const shown = attentionFirst(all.filter((p) => filters.every((f) => FILTERS[f]!(p, today))), today);
  const title = `${branchId ? `「${await branchName(ctx, branchId)}」` : '全局'}问题清单${filters.length ? `（${filters.join('、')}）` : ''}`;
  if (shown.length === 0) {
    ctx.reply(textMessage(`${title}：没有符合条件的问题。`));
    return;
  }
  const counted = all.filter((p) => !p.voided);
  const count = (s: string) => counted.filter((p) => p.status === s).length;
  const overdue = counted.filter((p) => FILTERS['逾期']!(p, today)).length;
  const nameOf = await namesFor(ctx, shown.map((p) => p.leadPerson));
  const lines = [
    `${title}：${shown.length} 个`,
    `（共 ${counted.length} 个：整改中 ${count('整改中')}，申请延期 ${count('申请延期')}，待审核 ${count('待审核')}，已整改销号 ${count('已整改销号')}；逾期 ${overdue}）`,
  ];
  for (const p of shown.slice(0, MAX_LINES)) {
    const due = isOpenProblem(p) ? `时限 ${formatDate(p.deadline)}` : p.voided ? '已作废' : `销号 ${formatInstant(p.closed?.at ?? p.created.at).slice(0, 10)}`;
    lines.push(`${p.id}【${problemStatusLabel(p, today)}】${clip(p.description)} — ${nameOf(p.leadPerson)}，${due}`);
  }
  if (shown.length > MAX_LINES) lines.push(`…另有 ${shown.length - MAX_LINES} 个，请加条件缩小范围（如 逾期、待审核）。`);
  lines.push('查看详情：/问题 P编号');
  ctx.reply(textMessage(lines.join('\n')));
}
