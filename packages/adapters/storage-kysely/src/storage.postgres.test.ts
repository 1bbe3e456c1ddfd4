import { describeHistoryRepositoryContract } from '@alphaloop/ports/contracts';
import { afterAll, beforeAll } from 'vitest';
import { createThrowawaySchema, describePostgres, type ThrowawaySchema } from '../test/pg-gate.js';
import { describeStorageBehaviour } from '../test/storage-behaviour.js';
import { openStorage, type Storage } from './index.js';

describePostgres('PostgreSQL history repository', (url) => {
  let schema: ThrowawaySchema;
  let storage: Storage;

  beforeAll(async () => {
    schema = await createThrowawaySchema(url);
    storage = (await openStorage({ kind: 'postgres', connectionString: url, schema: schema.schema }))._unsafeUnwrap();
  });

  afterAll(async () => {
    await storage?.close();
    await schema?.drop();
  });

  describeHistoryRepositoryContract('PostgreSQL (throwaway schema)', async () => ({ history: storage.history, champions: storage.champions }));
  describeStorageBehaviour('PostgreSQL (throwaway schema)', { storage: () => storage, schema: () => schema.schema });
});
