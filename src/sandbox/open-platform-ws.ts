import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseJson, readBody } from './open-platform-http.js';
import { hex } from './open-platform-ids.js';
import { decodeFrame, encodeFrame, FrameMethod, headerOf, type Frame } from './open-platform-ws-frame.js';
import type { WsAck, WsClientConfig, WsDelivery, WsGateway, WsGatewayOptions } from './open-platform-ws-types.js';

export type * from './open-platform-ws-types.js';

const ENDPOINT = '/callback/ws/endpoint';
const CONNECT = '/callback/ws/connect';
const SERVICE_ID = 33554678;
const TICKET_TTL_MS = 60_000;

interface Connection {
  id: number;
  socket: WebSocket;
  silent: boolean;
  /** Set by the client's first ping: the SDK drops frames that arrive before it has attached its handler, right after open. */
  ready: boolean;
}

interface Push {
  eventId: string;
  payload: Buffer;
  attempt: number;
  resolve(a: WsAck): void;
  reject(e: Error): void;
}

interface InFlight {
  push: Push;
  connection: Connection;
  delivery: WsDelivery;
  started: number;
  timer: NodeJS.Timeout;
}

/** Builds the long-connection gateway of the fake Open Platform for one app; nothing listens until a server hands it upgrades. */
export function createWsGateway(app: { appId: string; appSecret: string }, opts: WsGatewayOptions = {}): WsGateway {
  let config: WsClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30, ...opts.clientConfig };
  const ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
  const retryMs = opts.retryMs ?? 15_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const fragmentBytes = opts.fragmentBytes ?? 32 * 1024;

  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Map<string, number>(); // ticket → expiry
  const open = new Map<number, Connection>();
  const inflight = new Map<string, InFlight>(); // frame message_id → the push waiting for its ACK
  const timedOut = new Map<string, WsDelivery>(); // frame message_id → a push whose ACK came too late, if ever
  const waitingForConnection: Push[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  const deliveries: WsDelivery[] = [];
  const stats = { connects: 0, pings: 0 };
  let down = false;
  let loseAck = false;
  let closed = false;
  let connectionIds = 0;
  let seqIds = 0;

  const send = (c: Connection, f: Frame) => {
    if (!c.silent) c.socket.send(encodeFrame(f));
  };

  function endpoint(body: Record<string, unknown>, host: string): { status: number; body: unknown } {
    if (down) return { status: 503, body: { code: 1, msg: 'system busy' } };
    if (body.AppID !== app.appId || body.AppSecret !== app.appSecret) return { status: 200, body: { code: 514, msg: 'auth failed' } };
    const ticket = hex(16);
    tickets.set(ticket, Date.now() + TICKET_TTL_MS);
    // Shaped like Feishu's: the SDK reads service_id from the query and keeps the whole URL to connect.
    const url = `ws://${host}${CONNECT}?fpid=1&aid=1&device_id=${hex(8)}&access_key=${hex(16)}&service_id=${SERVICE_ID}&ticket=${ticket}`;
    return { status: 200, body: { code: 0, msg: 'ok', data: { URL: url, ClientConfig: config } } };
  }

  function accept(socket: WebSocket): void {
    const c: Connection = { id: ++connectionIds, socket, silent: false, ready: false };
    open.set(c.id, c);
    stats.connects++;
    socket.on('message', (data: Buffer) => {
      if (c.silent) return;
      let frame: Frame;
      try {
        frame = decodeFrame(data);
      } catch {
        return;
      }
      if (frame.method === FrameMethod.control) onControl(c, frame);
      else onAck(c, frame);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(c.id);
      for (const [id, f] of inflight) if (f.connection === c) settle(id, 'lost');
    });
  }

  function onControl(c: Connection, frame: Frame): void {
    if (headerOf(frame, 'type') !== 'ping') return;
    stats.pings++;
    const payload = Buffer.from(JSON.stringify(config));
    send(c, { ...frame, headers: [{ key: 'type', value: 'pong' }], payload });
    if (!c.ready) {
      c.ready = true;
      flushWaiting();
    }
  }

  function onAck(c: Connection, frame: Frame): void {
    const id = headerOf(frame, 'message_id') ?? '';
    const f = inflight.get(id);
    if (!f) {
      const late = timedOut.get(id);
      if (late) late.outcome = 'late';
      timedOut.delete(id);
      return;
    }
    if (loseAck) {
      loseAck = false;
      c.socket.terminate();
      return;
    }
    let code = 500;
    let answer: unknown;
    try {
      const resp = parseJson(Buffer.from(frame.payload ?? []).toString('utf8'));
      code = typeof resp.code === 'number' ? resp.code : 500;
      if (typeof resp.data === 'string') answer = JSON.parse(Buffer.from(resp.data, 'base64').toString('utf8'));
    } catch {
      code = 500;
    }
    settle(id, code === 200 ? 'acked' : 'failed', code, answer);
  }

  function settle(id: string, outcome: WsDelivery['outcome'], code?: number, answer?: unknown): void {
    const f = inflight.get(id);
    if (!f) return;
    inflight.delete(id);
    clearTimeout(f.timer);
    const ms = Date.now() - f.started;
    Object.assign(f.delivery, { outcome, ms }, code === undefined ? {} : { code });
    if (outcome === 'timeout') timedOut.set(id, f.delivery);
    if (outcome === 'acked') f.push.resolve({ code: code!, answer, attempt: f.push.attempt, ms });
    else retry(f.push);
  }

  function retry(p: Push): void {
    if (closed) return;
    if (p.attempt >= maxAttempts) {
      p.reject(new Error(`event ${p.eventId} not acknowledged after ${p.attempt} pushes`));
      return;
    }
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      deliver(p);
    }, retryMs);
    timer.unref();
    retryTimers.add(timer);
  }

  function deliver(p: Push): void {
    if (closed) return;
    const live = [...open.values()].filter((x) => x.ready);
    // Cluster mode: each push goes to one connected client, chosen at random.
    const c = live[Math.floor(Math.random() * live.length)];
    if (!c) {
      waitingForConnection.push(p);
      return;
    }
    p.attempt++;
    const messageId = hex(16);
    const sum = Math.max(1, Math.ceil(p.payload.length / fragmentBytes));
    const delivery: WsDelivery = { eventId: p.eventId, attempt: p.attempt, connection: c.id, frames: sum, outcome: 'pending' };
    deliveries.push(delivery);
    const timer = setTimeout(() => settle(messageId, 'timeout'), ackTimeoutMs);
    timer.unref();
    inflight.set(messageId, { push: p, connection: c, delivery, started: Date.now(), timer });
    const traceId = hex(8);
    for (let seq = 0; seq < sum; seq++) {
      send(c, {
        seqId: ++seqIds,
        logId: seqIds,
        service: SERVICE_ID,
        method: FrameMethod.data,
        // Card callbacks go as type `event` too: the SDK's WSClient drops every other type.
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: String(sum) },
          { key: 'seq', value: String(seq) },
          { key: 'trace_id', value: traceId },
        ],
        payload: p.payload.subarray(seq * fragmentBytes, (seq + 1) * fragmentBytes),
      });
    }
  }

  function flushWaiting(): void {
    for (const p of waitingForConnection.splice(0)) deliver(p);
  }

  function refuse(socket: Duplex, status: string): void {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  return {
    middleware: () => async (ctx: Koa.Context, next: Koa.Next) => {
      if (ctx.path !== ENDPOINT) return next();
      if (ctx.method !== 'POST') {
        ctx.status = 405;
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = parseJson((await readBody(ctx)).toString('utf8'));
      } catch {
        // An unreadable body is answered like wrong credentials.
      }
      const reply = endpoint(body, ctx.host);
      ctx.status = reply.status;
      ctx.body = reply.body;
    },
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname !== CONNECT) return refuse(socket, '404 Not Found');
      if (down || closed) return refuse(socket, '503 Service Unavailable');
      const ticket = url.searchParams.get('ticket') ?? '';
      const expiry = tickets.get(ticket);
      tickets.delete(ticket);
      if (expiry === undefined || expiry < Date.now()) return refuse(socket, '403 Forbidden');
      wss.handleUpgrade(req, socket, head, accept);
    },
    push(envelope: object) {
      const header = (envelope as { header?: { event_id?: unknown } }).header;
      const eventId = typeof header?.event_id === 'string' ? header.event_id : '';
      return new Promise<WsAck>((resolve, reject) => deliver({ eventId, payload: Buffer.from(JSON.stringify(envelope)), attempt: 0, resolve, reject }));
    },
    deliveries,
    stats,
    connections: () => open.size,
    waiting: () => waitingForConnection.length + retryTimers.size,
    setClientConfig(c) {
      config = { ...config, ...c };
    },
    drop() {
      for (const c of open.values()) c.socket.terminate();
    },
    setDown(d) {
      down = d;
    },
    blackhole() {
      for (const c of open.values()) c.silent = true;
    },
    loseNextAck() {
      loseAck = true;
    },
    close() {
      closed = true;
      for (const t of retryTimers) clearTimeout(t);
      retryTimers.clear();
      for (const f of inflight.values()) clearTimeout(f.timer);
      inflight.clear();
      for (const c of open.values()) c.socket.terminate();
      wss.close();
    },
  };
}
