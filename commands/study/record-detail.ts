import { textMessage } from '../shared/text.js';
import type { StudyRecord } from '../../storage/study.js';
import { describeRecord } from './study-log.js';
import { UserError, type CommandContext } from '../types.js';

/** Who may read a record in full (its 心得 included): the people it counts for, who entered it, their secretary, leaders, admins. */
function mayRead(ctx: CommandContext, r: StudyRecord): boolean {
  if (ctx.role === 'admin' || ctx.role === 'leader') return true;
  if ([r.personId, ...r.attendees, r.entered.by].includes(ctx.sender.id)) return true;
  return ctx.role === 'secretary' && ctx.sender.branchId !== undefined && ctx.sender.branchId === r.branchId;
}

/** `/学习 S12`: one study record with its place (地点), who it counts for, who entered it, and the reflection (心得) in full. */
export async function showRecord(ctx: CommandContext, id: string): Promise<void> {
  const r = await ctx.store.getStudyRecord(id);
  if (!r) throw new UserError(`没有学习记录 ${id}。发送 /我的 查看你的记录。`, { showUsage: false });
  if (!mayRead(ctx, r)) throw new UserError(`${r.id} 不是你的记录：只有记录中的人、登记人、本支部书记、领导和管理员可以查看。`, { showUsage: false });
  const name = async (openId: string) => (await ctx.store.getPerson(openId))?.name ?? `用户${openId.slice(-4)}`;
  const who = await Promise.all([...new Set([r.personId, ...r.attendees])].map(name));
  const lines = [
    `${r.id}${r.voided ? '【已撤销】' : ''} ${describeRecord(r)}`,
    `地点：${r.place ?? '（未填写）'}`,
    `计入：${who.join('、')}`,
    `登记：${await name(r.entered.by)}${r.entered.by !== r.personId ? '（代录）' : ''} ${r.entered.at.slice(0, 10)}`,
    `心得体会：${r.reflection ?? '（未填写）'}`,
    ...(r.voided ? [`撤销：${await name(r.voided.by)} ${r.voided.at.slice(0, 10)}${r.voided.reason ? `，原因：${r.voided.reason}` : ''}`] : []),
  ];
  ctx.reply(textMessage(lines.join('\n')));
}

/**
 * For /我的: the latest records that carry a place (地点) or a reflection (心得), which the figures cannot show: one
 * line each with the place, then the start of the 心得, and how to read a record in full. Nothing when none has either.
 */
export function recentLines(records: readonly StudyRecord[], shown = 5): string[] {
  const latest = records
    .filter((r) => !r.voided && (r.place !== undefined || r.reflection !== undefined))
    .sort((a, b) => b.date.localeCompare(a.date) || b.entered.at.localeCompare(a.entered.at))
    .slice(0, shown);
  if (latest.length === 0) return [];
  const clip = (t: string) => ([...t].length > 40 ? `${[...t].slice(0, 39).join('')}…` : t);
  return [
    `有地点或心得的记录（最近 ${latest.length} 条）：`,
    ...latest.flatMap((r) => [`· ${r.id} ${describeRecord(r)}`, ...(r.reflection ? [`　心得：${clip(r.reflection)}`] : [])]),
    '查看一条记录的全文（地点、心得）：/学习 S编号',
  ];
}
