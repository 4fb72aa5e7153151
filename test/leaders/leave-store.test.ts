import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onLeave, onLeaveInBranch } from '../../storage/leave.js';
import { MIGRATIONS } from '../../storage/lowdb/collections.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'duban-leave-')), 'duban.json');
const stamp = { by: 'ou_sec', at: '2026-11-30T01:00:00.000Z' };

describe('leave register and leader links in the store', () => {
  it('answers who is on leave on a day, per person and per branch, and forgets a cancelled leave', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    const b = await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.transact(async (tx) => {
      await tx.savePerson({ id: 'ou_a', name: '张三', nameSource: 'contact', branchId: b.id }, stamp);
      await tx.savePerson({ id: 'ou_b', name: '李四', nameSource: 'contact', branchId: b.id }, stamp);
      await tx.savePerson({ id: 'ou_c', name: '王五', nameSource: 'contact' }, stamp);
      await tx.addLeave({ personId: 'ou_a', from: '2026-12-01', to: '2026-12-05', reason: '出差', entered: stamp });
      await tx.addLeave({ personId: 'ou_c', from: '2026-12-01', to: '2026-12-01', entered: stamp });
    });
    const l2 = await s.transact((tx) => tx.addLeave({ personId: 'ou_b', from: '2026-12-03', to: '2026-12-03', entered: stamp }));
    expect(await s.read((tx) => onLeave(tx, 'ou_a', '2026-12-05'))).toMatchObject({ id: 'L1', reason: '出差' });
    expect(await s.read((tx) => onLeave(tx, 'ou_a', '2026-12-06'))).toBeUndefined();
    expect(await s.view((tx) => onLeaveInBranch(tx, b.id, '2026-12-03'))).toMatchObject([{ personId: 'ou_a' }, { personId: 'ou_b' }]);
    // ou_c is on leave that day but belongs to no branch.
    expect((await s.read((tx) => onLeaveInBranch(tx, b.id, '2026-12-01'))).map((l) => l.personId)).toEqual(['ou_a']);
    await s.transact((tx) => tx.voidLeave(l2.id, stamp));
    expect(await s.read((tx) => onLeave(tx, 'ou_b', '2026-12-03'))).toBeUndefined();
    expect(await s.read((tx) => tx.listLeaves({ personId: 'ou_b', includeVoided: true }))).toMatchObject([{ id: l2.id, voided: stamp }]);
    await s.transact((tx) => tx.savePerson({ id: 'ou_c', role: 'leader', linkedBranchIds: [b.id] }, stamp));
    await s.close();
    const again = await openLowdbStore(file);
    expect(await again.read((tx) => tx.getPerson('ou_c'))).toMatchObject({ role: 'leader', linkedBranchIds: [b.id] });
    expect(await again.read((tx) => tx.listLeaves())).toHaveLength(2);
    await again.close();
  });

  it('opens a data file written before the leave register existed', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.close();
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    delete snap.collections.leaves;
    snap.schemaVersion = 1;
    writeFileSync(file, JSON.stringify(snap));
    const again = await openLowdbStore(file);
    expect(again.health().schemaVersion).toBe(MIGRATIONS.length);
    expect(await again.read((tx) => tx.listLeaves())).toEqual([]);
    await again.transact((tx) => tx.addLeave({ personId: 'ou_a', from: '2026-12-01', to: '2026-12-02', entered: stamp }));
    expect(await again.read((tx) => onLeave(tx, 'ou_a', '2026-12-02'))).toMatchObject({ id: 'L1' });
    await again.close();
  });
});
