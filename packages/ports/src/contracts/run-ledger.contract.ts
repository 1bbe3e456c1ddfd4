import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunProtocol, RunValidation } from '@alphaloop/domain';
import type { HistoryRepository } from '../history-repository.port.js';
import type { RunProtocolRepository, ValidationRepository } from '../run-ledger.port.js';
import { sampleProtocol, sampleRecord, sampleValidation } from './fixtures.js';

export interface RunProtocolRepositoryFixture {
  readonly protocols: RunProtocolRepository;
  /** The history of the same storage: a protocol lives beside a run's records and must not disturb them. */
  readonly history: HistoryRepository;
  /** Called once per test; each test uses its own run ids. */
  readonly teardown?: () => Promise<void>;
}

export interface ValidationRepositoryFixture {
  readonly validations: ValidationRepository;
  readonly teardown?: () => Promise<void>;
}

const freshRun = (): string => `run-${randomUUID()}`;

/** Equal, with the same keys in the same (the domain's) order and no extra `undefined` ones. */
function expectExactly<T>(got: T, want: T): void {
  expect(got).toStrictEqual(want);
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
}

function withFixture<F extends { readonly teardown?: () => Promise<void> }>(setup: () => Promise<F>, fn: (f: F) => Promise<void>) {
  return async () => {
    const fixture = await setup();
    try {
      await fn(fixture);
    } finally {
      await fixture.teardown?.();
    }
  };
}

/**
 * The behaviour every run-protocol storage adapter must have: one protocol per run, the first one stored wins,
 * values come back exactly. `describeRunProtocolRepositoryContract('pglite', async () => ({ protocols, history }))`.
 */
export function describeRunProtocolRepositoryContract(name: string, setup: () => Promise<RunProtocolRepositoryFixture>): void {
  describe(`RunProtocolRepository contract: ${name}`, () => {
    it('has no protocol for a run it never saw', withFixture(setup, async ({ protocols }) => {
      expect((await protocols.get(freshRun()))._unsafeUnwrap()).toBeNull();
    }));

    it('stores a protocol and gives it back exactly, with a holdout or without one (null holdoutStart)', withFixture(setup, async ({ protocols }) => {
      const [withHoldout, without] = [freshRun(), freshRun()];
      const a = sampleProtocol({ dataVersion: '台股 synthetic "v3" — seed 7', seed: 2 ** 31 - 1, feeRatio: 0.1 + 0.2, riskFreeRate: 0 });
      const b = sampleProtocol({ holdoutStart: null, seed: 0, folds: 1, inSampleEnd: '2025-12-31', taxRatio: 0.0015 });
      expectExactly((await protocols.setIfAbsent(withHoldout, a))._unsafeUnwrap(), a);
      expectExactly((await protocols.setIfAbsent(without, b))._unsafeUnwrap(), b);
      expectExactly((await protocols.get(withHoldout))._unsafeUnwrap(), a);
      const stored = (await protocols.get(without))._unsafeUnwrap();
      expectExactly(stored, b);
      expect(stored?.holdoutStart).toBeNull();
    }));

    it('keeps the first protocol: a second setIfAbsent returns the stored one and changes nothing', withFixture(setup, async ({ protocols }) => {
      const runId = freshRun();
      const first = sampleProtocol();
      const second = sampleProtocol({ seed: 7, holdoutStart: null, dataVersion: 'other data', feeRatio: 0.002 });
      expectExactly((await protocols.setIfAbsent(runId, first))._unsafeUnwrap(), first);
      expectExactly((await protocols.setIfAbsent(runId, second))._unsafeUnwrap(), first);
      expectExactly((await protocols.get(runId))._unsafeUnwrap(), first);
    }));

    it('keeps runs apart', withFixture(setup, async ({ protocols }) => {
      const [a, b, untouched] = [freshRun(), freshRun(), freshRun()];
      const pa = sampleProtocol({ seed: 1 });
      const pb = sampleProtocol({ seed: 2, holdoutStart: null });
      (await protocols.setIfAbsent(a, pa))._unsafeUnwrap();
      expectExactly((await protocols.setIfAbsent(b, pb))._unsafeUnwrap(), pb);
      expectExactly((await protocols.get(a))._unsafeUnwrap(), pa);
      expectExactly((await protocols.get(b))._unsafeUnwrap(), pb);
      expect((await protocols.get(untouched))._unsafeUnwrap()).toBeNull();
    }));

    it('gives every one of 8 concurrent writers the same stored protocol', withFixture(setup, async ({ protocols }) => {
      const runId = freshRun();
      const candidates: RunProtocol[] = Array.from({ length: 8 }, (_, i) => sampleProtocol({ seed: 100 + i }));
      const answers = (await Promise.all(candidates.map((p) => protocols.setIfAbsent(runId, p)))).map((r) => r._unsafeUnwrap());
      const stored = (await protocols.get(runId))._unsafeUnwrap();
      expect(candidates).toContainEqual(stored);
      for (const answer of answers) expectExactly(answer, stored);
    }));

    it('lives beside the run’s history: a run with records has none until set, and setting one uses no iteration number', withFixture(setup, async ({ protocols, history }) => {
      const older = freshRun();
      expect((await history.allocateIteration(older))._unsafeUnwrap()).toBe(0);
      (await history.append(sampleRecord({ runId: older, iteration: 0 })))._unsafeUnwrap();
      expect((await protocols.get(older))._unsafeUnwrap()).toBeNull(); // a run stored before protocols existed
      const protocol = sampleProtocol();
      expectExactly((await protocols.setIfAbsent(older, protocol))._unsafeUnwrap(), protocol);
      expect((await history.allocateIteration(older))._unsafeUnwrap()).toBe(1);
      expect((await history.count(older))._unsafeUnwrap()).toBe(1);

      const fresh = freshRun();
      (await protocols.setIfAbsent(fresh, protocol))._unsafeUnwrap();
      expect((await history.allocateIteration(fresh))._unsafeUnwrap()).toBe(0);
      expect((await history.count(fresh))._unsafeUnwrap()).toBe(0);
    }));
  });
}

