// The wire format lives with the sandbox (it plays Feishu in local mode); tests use the same builder.
export * from '../../src/sandbox/wire.js';
