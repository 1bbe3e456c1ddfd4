import { describeHistoryRepositoryContract } from '@alphaloop/ports/contracts';
import { afterAll, beforeAll } from 'vitest';
import { openStorage, type Storage } from './index.js';

let storage: Storage;

beforeAll(async () => {
  storage = (await openStorage({ kind: 'pglite' }))._unsafeUnwrap();
});

afterAll(async () => {
  await storage?.close();
});

describeHistoryRepositoryContract('PGlite (in memory)', async () => ({ history: storage.history, champions: storage.champions }));
