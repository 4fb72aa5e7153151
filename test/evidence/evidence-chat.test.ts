import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROBLEM_COLUMNS, PROBLEM_SHEETS } from '../../commands/reports/export-ledgers.js';
import { messageEvent } from '../../src/sandbox/wire.js';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { buttons } from '../support/card-buttons.js';
import { Harness, textOf, type Person } from '../support/harness.js';

let h: Harness;
let now: Date;
afterEach(async () => {
  await h?.close();
});

const at = (local: string) => new Date(`${local}+08:00`);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('现场照片'.repeat(50))]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n验收报告\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 7)]);

/** Sends an image or file to the bot as Feishu delivers it (the fake serves its bytes); answers the bot's reply. */
async function send(from: Person, chatId: string, file: { kind: 'image' | 'file'; bytes: Buffer; name?: string; type: string }, chatType: 'p2p' | 'group' = 'p2p'): Promise<SentMessage | undefined> {
  const messageId = `om_${Math.random().toString(16).slice(2, 18)}`;
  const fileKey = `${file.kind === 'image' ? 'img_v3' : 'file_v3'}_${Math.random().toString(16).slice(2)}`;
  h.platform.resources.put({ messageId, fileKey, kind: file.kind, bytes: file.bytes, contentType: file.type });
  h.platform.recordInbound(messageId, chatId);
  const body = messageEvent(h.keys, { text: '', senderOpenId: from.openId, chatId, chatType, messageId, createTime: now }) as { event: { message: Record<string, unknown> } };
  body.event.message.message_type = file.kind;
  body.event.message.content = JSON.stringify(file.kind === 'image' ? { image_key: fileKey } : { file_key: fileKey, file_name: file.name });
  const res = await h.deliver(body);
  expect(res.status).toBe(200);
  await h.app.settle();
  return h.platform.sent.find((m) => m.replyTo === messageId);
}

async function setup() {
  now = at('2026-11-23T10:00:00');
  h = await Harness.start({ clock: () => now });
  const admin = await h.makeAdmin('王主任');
  const chat = h.newChat();
  const [sec, zhang, li] = ['王书记', '张三', '李四'].map((n) => h.person(n)) as [Person, Person, Person];
  await h.say(admin, chat, '/绑定 第一支部');
  await h.say(admin, chat, '/任命 @王书记 书记');
  await h.say(admin, chat, '/任命 @张三 党员');
  await h.say(admin, chat, '/任命 @李四 党员');
  await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-31 负责人:@张三');
  await h.say(zhang, chat, '/措施 P1 建设交换平台 时限:2026-12-20 负责人:@张三');
  return { chat, sec, zhang, li };
}

