import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import { splitFields } from '../shared/fields.js';
import { isSpecial, type Problem, type ProblemPatch } from '../../storage/ledger.js';
import { DEADLINE_KEYS, ensureOpen, field, namesFor, noteLines, parseDeadline, parseSource, PERSON_KEYS, personField, requireManager, stampOf, tellPerson, todayOf } from './ledger-common.js';
import { requestExtension } from './extend.js';
import { deadlineLine } from './ledger-status.js';
import { REASON_KEYS } from './task-edit.js';
import { UserError, type CommandContext } from '../types.js';

export const UNIT_KEYS = ['责任单位', '责任部门', '单位'] as const;
export const SOURCE_KEYS = ['来源', '问题来源'] as const;
export const TARGET_KEYS = ['目标', '整改目标'] as const;
export const SPECIAL_KEYS = ['专项整治'] as const;
const DESCRIPTION_KEYS = ['描述', '问题描述'] as const;
const KEYS = [...DEADLINE_KEYS, ...UNIT_KEYS, ...PERSON_KEYS, ...TARGET_KEYS, ...SOURCE_KEYS, ...SPECIAL_KEYS, ...DESCRIPTION_KEYS, ...REASON_KEYS];

/** `专项整治:是|否`, or undefined when the field is not given. */
export function parseSpecial(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^(是|有|yes|y|1|标记)$/i.test(t)) return true;
  if (/^(否|不是|无|no|n|0|取消)$/i.test(t)) return false;
  throw new UserError(`专项整治「${t}」看不懂：写 专项整治:是 或 专项整治:否。`);
}

/**
 * `/修改 P12 …` by the lead person, the branch secretary or an admin: fields are corrected at once, each a history
 * entry with who and why; a deadline moved later goes the extension path instead (申请延期, decided by a reviewer).
 */
export async function editProblem(ctx: CommandContext, p: Problem, body: string): Promise<void> {
  ensureOpen(p, '修改');
  await requireManager(ctx, p, '修改');
  const { rest, fields } = splitFields(body, KEYS);
  const reason = (field(fields, REASON_KEYS) ?? rest).trim();
  const given = (keys: readonly string[]) => field(fields, keys);
  const dateText = given(DEADLINE_KEYS);
  const changes = [dateText, given(UNIT_KEYS), given(PERSON_KEYS), given(TARGET_KEYS), given(SOURCE_KEYS), given(SPECIAL_KEYS), given(DESCRIPTION_KEYS)];
  if (changes.every((c) => c === undefined)) {
    throw new UserError(`没有要修改的字段：可改 时限:、责任单位:、负责人:、目标:、来源:、专项整治:是/否、描述:，如 /修改 ${p.id} 责任单位:数据资源科 理由:<理由>。`);
  }
  if (reason === '') throw new UserError(`缺少修改理由：在末尾写 理由:<理由>，如 /修改 ${p.id} 责任单位:数据资源科 理由:科室调整。`);
  bounded('审核意见', reason);
  const deadline = dateText !== undefined ? parseDeadline(ctx, dateText) : undefined;
  const set: ProblemPatch = {};
  const unit = given(UNIT_KEYS)?.trim();
  if (unit !== undefined) set.responsibleUnit = nonEmpty('责任单位', unit);
  const target = given(TARGET_KEYS)?.trim();
  if (target !== undefined) set.target = nonEmpty('整改目标', target);
  const description = given(DESCRIPTION_KEYS)?.trim();
  if (description !== undefined) set.description = nonEmpty('问题描述', description);
  const sourceText = given(SOURCE_KEYS);
  if (sourceText !== undefined) {
    const source = parseSource(sourceText);
    if (source === '专项整治') set.special = true;
    else set.source = source;
  }
  const special = parseSpecial(given(SPECIAL_KEYS));
  if (special !== undefined) set.special = special;
  // Older data's source 专项整治 becomes the mark once the problem is corrected.
  if (set.special !== undefined && p.source === '专项整治' && set.source === undefined) set.source = undefined;
  const lead = given(PERSON_KEYS) !== undefined ? await personField(ctx, given(PERSON_KEYS), '负责人') : undefined;
  if (lead) set.leadPerson = lead.openId;
  const later = deadline !== undefined && deadline.date > p.deadline;
  if (deadline && !later) set.deadline = deadline.date;
  const today = todayOf(ctx);
  const lines: string[] = [];
  if (Object.keys(set).length > 0) {
    const before = { ...p };
    await ctx.store.updateProblem(p.id, set, { ...stampOf(ctx), action: 'edit', note: reason });
    const nameOf = await namesFor(ctx, [p.leadPerson, ...(lead ? [lead.openId] : [])]);
    lines.push(`已修改 ${p.id}（理由：${reason}）：`);
    if (set.responsibleUnit !== undefined) lines.push(`责任单位：${before.responsibleUnit} → ${set.responsibleUnit}`);
    if (set.leadPerson !== undefined) lines.push(`牵头负责人：${nameOf(before.leadPerson)} → ${nameOf(set.leadPerson)}`);
    if (set.target !== undefined) lines.push(`整改目标：${before.target ?? '（无）'} → ${set.target}`);
    if (set.description !== undefined) lines.push(`问题描述：${set.description}`);
    if ('source' in set && set.source !== undefined) lines.push(`问题来源：${before.source ?? '（无）'} → ${set.source}`);
    if (set.special !== undefined) lines.push(`专项整治：${isSpecial(before) ? '是' : '否'} → ${set.special ? '是' : '否'}`);
    if (set.deadline !== undefined) lines.push(`${deadlineLine(set.deadline, today, ctx.calendar)}（原时限 ${formatDate(before.deadline)}）`, ...noteLines(deadline?.notes ?? []));
    lines.push(`查看记录：/问题 ${p.id}`);
    ctx.reply(textMessage(lines.join('\n')));
    if (lead && lead.openId !== before.leadPerson) {
      tellPerson(ctx, lead.openId, [`${ctx.sender.name} 把问题 ${p.id} 改由你牵头整改：`, p.description, deadlineLine(p.deadline, today, ctx.calendar), `查看：/问题 ${p.id}`].join('\n'));
      tellPerson(ctx, before.leadPerson, `${ctx.sender.name} 把问题 ${p.id} 改由 ${lead.name} 牵头整改，理由：${reason}。`);
    }
  }
  if (later) {
    // The other corrections are kept; the later deadline waits for a reviewer like any extension.
    const fresh = (await ctx.store.getProblem(p.id))!;
    await requestExtension(ctx, fresh, () => deadline, reason);
  }
}

function nonEmpty(label: string, text: string): string {
  if (text === '') throw new UserError(`${label}不能为空。`);
  return bounded(label, text);
}
