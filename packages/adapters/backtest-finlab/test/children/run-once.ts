// A child process: builds a WorkerBacktest on the test market, runs one strategy, prints the outcome as one
// JSON line, then closes the adapter — or not, with `--no-close` (the process must end either way).
// `--no-run`: build the adapter (its workers start loading) and do nothing else.
import { WorkerBacktest } from '../../src/index.js';
import { STRATEGIES, testMarket } from '../support/market.js';

const { market, context } = testMarket({ dates: 120, symbols: 6 });
const backtest = new WorkerBacktest({ market, context });
if (!process.argv.includes('--no-run')) {
  const outcome = await backtest.run({ code: STRATEGIES.momentum });
  process.stdout.write(
    `${JSON.stringify({ event: 'outcome', ok: outcome.isOk(), strategyId: outcome.isOk() ? outcome.value.strategyId : null, error: outcome.isErr() ? outcome.error : null })}\n`,
  );
}
if (!process.argv.includes('--no-close')) await backtest.close();
process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`);
