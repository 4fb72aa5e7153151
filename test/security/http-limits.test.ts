import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_TIMEOUTS } from '../../src/server-timeouts.js';
import { Harness } from '../support/harness.js';

/** A raw connection that sends `head` (and optional body bytes), then stalls; it records the status and the close. */
function stall(port: number, head: string, body?: Buffer) {
  const state = { status: 0, closed: false, socket: undefined as unknown as Socket };
  const socket = connect(port, '127.0.0.1', () => {
    socket.write(head);
    if (body) socket.write(body);
  });
  let text = '';
  socket.on('data', (d) => {
    text += d.toString('latin1');
    state.status ||= Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (state.closed = true));
  state.socket = socket;
  return state;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

const MB = 1024 * 1024;

describe('stalled unauthenticated requests are bounded and cut off', () => {
  let h: Harness | undefined;
  const sockets: { socket: Socket }[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.socket.destroy();
    await h?.close();
    h = undefined;
  });

  it('reads at most 32 webhook bodies at once, refuses the rest with 503 at once, and drops stalled bodies', async () => {
    const bot = (h = await Harness.start());
    const head = `POST /webhook/event HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MB - 10}\r\n\r\n`;
    const conns = Array.from({ length: 300 }, () => stall(bot.app.port, head, Buffer.alloc(64 * 1024, 0x61)));
    sockets.push(...conns);
    // A request that stops half-way through its headers.
    const halfHead = stall(bot.app.port, 'POST /webhook/event HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    sockets.push(halfHead);

    await until(() => conns.filter((c) => c.status === 503).length >= 268, 10_000);
    const refused = conns.filter((c) => c.status === 503).length;
    const waiting = conns.filter((c) => c.status === 0).length;
    expect(refused).toBe(268);
    expect(waiting).toBe(32);

    // The 32 being read are given up (408) once their body is late, and every connection is closed.
    await until(() => conns.every((c) => c.closed), 15_000);
    expect(conns.filter((c) => c.status === 408)).toHaveLength(32);
    expect(conns.every((c) => c.closed)).toBe(true);

    // A genuine event is served normally afterwards.
    const admin = bot.person('王主任');
    expect((await bot.deliver(bot.event(admin, bot.newChat(), '/帮助').body)).status).toBe(200);

    // The half-sent headers are cut off by the server's header timeout, not Node's 300 s request timeout.
    await until(() => halfHead.closed, SERVER_TIMEOUTS.headersTimeout + 5_000);
    expect(halfHead.closed).toBe(true);
  }, 60_000);

  it('keeps the server timeouts far under Node defaults', () => {
    expect(SERVER_TIMEOUTS.headersTimeout).toBeLessThanOrEqual(SERVER_TIMEOUTS.requestTimeout);
    expect(SERVER_TIMEOUTS.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(SERVER_TIMEOUTS.connectionsCheckingInterval).toBeLessThanOrEqual(2_000);
  });
});
