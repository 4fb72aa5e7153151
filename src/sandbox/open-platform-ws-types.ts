import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';

/** The long connection's client settings, in seconds as Feishu sends them (endpoint answer and every pong). */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** Settings of the fake's long-connection gateway; the defaults are Feishu's. */
export interface WsGatewayOptions {
  /** Defaults: ping every 120 s, reconnect every 120 s without limit (-1), first reconnect within a random 30 s. */
  clientConfig?: Partial<WsClientConfig>;
  /** How long the platform waits for an event's ACK before the push counts as failed (Feishu: 3 s). */
  ackTimeoutMs?: number;
  /** Delay before a failed push is tried again (Feishu: 15 s for the first retry). */
  retryMs?: number;
  /** Pushes per event in all: Feishu's first push plus 4 retries. */
  maxAttempts?: number;
  /** Payload bytes per frame; a longer event goes out in fragments (headers `sum`/`seq`), as Feishu splits them. */
  fragmentBytes?: number;
}

/** What the bot answered in an event's ACK frame; `answer` is its handler's result (a card callback's toast and card). */
export interface WsAck {
  code: number;
  answer?: unknown;
  /** Which push of the event this ACK answered (1 for the first). */
  attempt: number;
  /** From sending the first fragment to the ACK. */
  ms: number;
}

/** One push of one event: acked, answered with an error code, timed out, or lost with its connection. */
export interface WsDelivery {
  eventId: string;
  attempt: number;
  connection: number;
  /** Frames the event went out in (more than one when it was split). */
  frames: number;
  outcome: 'pending' | 'acked' | 'failed' | 'timeout' | 'lost' | 'late';
  code?: number;
  ms?: number;
}

/** The fake's long-connection side: `POST /callback/ws/endpoint`, the WebSocket, and controls for tests. */
export interface WsGateway {
  /** Answers `/callback/ws/endpoint`; passes everything else on. */
  middleware(): Koa.Middleware;
  /** An HTTP server `upgrade` listener; takes only `/callback/ws/connect` and answers 404 to anything else. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Pushes an event envelope (schema 2.0, plaintext as over a long connection) to one connected client, as Feishu's
   * cluster mode does; without a live connection it waits for one. Resolves with the first ACK of code 200; a failed,
   * late or lost push is retried after `retryMs`, and after `maxAttempts` pushes the promise rejects.
   */
  push(envelope: object): Promise<WsAck>;
  /** Every push so far, in order. */
  readonly deliveries: WsDelivery[];
  /** Counters: connections accepted, pings answered. */
  readonly stats: { connects: number; pings: number };
  /** Open connections (a half-open one counts: the platform cannot tell). */
  connections(): number;
  /** Events waiting for a connection or for their retry. */
  waiting(): number;
  /** Changes the client settings; the client picks them up from the next pong. */
  setClientConfig(c: Partial<WsClientConfig>): void;
  /** Terminates every connection at once (the client sees the socket close). */
  drop(): void;
  /** While down, the endpoint answers 503 and the WebSocket upgrade is refused. */
  setDown(down: boolean): void;
  /** The open connections go silent both ways, socket still open: a half-open connection after a NAT or sleep loss. */
  blackhole(): void;
  /** The next ACK that arrives is lost: its connection is cut before the platform reads it. */
  loseNextAck(): void;
  /** Closes every connection and stops retrying. */
  close(): void;
}
