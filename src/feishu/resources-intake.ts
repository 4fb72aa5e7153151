import { EVIDENCE_LIMIT_BYTES, sniffType, TARGET_MINUTES } from '../../commands/ledger/evidence-type.js';
import type { Attachment } from '../../commands/types.js';
import type { Store } from '../../storage/store.js';
import type { IncomingMessage } from '../events.js';

/** Downloads what people send (message resources); implemented over the SDK in resources.ts, faked in tests. */
export interface Resources {
  fetch(messageId: string, fileKey: string, kind: 'image' | 'file', limit: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'unavailable' }>;
}

/**
 * Fetches, checks and keeps an image or file a person sent, before the transaction that files it (no I/O under the
 * writer lock). In a private chat every file is taken; in a group (which delivers files only with the sensitive
 * all-group-messages scope) only a file whose sender asked for it with `/佐证 P12` in the last minutes: otherwise
 * the bot stays out of people's file sharing and answers undefined.
 */
export async function intakeFile(store: Store, resources: Resources | undefined, ev: Pick<IncomingMessage, 'chatType' | 'senderId' | 'messageId' | 'attachment'>, now: Date): Promise<Attachment | undefined> {
  const a = ev.attachment;
  if (!a) return undefined;
  if (ev.chatType === 'group') {
    const target = await store.read((tx) => tx.getEvidenceTarget(ev.senderId));
    if (!target || now.getTime() - Date.parse(target.at) > TARGET_MINUTES * 60_000) return undefined;
  }
  const base: Attachment = { kind: a.kind, messageId: ev.messageId, fileKey: a.fileKey, ...(a.fileName ? { fileName: a.fileName } : {}) };
  if (!resources || !store.evidence) return { ...base, refused: '这个部署没有保存佐证文件的位置，文件未保存；请联系管理员。' };
  // A redelivered message keeps the copy already made.
  const known = (await store.read((tx) => tx.listEvidence({ messageId: ev.messageId })))[0];
  if (known) return { ...base, stored: { key: known.storedKey, size: known.size, type: known.type } };
  const got = await resources.fetch(ev.messageId, a.fileKey, a.kind, EVIDENCE_LIMIT_BYTES);
  if (!got.ok) {
    return { ...base, refused: got.reason === 'too-large' ? `文件超过 ${EVIDENCE_LIMIT_BYTES / 1024 / 1024} MB，未保存；请压缩或拆分后重新发送。` : '没能从飞书取到这个文件，未保存；请稍后重新发送。' };
  }
  const type = sniffType(got.bytes);
  if (!type) return { ...base, refused: '只保存 PNG、JPEG 图片和 PDF、Word（docx）、Excel（xlsx）文件；这个文件不是这些类型，未保存。' };
  return { ...base, stored: { key: await store.evidence.put(got.bytes), size: got.bytes.length, type } };
}