/**
 * The behaviour every validation storage adapter must have: validations are appended, `latest` is the last one
 * saved for that run, values come back exactly. `describeValidationRepositoryContract('pglite', async () => ({ validations }))`.
 */
export function describeValidationRepositoryContract(name: string, setup: () => Promise<ValidationRepositoryFixture>): void {
  describe(`ValidationRepository contract: ${name}`, () => {
    it('has no validation for a run it never saw', withFixture(setup, async ({ validations }) => {
      expect((await validations.latest(freshRun()))._unsafeUnwrap()).toBeNull();
    }));

    it('stores a validation and gives it back exactly', withFixture(setup, async ({ validations }) => {
      const [a, b] = [freshRun(), freshRun()];
      const full = sampleValidation({ runId: a, strategyIds: ['動能-1', 'a"b\\c', 'feedfacecafebeef'], pbo: 0.1 + 0.2, degradationSlope: -1.5e-7 });
      const empty = sampleValidation({ runId: b, strategyIds: [], pbo: 0, probabilityOfLoss: 1, degradationIntercept: 0, splitCount: 2, blocks: 2 });
      (await validations.save(full))._unsafeUnwrap();
      (await validations.save(empty))._unsafeUnwrap();
      expectExactly((await validations.latest(a))._unsafeUnwrap(), full);
      expectExactly((await validations.latest(b))._unsafeUnwrap(), empty);
    }));

    it('returns the newest of several saves', withFixture(setup, async ({ validations }) => {
      const runId = freshRun();
      const saves: RunValidation[] = [
        sampleValidation({ runId, createdAt: '2026-11-25T12:00:00.000Z', pbo: 0.5 }),
        sampleValidation({ runId, createdAt: '2026-11-26T08:30:00.000Z', pbo: 0.25, strategyIds: ['00000000000000bb'] }),
      ];
      (await validations.save(saves[0] as RunValidation))._unsafeUnwrap();
      (await validations.save(saves[1] as RunValidation))._unsafeUnwrap();
      expectExactly((await validations.latest(runId))._unsafeUnwrap(), saves[1]);
      const third = sampleValidation({ runId, createdAt: '2026-11-27T09:00:00.000Z', pbo: 0.75 });
      (await validations.save(third))._unsafeUnwrap();
      expectExactly((await validations.latest(runId))._unsafeUnwrap(), third);
    }));

    it('keeps runs apart', withFixture(setup, async ({ validations }) => {
      const [a, b] = [freshRun(), freshRun()];
      const va = sampleValidation({ runId: a, pbo: 0.125 });
      (await validations.save(va))._unsafeUnwrap();
      (await validations.save(sampleValidation({ runId: b, pbo: 0.875, createdAt: '2027-01-01T00:00:00.000Z' })))._unsafeUnwrap();
      expectExactly((await validations.latest(a))._unsafeUnwrap(), va);
      expect((await validations.latest(b))._unsafeUnwrap()?.pbo).toBe(0.875);
    }));

    it('takes 6 concurrent saves, all of them, and answers with one of them', withFixture(setup, async ({ validations }) => {
      const runId = freshRun();
      const saves = Array.from({ length: 6 }, (_, i) => sampleValidation({ runId, pbo: i / 8 }));
      for (const saved of await Promise.all(saves.map((v) => validations.save(v)))) saved._unsafeUnwrap();
      expect(saves).toContainEqual((await validations.latest(runId))._unsafeUnwrap());
    }));
  });
}
