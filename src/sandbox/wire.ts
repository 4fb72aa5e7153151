import { createCipheriv, createHash, randomBytes, randomInt } from 'node:crypto';

/** The console secrets an event is built with; `appId` should be `cli_` + 16 hex, as the SDK checks that shape. */
export interface WireKeys {
  encryptKey: string;
  verificationToken: string;
  appId: string;
  /** Defaults to a stable 16-hex value derived from `appId`. */
  tenantKey?: string;
}

/** A raw HTTP request as Feishu would POST it to the bot. */
export interface WireRequest {
  headers: Record<string, string>;
  body: string;
}

/** A realistic event id: 32 lowercase hex characters. */
export const newEventId = (): string => randomBytes(16).toString('hex');

/** A realistic message id: `om_` + 32 hex. */
export const newMessageId = (): string => `om_${randomBytes(16).toString('hex')}`;

/** A realistic chat id: `oc_` + 32 hex. */
export const newChatId = (): string => `oc_${randomBytes(16).toString('hex')}`;

/** A realistic user open id: `ou_` + 32 hex. */
export const newOpenId = (): string => `ou_${randomBytes(16).toString('hex')}`;

/** A realistic app id: `cli_` + 16 hex. */
export const newAppId = (): string => `cli_${randomBytes(8).toString('hex')}`;

/** Encrypts like Feishu: base64(iv16 ‖ AES-256-CBC with PKCS#7, key = sha256(encryptKey)). */
export function encrypt(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** Feishu's event signature: hex sha256 over timestamp + nonce + encryptKey followed by the raw body bytes. */
export function sign(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(rawBody, 'utf8').digest('hex');
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const tenantKeyOf = (keys: WireKeys) => keys.tenantKey ?? digest(`tenant:${keys.appId}`).slice(0, 16);
const unionIdOf = (openId: string) => `on_${digest(`union:${openId}`).slice(0, 32)}`;

function header(keys: WireKeys, eventType: string, eventId: string | undefined, createTime: string) {
  return {
    event_id: eventId ?? newEventId(),
    event_type: eventType,
    create_time: createTime,
    token: keys.verificationToken,
    app_id: keys.appId,
    tenant_key: tenantKeyOf(keys),
  };
}

/** A plaintext schema-2.0 `im.message.receive_v1` envelope whose content is `{"text": …}`; put `@_user_N` placeholders in `text` yourself. */
export function messageEvent(
  keys: WireKeys,
  opts: {
    text: string;
    senderOpenId: string;
    chatId: string;
    chatType?: 'group' | 'p2p';
    messageId?: string;
    eventId?: string;
    mentions?: { key: string; openId: string; name: string }[];
    createTime?: Date;
    rootId?: string;
    parentId?: string;
  },
): object {
  const ms = String((opts.createTime ?? new Date()).getTime());
  const tenantKey = tenantKeyOf(keys);
  return {
    schema: '2.0',
    header: header(keys, 'im.message.receive_v1', opts.eventId, ms),
    event: {
      sender: {
        sender_id: { union_id: unionIdOf(opts.senderOpenId), open_id: opts.senderOpenId },
        sender_type: 'user',
        tenant_key: tenantKey,
      },
      message: {
        message_id: opts.messageId ?? newMessageId(),
        ...(opts.rootId ? { root_id: opts.rootId } : {}),
        ...(opts.parentId ? { parent_id: opts.parentId } : {}),
        create_time: ms,
        update_time: ms,
        chat_id: opts.chatId,
        chat_type: opts.chatType ?? 'group',
        message_type: 'text',
        content: JSON.stringify({ text: opts.text }),
        ...(opts.mentions?.length
          ? {
              mentions: opts.mentions.map((m) => ({
                key: m.key,
                id: { union_id: unionIdOf(m.openId), open_id: m.openId },
                name: m.name,
                tenant_key: tenantKey,
              })),
            }
          : {}),
        user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Lark/7.36.6 LarkLocale/zh_CN',
      },
    },
  };
}

/** A plaintext schema-2.0 `card.action.trigger` envelope for a button press, with `form_value` when a form was submitted. */
export function cardActionEvent(
  keys: WireKeys,
  opts: {
    operatorOpenId: string;
    value: Record<string, unknown>;
    formValue?: Record<string, unknown>;
    chatId: string;
    messageId: string;
    eventId?: string;
    name?: string;
  },
): object {
  const tenantKey = tenantKeyOf(keys);
  // Card callbacks stamp the header in microseconds.
  const micros = `${Date.now()}000`;
  return {
    schema: '2.0',
    header: header(keys, 'card.action.trigger', opts.eventId, micros),
    event: {
      operator: { tenant_key: tenantKey, open_id: opts.operatorOpenId, union_id: unionIdOf(opts.operatorOpenId) },
      token: `c-${randomBytes(20).toString('hex')}`,
      action: {
        value: opts.value,
        tag: 'button',
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.formValue ? { form_value: opts.formValue } : {}),
        timezone: 'Asia/Shanghai',
      },
      host: 'im_message',
      context: { open_message_id: opts.messageId, open_chat_id: opts.chatId },
    },
  };
}

/** The url_verification body the console sends when the request URL is saved. */
export function challenge(keys: WireKeys, challengeCode: string): object {
  return { challenge: challengeCode, token: keys.verificationToken, type: 'url_verification' };
}

/** Serialises `body` as Feishu does (compact `{"encrypt":…}` by default) and signs the exact raw bytes sent. */
export function toRequest(
  keys: WireKeys,
  body: object,
  opts: { timestamp?: number; nonce?: string; encrypt?: boolean; forgeSignature?: boolean; unsigned?: boolean } = {},
): WireRequest {
  const raw = opts.encrypt === false ? JSON.stringify(body) : JSON.stringify({ encrypt: encrypt(JSON.stringify(body), keys.encryptKey) });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!opts.unsigned) {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? String(randomInt(1_000_000_000, 9_999_999_999));
    let signature = sign(timestamp, nonce, keys.encryptKey, raw);
    if (opts.forgeSignature) signature = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    Object.assign(headers, { 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature });
  }
  return { headers, body: raw };
}

/** POSTs a wire request with plain fetch and returns status, text and, when the text is JSON, the parsed value. */
export async function post(url: string, req: WireRequest): Promise<{ status: number; text: string; json?: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  const text = await res.text();
  try {
    return { status: res.status, text, json: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, text };
  }
}
