import { afterAll, describe } from 'vitest';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable, testDatabase } from './postgres-db.js';
import { describeStoreContract } from './store-contract.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

describe.runIf(reachable)('PostgreSQL store', () => {
  describeStoreContract('postgres', () => {
    // A fresh schema per location; opened lazily because the contract's factory is synchronous.
    const url = db.location();
    return { open: async () => openPostgresStore(await url) };
  });

  describeStoreContract('postgres, snapshot after every transaction', () => {
    const url = db.location();
    return { open: async () => openPostgresStore(await url, { snapshotEvery: 1 }) };
  });
});
