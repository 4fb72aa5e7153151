// A process that only sends events and times their acknowledgements: measured in the test process, which also plays
// the Feishu platform (receiving the digest's cards and the export's upload), its own busy turns showed up as the bot's.
import type { WireRequest } from '../../src/sandbox/wire.js';

/** What the test sends to start probing: signed requests made just before, sent by `senders` loops in turn. */
export interface ProbeStart {
  url: string;
  requests: WireRequest[];
  senders: number;
  gapMs: number;
}

/** One acknowledgement: its HTTP status (0 for a failed connection) and how long it took. */
export interface Ack {
  status: number;
  ms: number;
}

let stopped = false;
process.on('message', (m: ProbeStart | 'stop') => {
  if (m === 'stop') stopped = true;
  else void probe(m);
});

async function probe({ url, requests, senders, gapMs }: ProbeStart): Promise<void> {
  const acks: Ack[] = [];
  let next = 0;
  const loop = async () => {
    while (!stopped && next < requests.length) {
      const req = requests[next++]!;
      const started = performance.now();
      const status = await fetch(url, { method: 'POST', headers: req.headers, body: req.body }).then(
        async (res) => (await res.arrayBuffer(), res.status),
        () => 0,
      );
      acks.push({ status, ms: performance.now() - started });
      await new Promise((r) => setTimeout(r, gapMs));
    }
  };
  await Promise.all(Array.from({ length: senders }, loop));
  process.send!({ acks, exhausted: next >= requests.length }, () => process.exit(0));
}
