import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { metricsFrom, type RawMetrics, type StrategyTraits } from '@alphaloop/domain';
import type {
  BacktestError,
  BacktestOutcome,
  BacktestPort,
  BacktestRequest,
  GeneratedStrategy,
  GenerateStrategyInput,
  LlmError,
  LlmPort,
  LlmProposal,
  MarketDataDescription,
  MarketDataError,
  MarketDataPort,
  StrategyGeneratorError,
  StrategyGeneratorPort,
  StrategyPromptInput,
} from '../../src/index.js';

export type LlmScriptStep = { readonly code: string } | { readonly error: LlmError } | { readonly throws: string };

/** An LLM that plays a script (the last step repeats) and records every prompt input. */
export class ScriptedLlm implements LlmPort {
  readonly inputs: StrategyPromptInput[] = [];
  readonly model: string | null;
  private position = 0;

  constructor(
    private readonly script: readonly LlmScriptStep[],
    readonly configured = true,
  ) {
    this.model = configured ? 'test:scripted' : null;
  }

  proposeStrategy(input: StrategyPromptInput): ResultAsync<LlmProposal, LlmError> {
    this.inputs.push(input);
    const step = this.script[Math.min(this.position, this.script.length - 1)];
    this.position += 1;
    if (step === undefined) return errAsync({ kind: 'llm_empty', message: 'empty script' });
    if ('throws' in step) throw new Error(step.throws);
    if ('error' in step) return errAsync(step.error);
    return okAsync({
      code: step.code,
      usage: { model: 'test:scripted', tokensIn: 100, tokensOut: 50, costUsd: 0.001, cached: false, attempts: 1, latencyMs: 5 },
    });
  }
}

/** A generator that derives `fg-<n>` strategies from the champion (or the template). */
export class ScriptedGenerator implements StrategyGeneratorPort {
  readonly inputs: GenerateStrategyInput[] = [];
  private made = 0;

  generate(input: GenerateStrategyInput): ResultAsync<GeneratedStrategy, StrategyGeneratorError> {
    this.inputs.push(input);
    this.made += 1;
    return okAsync({
      code: `// factor graph strategy ${this.made}`,
      strategyId: `f${this.made.toString(16).padStart(15, '0')}`,
      parentId: input.champion?.strategyId ?? 'template',
      operator: 'perturb_parameter',
      generation: 1,
    });
  }
}

export type BacktestBehaviour = RawMetrics | { readonly error: BacktestError } | { readonly throws: string };

/**
 * A backtest whose outcome is chosen by a function of the code. The strategy id is a hash of the
 * code, like the real one.
 */
export class ScriptedBacktest implements BacktestPort {
  readonly requests: BacktestRequest[] = [];

  /**
   * `holdout` gives the holdout metrics of a code when a request asks for them (default: none, as in a run without
   * a holdout). The folds all carry the scripted Sharpe, so the robust score equals it; `folds` overrides them.
   */
  constructor(
    private readonly behaviour: (code: string, call: number) => BacktestBehaviour,
    private readonly holdout: (code: string) => RawMetrics | null = () => null,
    private readonly folds?: (code: string) => readonly (number | null)[],
    /** Traits of a code (default: family `other`, 10 names held); `returns` its daily returns (default: noise seeded by its id). */
    private readonly traits: (code: string) => StrategyTraits = () => ({ family: 'other', averageHoldings: 10 }),
    private readonly returns: (code: string, strategyId: string) => Float64Array = (_code, id) => noiseOf(id),
  ) {}

  run(request: BacktestRequest): ResultAsync<BacktestOutcome, BacktestError> {
    this.requests.push(request);
    const strategyId = hashId(request.code);
    if (request.measured?.has(strategyId) === true) {
      return errAsync({ kind: 'backtest_duplicate', strategyId, message: `strategy ${strategyId} was already measured in this run` });
    }
    const outcome = this.behaviour(request.code, this.requests.length);
    if ('throws' in outcome) throw new Error(String(outcome.throws));
    if ('error' in outcome && outcome.error !== undefined) return errAsync(outcome.error as BacktestError);
    const metrics = metricsFrom(outcome as RawMetrics);
    const holdout = request.holdout === true ? this.holdout(request.code) : null;
    const foldSharpes = this.folds?.(request.code) ?? [metrics.sharpe, metrics.sharpe, metrics.sharpe, metrics.sharpe];
    return okAsync({
      strategyId,
      canonicalCode: request.code,
      metrics,
      folds: foldSharpes.map((sharpe, i) => ({ start: `202${i}-01-02`, end: `202${i}-12-31`, sharpe })),
      profile: metrics.sharpe === null ? null : { observations: 1000, sharpe: metrics.sharpe / Math.sqrt(252), skewness: 0, kurtosis: 3 },
      monthlyReturns: [],
      holdoutMetrics: holdout === null ? null : metricsFrom(holdout),
      dailyReturns: request.dailyReturns === true ? this.returns(request.code, strategyId) : null,
      traits: this.traits(request.code),
      costs: { feeRatio: 0.001425, taxRatio: 0.003, setBy: 'run' },
    });
  }
}

export function hashId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0').repeat(2);
}

export const TEST_MARKET: MarketDataDescription = {
  name: 'test market',
  dataVersion: 'test-1',
  fields: [
    { key: 'price:close', aliases: ['price:收盤價'], description: 'closing price', frequency: 'daily' },
    { key: 'price:volume', aliases: ['price:成交股數'], description: 'shares traded', frequency: 'daily' },
  ],
  startDate: '2020-01-01',
  endDate: '2020-12-31',
  dateCount: 250,
  symbolCount: 10,
};

export class StaticMarketData implements MarketDataPort {
  constructor(private readonly description: MarketDataDescription = TEST_MARKET) {}

  describe(): ResultAsync<MarketDataDescription, MarketDataError> {
    return okAsync(this.description);
  }
}

/** 64 daily returns of seeded noise (mulberry32 on the id's hash): distinct strategies are all but uncorrelated. */
export function noiseOf(seedText: string, length = 64): Float64Array {
  let state = 0;
  for (const ch of seedText) state = (Math.imul(state, 31) + ch.charCodeAt(0)) >>> 0;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 0.02;
  }
  return out;
}
