import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleChampion, sampleRecord } from '@alphaloop/ports/contracts';
import { openStorage, type Storage } from './index.js';

describe('run catalog and LLM ledger (PGlite)', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = (await openStorage({ kind: 'pglite' }))._unsafeUnwrap();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('lists runs with their size and champion', async () => {
    expect((await storage.runs.list())._unsafeUnwrap()).toEqual([]);
    (await storage.history.append(sampleRecord({ runId: 'alpha', iteration: 0 })))._unsafeUnwrap();
    (await storage.history.append(sampleRecord({ runId: 'alpha', iteration: 1, championUpdated: true }), { expectedVersion: 0, next: sampleChampion({ runId: 'alpha' }) }))._unsafeUnwrap();
    (await storage.history.allocateIteration('beta'))._unsafeUnwrap();
    const runs = (await storage.runs.list())._unsafeUnwrap();
    expect(runs.map((r) => [r.runId, r.iterations, r.lastIteration, r.championSharpe])).toEqual([
      ['alpha', 2, 1, 0.9],
      ['beta', 0, null, null],
    ]);
    expect(runs[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

});
