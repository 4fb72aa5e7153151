import type { Outbound } from '../../storage/records.js';
import type { FeishuClient } from './client.js';
import { classifyFailure, type FeishuFailure } from './errors.js';

/** The result of one delivery attempt. */
export type Delivery = { ok: true; messageId: string } | FeishuFailure;

/** Sends outbox items through the SDK (new messages, card updates, ephemeral cards and their deletion); never throws. */
export interface Messenger {
  /** `file` holds the bytes of a file message whose content names them by key. */
  deliver(o: Outbound, file?: Uint8Array): Promise<Delivery>;
  /** Forgets the cached tenant token (after 99991663 and friends). */
  resetToken(): void;
}

/** A messenger over a real SDK client; `uuid` makes a retried send post at most once. */
export function createMessenger({ sdk: client, forgetToken }: FeishuClient): Messenger {
  async function body(o: Outbound, file: Uint8Array | undefined): Promise<{ msg_type: string; content: string }> {
    const c = o.content;
    if (c.type === 'text') return { msg_type: 'text', content: JSON.stringify({ text: c.text }) };
    if (c.type === 'card') return { msg_type: 'interactive', content: JSON.stringify(c.card) };
    const up = await client.im.v1.file.create({ data: { file_type: 'stream', file_name: c.fileName, file: file ? Buffer.from(file.buffer, file.byteOffset, file.byteLength) : Buffer.from(c.base64 ?? '', 'base64') } });
    // file.create resolves to null on a business error, losing the code (see feishu-notes §4).
    if (!up?.file_key) throw Object.assign(new Error('file upload failed'), { code: -1, msg: 'file upload failed' });
    return { msg_type: 'file', content: JSON.stringify({ file_key: up.file_key }) };
  }

  /** A PATCH or an ephemeral call; the ephemeral API has no generated method, so it goes through `request()` for the shared token. */
  async function special(o: Outbound): Promise<{ code?: number; msg?: string; data?: { message_id?: string } }> {
    const c = o.content;
    if (o.to.kind === 'update') {
      if (c.type !== 'card') throw Object.assign(new Error('only cards are updated'), { code: -1, msg: 'only cards are updated' });
      return client.im.v1.message.patch({ path: { message_id: o.to.messageId }, data: { content: JSON.stringify(c.card) } });
    }
    if (o.to.kind === 'ephemeral') {
      if (c.type !== 'card') throw Object.assign(new Error('ephemeral messages are cards'), { code: -1, msg: 'ephemeral messages are cards' });
      return client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/send', data: { chat_id: o.to.chatId, open_id: o.to.openId, msg_type: 'interactive', card: c.card } });
    }
    if (o.to.kind === 'ephemeral-delete') return client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/delete', data: { message_id: o.to.messageId } });
    throw new Error(`not a special kind: ${o.to.kind}`);
  }

  return {
    async deliver(o, file) {
      try {
        if (o.to.kind === 'update' || o.to.kind === 'ephemeral' || o.to.kind === 'ephemeral-delete') {
          const res = await special(o);
          if (res.code !== 0) return classifyFailure(res);
          return { ok: true, messageId: o.to.kind === 'ephemeral' ? (res.data?.message_id ?? '') : '' };
        }
        const data = { ...(await body(o, file)), uuid: o.id };
        const res =
          o.to.kind === 'reply'
            ? await client.im.v1.message.reply({ path: { message_id: o.to.messageId }, data })
            : await client.im.v1.message.create({
                params: { receive_id_type: o.to.kind === 'chat' ? 'chat_id' : 'open_id' },
                data: { ...data, receive_id: o.to.kind === 'chat' ? o.to.chatId : o.to.openId },
              });
        if (res.code !== 0) return classifyFailure(res);
        return { ok: true, messageId: res.data?.message_id ?? '' };
      } catch (err) {
        return classifyFailure(err);
      }
    },
    resetToken: forgetToken,
  };
}