describe('evidence sent in the private chat', () => {
  it('files an image by button and a PDF after /佐证, refuses a disguised file, and shows both on the item and the review card', async () => {
    const { chat, sec, zhang, li } = await setup();
    const dm = 'oc_p2p_zhang';

    // An image with no item named: the bot asks which open item it belongs to.
    const ask = (await send(zhang, dm, { kind: 'image', bytes: PNG, type: 'image/png' }))!;
    expect(textOf(ask)).toContain('这份材料属于哪个事项？');
    expect(textOf(ask)).toContain('已收到 图片-');
    const choices = buttons(ask.content);
    expect(choices.map((b) => b.value.ref)).toEqual(['P1', 'P1-1']);
    const pressed = await h.press(zhang, ask, choices[0]!.value);
    expect((pressed.json as { toast: { type: string; content: string } }).toast.content).toContain('归入 P1 的佐证材料（共 1 份）');
    await h.app.settle();

    // /佐证 P1 first, then the file: it goes straight to P1.
    expect(await h.say(zhang, dm, '/佐证 P1', { chatType: 'p2p' })).toContain('请在 30 分钟内私聊发送 P1');
    const filed = (await send(zhang, dm, { kind: 'file', bytes: PDF, name: '验收报告.pdf', type: 'application/pdf' }))!;
    expect(textOf(filed)).toContain('已将 验收报告.pdf（E2，PDF');
    expect(textOf(filed)).toContain('归入 P1 的佐证材料（共 2 份）');

    // A renamed executable is refused by its bytes, whatever its name says; nothing is kept.
    const refused = (await send(zhang, dm, { kind: 'file', bytes: EXE, name: '整改报告.pdf', type: 'application/pdf' }))!;
    expect(textOf(refused)).toContain('只保存 PNG、JPEG 图片和 PDF、Word（docx）、Excel（xlsx）文件');
    // Someone who answers for nothing in P1 cannot file under it.
    expect(await h.say(li, 'oc_p2p_li', '/佐证 P1', { chatType: 'p2p' })).toContain('只有 P1 的牵头负责人、措施负责人、书记或管理员可以添加佐证材料');

    const files = await h.app.store.read((tx) => tx.listEvidence({ ref: 'P1' }));
    expect(files.map((f) => [f.id, f.type, f.size])).toEqual([
      ['E1', 'png', PNG.length],
      ['E2', 'pdf', PDF.length],
    ]);
    expect(await h.app.store.read((tx) => tx.listEvidence())).toHaveLength(2);
    for (const [f, bytes] of [[files[0]!, PNG], [files[1]!, PDF]] as const) {
      expect(readFileSync(join(`${h.opts.dataFile}.evidence`, `${f.storedKey}.bin`)).equals(bytes)).toBe(true);
    }

    const shown = await h.say(zhang, chat, '/问题 P1');
    expect(shown).toMatch(/佐证材料（2 份）：E1 图片-\w+\.png、E2 验收报告\.pdf/);
    expect(shown).toContain('张三 添加佐证材料：E2 验收报告.pdf');

    await h.say(zhang, chat, '/整改 P1-1 完成 平台已上线');
    await h.say(zhang, chat, '/销号 P1 已上线运行');
    await h.app.settle();
    const card = h.platform.sent.filter((m) => m.msgType === 'interactive' && textOf(m).includes('申请 P1 销号')).map(textOf).join('\n');
    expect(card).toMatch(/佐证材料（2 份）：E1 图片-\w+\.png、E2 验收报告\.pdf/);
    const decided = await h.say(sec, chat, '/审核 P1 通过');
    expect(decided).toContain('P1 已整改销号。');
    expect(decided).toContain('E2 验收报告.pdf');

    // The exported problem ledger lists the files in 佐证材料, after the close-out note.
    expect(await h.say(sec, chat, '/导出 问题台账')).toContain('已私信发送给你');
    await h.app.settle();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(h.platform.files.at(-1)!.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(PROBLEM_SHEETS.ledger)!;
    const column = PROBLEM_COLUMNS.findIndex((c) => c.header === '佐证材料') + 1;
    expect(String(ws.getRow(4).getCell(column).value)).toMatch(/^已上线运行\n附件：E1 图片-\w+\.png；E2 验收报告\.pdf$/);
  });

  it('in a group, takes a file only from someone who asked with /佐证 (the all-messages scope delivers every file)', async () => {
    const { chat, zhang, li } = await setup();
    expect(await send(li, chat, { kind: 'file', bytes: PDF, name: '会议通知.pdf', type: 'application/pdf' }, 'group')).toBeUndefined();
    expect(await h.app.store.read((tx) => tx.listEvidence())).toHaveLength(0);
    expect(h.platform.requests.some((r) => r.path.includes('/resources/'))).toBe(false);
    await h.say(zhang, chat, '/佐证 P1-1');
    const filed = (await send(zhang, chat, { kind: 'file', bytes: PDF, name: '接口联调记录.pdf', type: 'application/pdf' }, 'group'))!;
    expect(textOf(filed)).toContain('归入 P1-1 的佐证材料');
  });
});
