import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../logger.js';
import type { Resources } from './resources-intake.js';

/**
 * Downloads an image or file a person sent (`GET /open-apis/im/v1/messages/:message_id/resources/:file_key`),
 * reading at most `limit` bytes: a larger one is abandoned mid-stream and answered as too large.
 */
export function createResources(client: lark.Client, logger: Logger): Resources {
  return {
    async fetch(messageId, fileKey, kind, limit) {
      try {
        const res = await client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: kind } });
        const stream = res.getReadableStream();
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of stream) {
          size += (chunk as Buffer).length;
          if (size > limit) {
            stream.destroy();
            return { ok: false, reason: 'too-large' };
          }
          chunks.push(chunk as Buffer);
        }
        return { ok: true, bytes: Buffer.concat(chunks) };
      } catch (err) {
        const e = err as { response?: { status?: number; data?: { code?: number } }; message?: string };
        logger.warn({ status: e.response?.status, code: e.response?.data?.code, messageId }, 'could not download a message resource');
        return { ok: false, reason: 'unavailable' };
      }
    },
  };
}
