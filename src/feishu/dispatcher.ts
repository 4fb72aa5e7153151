import * as lark from '@larksuiteoapi/node-sdk';
import type { CardAnswer, IncomingEvent } from '../events.js';
import type { Logger } from '../logger.js';
import { sdkLogger } from './sdk-logger.js';
import { toIncomingCardAction, toIncomingMessage, type CardActionData, type MessageData } from './to-event.js';

/** The SDK's dispatcher with our two handlers: a message is journalled and acked at once; a card action answers with its toast. */
export function createDispatcher(opts: { accept(ev: IncomingEvent): Promise<CardAnswer>; clock: () => Date; logger: Logger }): lark.EventDispatcher {
  const dispatcher = new lark.EventDispatcher({ logger: sdkLogger(opts.logger), cache: new lark.DefaultCache() }).register({
    'im.message.receive_v1': async (data: MessageData) => {
      const ev = toIncomingMessage(data, opts.clock());
      if (ev) await opts.accept(ev);
      return {};
    },
  });
  // Not in the SDK's type map (issues #98/#156); it dispatches at runtime all the same.
  (dispatcher as unknown as { register(h: Record<string, (d: CardActionData) => Promise<unknown>>): void }).register({
    'card.action.trigger': async (data: CardActionData) => {
      const ev = toIncomingCardAction(data, opts.clock());
      return ev ? opts.accept(ev) : {};
    },
  });
  return dispatcher;
}
