import { createHash, randomBytes } from 'node:crypto';

/** `bytes` random bytes as hex, for message ids, file keys and tokens. */
export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

/** The tenant key the fake reports for an app, stable per app id. */
export const tenantKeyOf = (appId: string): string => digest(`tenant:${appId}`).slice(0, 16);

/** The union id the fake reports for a user, stable per open id. */
export const unionIdOf = (openId: string): string => `on_${digest(`union:${openId}`).slice(0, 32)}`;

/** The bot's open id when the options name none, stable per app id. */
export const botOpenIdOf = (appId: string): string => `ou_${digest(`bot:${appId}`).slice(0, 32)}`;

/** The p2p chat id the fake assigns to private messages with `openId`. */
export const p2pChatOf = (id: string): string => `oc_${digest(`p2p:${id}`).slice(0, 32)}`;
