import { backtestGraph, type Backtest, type EngineError, type MarketFrames, type PeriodStatistics } from '@alphaloop/engine';
import { compileStrategy, formatStrategyErrors, templateStrategy, type CompileContext, type CompiledStrategy, type FactorGraph } from '@alphaloop/strategy';
import { err, ok, type Result } from 'neverthrow';
import { unavailable, type MarketDataError } from '../errors.js';
import type { MarketData } from '../market-data.js';
import { generateSyntheticMarket, type SyntheticMarketOptions } from './generate.js';
import type { Benchmarks, StrategyBenchmark } from './metadata.js';

/**
 * The oracle: a strategy in the strategy language built on the planted signals — percentile ranks of 12-1
 * momentum, published revenue growth and calm (low volatility), weighted by their strengths — holding the 20
 * best names, rebalanced monthly. The weekly reversal is left out: it fades within days, and a strategy
 * trading it weekly pays more in fees and tax than it earns (measured). Not the best possible strategy, but
 * a yardstick of the edge there is to find with the language's own operations.
 */
export const ORACLE_SOURCE = `const close = data.get('etl:adj_close');
const momentum = (close.shift(21) / close.shift(252) - 1).rank();
const growth = data.get('monthly_revenue:revenue_yoy').rank();
const calm = (-close.pctChange(1).rolling(60).std()).rank();
const score = momentum * 6 + growth * 5 + calm * 2;
return sim(score.isLargest(20), { resample: 'M' });
`;

/** Every listed stock, equal weight, rebalanced monthly: what the market itself pays. */
export const MARKET_SOURCE = `const close = data.get('etl:adj_close');
return sim(close > 0, { resample: 'M' });
`;

/** The engine call used to measure a strategy (injected so tests can count calls or fake it). */
export type BacktestFn = (graph: FactorGraph, market: MarketFrames) => Result<Backtest, EngineError>;

/** Compiles the oracle for a market (its fields must include adjusted close and monthly revenue YoY). */
export function oracleStrategy(context: CompileContext): Result<CompiledStrategy, MarketDataError> {
  return compileStrategy(ORACLE_SOURCE, context).mapErr((e) => unavailable(`the oracle strategy does not compile: ${formatStrategyErrors(e)}`));
}

function measure(name: string, strategy: CompiledStrategy, market: MarketData, backtest: BacktestFn): Result<StrategyBenchmark, MarketDataError> {
  return backtest(strategy.graph, market)
    .mapErr((e) => unavailable(`${name} backtest failed: ${e.message}`))
    .map((b) => summary(strategy.canonicalSource, b.statistics.full));
}

const summary = (source: string, s: PeriodStatistics): StrategyBenchmark => ({ source, sharpe: s.dailySharpe, cagr: s.cagr, maxDrawdown: s.maxDrawdown });

/**
 * Backtests the oracle, the template strategy and the equal-weight market on a market with the engine
 * (`backtestGraph` unless another function is given) and returns their FinLab Sharpe ratios.
 */
export function measureBenchmarks(market: MarketData, backtest: BacktestFn = backtestGraph): Result<Benchmarks, MarketDataError> {
  const context = market.compileContext();
  const template = templateStrategy(context).mapErr((e) => unavailable(`the template strategy does not compile: ${formatStrategyErrors([e])}`));
  const marketStrategy = compileStrategy(MARKET_SOURCE, context).mapErr((e) => unavailable(`the market strategy does not compile: ${formatStrategyErrors(e)}`));
  return oracleStrategy(context).andThen((oracle) =>
    template.andThen((tpl) =>
      marketStrategy.andThen((all) =>
        measure('oracle', oracle, market, backtest).andThen((o) =>
          measure('template', tpl, market, backtest).andThen((t) => measure('market', all, market, backtest).map((m) => ({ oracle: o, template: t, market: m }))),
        ),
      ),
    ),
  );
}

/** The market with its benchmarks measured and stored in `metadata.synthetic.benchmarks`. */
export function withBenchmarks(market: MarketData, backtest: BacktestFn = backtestGraph): Result<MarketData, MarketDataError> {
  const synthetic = market.metadata.synthetic;
  if (synthetic === null) return err(unavailable('benchmarks are stored only with synthetic markets'));
  return measureBenchmarks(market, backtest).andThen((benchmarks) => ok(market.withSynthetic({ ...synthetic, benchmarks })));
}

/**
 * Generates a synthetic market and measures its benchmarks: what `alphaloop data generate` and a run
 * without `--data` use. The benchmarks take about as long as three backtests on the market.
 */
export function createSyntheticMarket(options: SyntheticMarketOptions = {}, backtest: BacktestFn = backtestGraph): Result<MarketData, MarketDataError> {
  return generateSyntheticMarket(options).andThen((market) => withBenchmarks(market, backtest));
}
