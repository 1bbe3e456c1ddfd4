import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAMPION_POLICY } from '@alphaloop/domain';
import { EXECUTOR_TOKENS, MissingBindingError, type LearningLoop } from '@alphaloop/executor';
import { TOKENS } from '@alphaloop/ports';
import {
  InMemoryHistory,
  ManualClock,
  MemoryLogger,
  ScriptedBacktest,
  ScriptedGenerator,
  ScriptedLlm,
  StaticMarketData,
  TestRandom,
} from '@alphaloop/ports/test-doubles';
import { createContainer, type Adapters } from './container.js';

const store = new InMemoryHistory();
const adapters: Adapters = {
  llm: new ScriptedLlm([{ code: 'x' }], false),
  generator: new ScriptedGenerator(),
  backtest: new ScriptedBacktest(() => ({ sharpe: 1, totalReturn: 0.1, maxDrawdown: -0.1 })),
  history: store,
  champions: store,
  archive: store,
  marketData: new StaticMarketData(),
  clock: new ManualClock(),
  random: new TestRandom(1),
  logger: new MemoryLogger(),
};

describe('createContainer', () => {
  it('wires every port and the loop', async () => {
    const container = createContainer({ runId: 'c', innovationRate: 100, champion: DEFAULT_CHAMPION_POLICY, adapters });
    expect(container.get(TOKENS.Backtest)).toBe(adapters.backtest);
    const summary = await container.get<LearningLoop>(EXECUTOR_TOKENS.LearningLoop).run({ iterations: 2 });
    expect(summary.iterationsRun).toBe(2);
  });

  it('fails at start-up naming the missing adapter', () => {
    const { backtest: _missing, ...partial } = adapters;
    expect(() => createContainer({ runId: 'c', innovationRate: 100, champion: DEFAULT_CHAMPION_POLICY, adapters: partial })).toThrow(MissingBindingError);
    expect(() => createContainer({ runId: 'c', innovationRate: 100, champion: DEFAULT_CHAMPION_POLICY, adapters: partial })).toThrow(
      /no binding for TOKENS\.Backtest/,
    );
  });
});
