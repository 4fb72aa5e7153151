import type { Resources } from './open-platform-resources.js';
import type Koa from 'koa';
import type { WsGateway, WsGatewayOptions } from './open-platform-ws-types.js';

/** Settings for the fake Open Platform; `appId` must look like `cli_` + 16 hex or the SDK's WSClient refuses it. */
export interface PlatformOptions {
  appId: string;
  appSecret: string;
  users?: Record<string, { name: string }>;
  /** Default true; false makes the contact API answer HTTP 400 code 99991672 (scope missing). */
  contactScope?: boolean;
  botOpenId?: string;
  /** Clock in epoch ms, so token expiry and the one-hour uuid window can be tested. */
  now?: () => number;
  /** The long-connection gateway's timings (Feishu's by default). */
  ws?: WsGatewayOptions;
}

/** One message the fake accepted, with `content` already JSON-parsed. */
export interface SentMessage {
  seq: number;
  kind: 'create' | 'reply' | 'patch' | 'ephemeral' | 'ephemeral-delete';
  /** For an ephemeral card: the one person who sees it. */
  openId?: string;
  chatId?: string;
  replyTo?: string;
  messageId: string;
  msgType: string;
  content: unknown;
  uuid?: string;
  at: Date;
  receiveIdType?: string;
  receiveId?: string;
  replyInThread?: boolean;
  /** When the request that produced it reached the platform (before any injected delay): what rate limits count. */
  arrivedAt?: Date;
}

/** An ephemeral card (仅对你可见) as the fake keeps it. */
export interface EphemeralCard {
  messageId: string;
  chatId: string;
  openId: string;
  card: Record<string, unknown>;
  deleted: boolean;
}

/** One request as the fake saw it; `status` 0 means the socket was reset by a fault. */
export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  at: Date;
  status: number;
  fault: boolean;
}

/** One uploaded file, bytes as received. */
export interface StoredFile {
  fileKey: string;
  fileName: string;
  fileType: string;
  bytes: Buffer;
}

/** A canned gateway answer; without `status` the request is only delayed and then served normally. */
export interface FaultReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket instead of answering (the client sees ECONNRESET / socket hang up). */
  reset?: boolean;
  /** Only requests with this method match (default any). */
  method?: string;
}

/** Random fault injection; the PRNG is seeded so a failing run can be replayed. */
export interface RandomFaults {
  rate: number;
  path?: RegExp;
  replies?: FaultReply[];
  seed?: number;
}

/** Fault controls; matching is on the URL path without the query string. */
export interface Faults {
  next(path: RegExp, reply: FaultReply, times?: number): void;
  random(opts: RandomFaults | null): void;
  clear(): void;
  pending(): number;
}

/** A running fake with its own server. */
export interface ListeningPlatform {
  url: string;
  close(): Promise<void>;
}

/** The fake Feishu Open Platform: mount `middleware()` or call `listen()`, then inspect what the bot did. */
export interface OpenPlatform {
  middleware(): Koa.Middleware;
  listen(port?: number, host?: string): Promise<ListeningPlatform>;
  readonly sent: SentMessage[];
  readonly requests: RecordedRequest[];
  readonly files: StoredFile[];
  /** Images and files users "sent", served as message resources (`GET …/messages/:id/resources/:key`). */
  readonly resources: Resources;
  readonly faults: Faults;
  /** The long connection: `POST /callback/ws/endpoint`, then the SDK's frames over a WebSocket. */
  readonly ws: WsGateway;
  on(event: 'message', fn: (m: SentMessage) => void): () => void;
  /** Resolves with the first already-sent or future message matching `pred` (filter on `seq` to skip old ones). */
  waitFor(pred: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  /** Declares a chat's members; with `botIn: false` sends to it fail with 230002. */
  setChatMembers(chatId: string, members: Record<string, string> | string[], opts?: { botIn?: boolean; name?: string }): void;
  setUser(openId: string, user: { name: string }): void;
  setContactScope(granted: boolean): void;
  /** Tells the fake which chat an inbound message lives in, so replies to it carry a `chatId`. */
  recordInbound(messageId: string, chatId: string): void;
  /** Invalidates every issued token, so the next call with a cached token gets 99991663. */
  expireTokens(): void;
  /** A message's content as it stands now (after any PATCH), JSON-parsed; undefined for an unknown id. */
  contentOf(messageId: string): unknown;
  /** Ephemeral cards sent so far, deleted ones included (marked). */
  ephemerals(): EphemeralCard[];
  /** Forgets sent messages, requests, files, uuids and faults; keeps users, chats and tokens. */
  reset(): void;
}

