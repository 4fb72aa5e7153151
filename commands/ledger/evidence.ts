import { textMessage } from '../shared/text.js';
import { attachButtons } from '../shared/card-actions.js';
import { cardMessage, md } from '../shared/card.js';
import { fitCard } from '../shared/card-fit.js';
import { markdown } from '../shared/markdown.js';
import type { Evidence } from '../../storage/ledger.js';
import { leadingRef, MEASURE_REF, PROBLEM_REF, stampOf, TASK_REF } from './ledger-common.js';
import { clip } from './ledger-status.js';
import { describeFile, evidenceName, TARGET_MINUTES } from './evidence-type.js';
import { mayAttach, openItemsOf } from './evidence-items.js';
import { UserError, type Attachment, type Command, type CommandContext } from '../types.js';

const SHOWN_ITEMS = 8;

/**
 * `/佐证 P12` names the item the sender's next files belong to (or, as a reply to a file, that file); an image or
 * file sent to the bot comes here too (the router runs it as `/佐证` with the attachment) and is filed under the named
 * item or answered with buttons for the sender's open items. `/佐证 P12 E3` files a kept file (what a button runs).
 */
export const evidence: Command = {
  name: '佐证',
  aliases: ['evidence'],
  roles: ['member', 'secretary', 'leader'],
  summary: '为问题、措施或督办事项添加佐证材料：私聊发送图片或文件（PDF、Word、Excel）',
  usage: '/佐证 P12（然后私聊发送文件，或回复一条文件消息）　或　/佐证 P12 E3',
  examples: ['/佐证 P12', '/佐证 P12-1', '/佐证 T3 E5'],
  async run(ctx) {
    if (ctx.attachment) return receive(ctx, ctx.attachment);
    const { ref, rest } = leadingRef(ctx.args);
    if (!PROBLEM_REF.test(ref) && !MEASURE_REF.test(ref) && !TASK_REF.test(ref)) {
      throw new UserError(ref ? `「${ref}」不是事项编号：写问题 P12、措施 P12-1 或督办事项 T3。` : '缺少事项编号，如 /佐证 P12。');
    }
    const item = await mayAttach(ctx, ref.toUpperCase());
    if (/^E\d+$/i.test(rest)) return attach(ctx, await ownFile(ctx, rest.toUpperCase()), item.ref);
    if (rest !== '') throw new UserError(`看不懂「${rest}」：/佐证 ${item.ref} 之后发送文件，或写 /佐证 ${item.ref} E编号。`);
    if (ctx.replyTo) {
      const files = (await ctx.store.listEvidence({ messageId: ctx.replyTo })).filter((e) => e.by === ctx.sender.id);
      if (files.length === 0) throw new UserError('你回复的消息不是你发给我的文件或图片；请私聊发送文件后再回复它，或直接发送文件。', { showUsage: false });
      for (const f of files) await attach(ctx, f, item.ref);
      return;
    }
    await ctx.store.setEvidenceTarget(ctx.sender.id, item.ref, ctx.now.toISOString());
    ctx.reply(textMessage([`请在 ${TARGET_MINUTES} 分钟内私聊发送 ${item.ref}「${clip(item.title)}」的佐证材料：图片（PNG、JPEG）或 PDF、Word（docx）、Excel（xlsx）文件，可发多份。`, '也可以回复一条已发送的文件消息：/佐证 ' + item.ref].join('\n')));
  },
};

async function ownFile(ctx: CommandContext, id: string): Promise<Evidence> {
  const e = await ctx.store.getEvidence(id);
  if (!e || e.by !== ctx.sender.id) throw new UserError(`没有你发送的佐证材料 ${id}。`, { showUsage: false });
  return e;
}

async function receive(ctx: CommandContext, a: Attachment): Promise<void> {
  if (!a.stored) throw new UserError(a.refused ?? '没能保存这个文件。', { showUsage: false });
  const stamp = stampOf(ctx);
  const known = (await ctx.store.listEvidence({ messageId: a.messageId }))[0];
  const e =
    known ??
    (await ctx.store.addEvidence({
      messageId: a.messageId,
      fileKey: a.fileKey,
      kind: a.kind,
      fileName: evidenceName(a.fileName, a.stored.type, a.messageId),
      type: a.stored.type,
      size: a.stored.size,
      storedKey: a.stored.key,
      by: stamp.by,
      at: stamp.at,
    }));
  if (e.ref) return ctx.reply(textMessage(`${e.fileName} 已归入 ${e.ref}。`));
  const target = await ctx.store.getEvidenceTarget(ctx.sender.id);
  const fresh = target && ctx.now.getTime() - Date.parse(target.at) <= TARGET_MINUTES * 60_000;
  if (fresh) return attach(ctx, e, (await mayAttach(ctx, target.ref)).ref);
  const items = await openItemsOf(ctx);
  if (items.length === 0) {
    return ctx.reply(textMessage(`已收到 ${e.fileName}（${e.id}，${describeFile(e.type, e.size)}）。你名下没有在办事项；如要归入某一事项，请发送 /佐证 P12 ${e.id}。`));
  }
  const shown = items.slice(0, SHOWN_ITEMS);
  const lines = [markdown`已收到 ${e.fileName}（${e.id}，${describeFile(e.type, e.size)}）。`, ...shown.map((i) => markdown`**${i.ref}** ${clip(i.title, 30)}`)];
  if (items.length > SHOWN_ITEMS) lines.push(markdown`另有 ${items.length - SHOWN_ITEMS} 项未列出，可发送 /佐证 <编号> ${e.id}。`);
  const body = lines.map((l) => md(l));
  ctx.reply(cardMessage(fitCard('这份材料属于哪个事项？', [...body, attachButtons(e.id, shown.map((i) => ({ ref: i.ref, label: i.ref })))], { template: 'blue' })));
}

async function attach(ctx: CommandContext, e: Evidence, ref: string): Promise<void> {
  if (e.ref === ref) return ctx.reply(textMessage(`${e.fileName} 已在 ${ref} 的佐证材料中。`));
  if (e.ref) throw new UserError(`${e.fileName}（${e.id}）已归入 ${e.ref}；同一份材料只归入一个事项，如需用于 ${ref} 请重新发送文件。`, { showUsage: false });
  const stamp = stampOf(ctx);
  await ctx.store.attachEvidence(e.id, ref, stamp);
  const change = { ...stamp, action: 'evidence-add' as const, note: `${e.id} ${e.fileName}` };
  if (TASK_REF.test(ref)) await ctx.store.updateTask(ref, {}, change);
  else if (MEASURE_REF.test(ref)) await ctx.store.updateMeasure(ref, {}, change);
  else await ctx.store.updateProblem(ref, {}, change);
  const all = await ctx.store.listEvidence({ ref });
  ctx.reply(textMessage(`已将 ${e.fileName}（${e.id}，${describeFile(e.type, e.size)}）归入 ${ref} 的佐证材料（共 ${all.length} 份）。`));
}
