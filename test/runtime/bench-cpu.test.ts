import { describe, expect, it } from 'vitest';
import { machineCpuMs, procCpuMs } from '../../bench/server-process.js';

describe("the bench's CPU figures (from /proc)", () => {
  it("count this process's own CPU time as Node does, and the machine's busy, idle and stolen time as they grow", () => {
    const [proc, node, machine] = [procCpuMs(process.pid), process.cpuUsage(), machineCpuMs()];
    // 300 ms of CPU, however long other processes make it take.
    const used = () => {
      const u = process.cpuUsage(node);
      return (u.user + u.system) / 1000;
    };
    let x = 0;
    while (used() < 300) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const spent = procCpuMs(process.pid) - proc;
    const nodeSpent = used();
    // Clock ticks are 10 ms: within a few ticks of Node's own figure.
    expect(Math.abs(spent - nodeSpent)).toBeLessThanOrEqual(40);
    expect(spent).toBeGreaterThanOrEqual(200);
    const after = machineCpuMs();
    expect(after.busy - machine.busy).toBeGreaterThanOrEqual(200);
    expect(after.idle).toBeGreaterThanOrEqual(machine.idle);
    expect(after.steal).toBeGreaterThanOrEqual(machine.steal);
  });
});
