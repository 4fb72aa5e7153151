import { ApiError, type Reply } from './open-platform-http.js';

/** An image or file a fake user "sent": the bytes the bot may download as a message resource. */
interface Resource {
  messageId: string;
  fileKey: string;
  kind: 'image' | 'file';
  bytes: Buffer;
  contentType: string;
}

/** The message resources the fake serves; tests put the bytes of the images and files their users send. */
export interface Resources {
  put(r: Resource): void;
}

/** The path `GET /open-apis/im/v1/messages/:message_id/resources/:file_key` names, or undefined. */
export function resourcePath(path: string): { messageId: string; fileKey: string } | undefined {
  const m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(path);
  return m ? { messageId: decodeURIComponent(m[1]!), fileKey: decodeURIComponent(m[2]!) } : undefined;
}

/**
 * Serves message resources as Feishu does: the binary with its Content-Type; `type` must be image or file and match
 * what was sent (234001 otherwise), and an unknown message or key is 234003 "file not in message".
 */
export function createResources(): Resources & { get(messageId: string, fileKey: string, type: string | undefined): Reply; reset(): void } {
  const stored = new Map<string, Resource>();
  const keyOf = (messageId: string, fileKey: string) => `${messageId}\n${fileKey}`;
  return {
    put(r) {
      stored.set(keyOf(r.messageId, r.fileKey), r);
    },
    get(messageId, fileKey, type) {
      if (type !== 'image' && type !== 'file') throw new ApiError(400, 234001, 'Invalid request param.');
      const r = stored.get(keyOf(messageId, fileKey));
      if (!r) throw new ApiError(400, 234003, 'File not in msg.');
      if (r.kind !== type) throw new ApiError(400, 234001, 'Invalid request param.');
      return { status: 200, body: r.bytes, headers: { 'content-type': r.contentType, 'content-length': String(r.bytes.length) } };
    },
    reset() {
      stored.clear();
    },
  };
}
