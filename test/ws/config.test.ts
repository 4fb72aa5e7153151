import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';

const env = { FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 'v', FEISHU_ENCRYPT_KEY: 'e' };

describe('long-connection configuration', () => {
  it('refuses at start-up an app id the SDK’s WSClient would silently ignore, naming the key and not its value', () => {
    const bad = () => readConfig({ ...env, FEISHU_APP_ID: 'cli_shortid', FEISHU_MODE: 'ws' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/FEISHU_APP_ID: FEISHU_MODE=ws needs .*cli_ and 16 hex digits/);
    expect(bad).not.toThrow(/cli_shortid/);
    // The webhook does not care, and a real id passes.
    expect(readConfig({ ...env, FEISHU_APP_ID: 'cli_shortid' }).feishu?.mode).toBe('webhook');
    expect(readConfig({ ...env, FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718', FEISHU_MODE: 'ws' }).feishu?.mode).toBe('ws');
  });

  it('lets the sandbox deliver over a long connection without leaving local mode', () => {
    expect(readConfig({ DUBAN_SANDBOX_FEISHU_MODE: 'ws' })).toMatchObject({ mode: 'local', sandboxFeishuMode: 'ws' });
    expect(readConfig({}).sandboxFeishuMode).toBe('webhook');
    expect(() => readConfig({ DUBAN_SANDBOX_FEISHU_MODE: 'socket' })).toThrow(/DUBAN_SANDBOX_FEISHU_MODE/);
  });
});
