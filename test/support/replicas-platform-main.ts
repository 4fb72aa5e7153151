import type { WsGatewayOptions } from '../../src/sandbox/open-platform-ws-types.js';
import { startCountingPlatform } from './replicas-platform.js';

/** What the parent asks of the fake over IPC; each answer carries the request's `id`. */
export type FakeRequest =
  | { id: number; op: 'user'; openId: string; name: string }
  | { id: number; op: 'inbound'; messageId: string; chatId: string }
  | { id: number; op: 'counts' }
  | { id: number; op: 'push'; envelope: object }
  | { id: number; op: 'deliveries' }
  | { id: number; op: 'close' };

/** One accepted message as the parent mirrors it. */
export interface SentSummary {
  seq: number;
  kind: string;
  chatId?: string;
  replyTo?: string;
  receiveId?: string;
  uuid?: string;
  msgType: string;
  at: number;
}

// The fake Feishu Open Platform in a process of its own, as Feishu's gateway is: its clock and event loop count
// arrivals undisturbed by the test driver's work of signing and pushing thousands of events.
const opts = JSON.parse(process.argv[2] ?? '{}') as { appId: string; appSecret: string; botOpenId: string; ws?: WsGatewayOptions };
const chats = new Map<string, string>();
const fake = await startCountingPlatform({ ...opts, chatOfMessage: (id) => chats.get(id) });
const { platform } = fake;
const send = (m: unknown) => process.send!(m);
platform.on('message', (m) => send({ type: 'sent', m: { seq: m.seq, kind: m.kind, chatId: m.chatId, replyTo: m.replyTo, receiveId: m.receiveId, uuid: m.uuid, msgType: m.msgType, at: m.at.getTime() } satisfies SentSummary }));

process.on('message', (r: FakeRequest) => {
  const answer = (result: unknown) => send({ type: 'answer', id: r.id, result });
  switch (r.op) {
    case 'user':
      platform.setUser(r.openId, { name: r.name });
      return answer(true);
    case 'inbound':
      platform.recordInbound(r.messageId, r.chatId);
      chats.set(r.messageId, r.chatId);
      return answer(true);
    case 'counts':
      // Arrival times as epoch ms, so the parent can set them beside its own moments (the kill, the slot).
      return answer({
        sends: fake.sends.map((x) => ({ ...x, at: performance.timeOrigin + x.at })),
        refusals: fake.refusals.map((x) => ({ ...x, at: performance.timeOrigin + x.at })),
        connections: platform.ws.connections(),
      });
    case 'push':
      // Rejects after Feishu's retries: the parent hears the failure as an answer, not as a crash of the fake.
      return void platform.ws.push(r.envelope).then(answer, (e: Error) => answer({ error: e.message }));
    case 'deliveries':
      return answer(platform.ws.deliveries);
    case 'close':
      return void fake.close().then(() => {
        answer(true);
        process.exit(0);
      });
  }
});
send({ type: 'ready', url: fake.url });
