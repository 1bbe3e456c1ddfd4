import { describe, expect, it } from 'vitest';
import type { Champion } from '@alphaloop/domain';
import type { StrategyGeneratorPort } from '../strategy-generator.port.js';

export interface StrategyGeneratorFixture {
  /** A generator seeded with `seed`: two generators with equal seeds must behave identically. */
  readonly create: (seed: number) => StrategyGeneratorPort;
  /** A champion (valid strategy) to mutate. */
  readonly champion: Champion;
}

/** The behaviour every strategy generator must have. */
export function describeStrategyGeneratorContract(name: string, setup: () => Promise<StrategyGeneratorFixture>): void {
  describe(`StrategyGeneratorPort contract: ${name}`, () => {
    it('mutates the champion into a different strategy with lineage', async () => {
      const { create, champion } = await setup();
      const generator = create(7);
      for (let i = 0; i < 20; i += 1) {
        const made = (await generator.generate({ runId: champion.runId, iteration: i, champion }))._unsafeUnwrap();
        expect(made.parentId).toBe(champion.strategyId);
        expect(made.strategyId).not.toBe(champion.strategyId);
        expect(made.code).not.toBe(champion.code);
        expect(made.generation).toBeGreaterThanOrEqual(1);
        expect(made.operator.length).toBeGreaterThan(0);
      }
    });

    it('starts from the template when there is no champion', async () => {
      const { create } = await setup();
      const made = (await create(1).generate({ runId: 'contract', iteration: 0, champion: null }))._unsafeUnwrap();
      expect(made.code.length).toBeGreaterThan(0);
      expect(made.strategyId).toMatch(/^[0-9a-f]{8,}$/);
    });

    it('is reproducible from its seed', async () => {
      const { create, champion } = await setup();
      const [a, b] = [create(42), create(42)];
      for (let i = 0; i < 10; i += 1) {
        const input = { runId: champion.runId, iteration: i, champion };
        expect((await a.generate(input))._unsafeUnwrap()).toEqual((await b.generate(input))._unsafeUnwrap());
      }
    });
  });
}
