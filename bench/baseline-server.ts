// The baseline the intake is measured against: a bare Koa server with the SDK's own adapter and dispatcher, whose
// handler does nothing. It decrypts and checks the signature as the SDK does; it journals nothing.
import * as lark from '@larksuiteoapi/node-sdk';
import Koa from 'koa';

const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const dispatcher = new lark.EventDispatcher({ encryptKey: process.env.FEISHU_ENCRYPT_KEY, verificationToken: process.env.FEISHU_VERIFICATION_TOKEN, logger: silent }).register({
  'im.message.receive_v1': async () => ({}),
});
const app = new Koa();
app.use(lark.adaptKoa('/webhook/event', dispatcher, { autoChallenge: true, logger: silent }));
app.use(async (ctx) => {
  if (ctx.path === '/healthz') ctx.body = { ok: true };
});
app.listen(Number(process.env.PORT), '127.0.0.1');
