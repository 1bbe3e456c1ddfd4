import { inject, injectable } from 'inversify';
import { err, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import {
  assessBacktest,
  cellOf,
  checkStaleness,
  chooseMate,
  chooseParent,
  considerForArchive,
  describeTally,
  isStagnating,
  consecutiveLlmFailures,
  decideChampion,
  decideSource,
  generateFeedback,
  inSampleView,
  isStalenessCheckDue,
  robustScore,
  withoutHoldout,
  type ArchiveCandidate,
  type ArchiveElite,
  type Assessment,
  type Champion,
  type IterationError,
  type IterationRecord,
  type IterationStep,
  type StalenessReport,
} from '@alphaloop/domain';
import {
  TOKENS,
  type ArchiveChange,
  type BacktestOutcome,
  type BacktestPort,
  type ChampionChange,
  type ChampionRepository,
  type ClockPort,
  type HistoryRepository,
  type LlmError,
  type LlmPort,
  type LoggerPort,
  type MarketDataPort,
  type RandomPort,
  type GenerateStrategyInput,
  type StrategyGeneratorPort,
} from '@alphaloop/ports';
import { describeThrown, toIterationError, type AdapterThrew } from './error-mapping.js';
import { EXECUTOR_TOKENS, type ExecutorConfig } from './executor-config.js';
import { guardPort } from './guard.js';
import { HistoryCache, HISTORY_CACHE_CAPACITY } from './history-cache.js';
import { IterationDraft, type Candidate } from './iteration-draft.js';
import type { IterationResult } from './iteration-result.js';
import { MeasuredStrategies } from './measured-strategies.js';
import { RunArchive } from './run-archive.js';

const lift = <T>(result: Result<T, IterationError>): ResultAsync<T, IterationError> => new ResultAsync(Promise.resolve(result));

/**
 * One iteration in ten steps. `execute` never rejects: every failure becomes a level-0 record with
 * its category, message and step, and that record is stored like any other.
 */
@injectable()
export class IterationExecutor {
  constructor(
    @inject(TOKENS.Llm) private readonly llm: LlmPort,
    @inject(TOKENS.StrategyGenerator) private readonly generator: StrategyGeneratorPort,
    @inject(TOKENS.Backtest) private readonly backtest: BacktestPort,
    @inject(TOKENS.HistoryRepository) private readonly history: HistoryRepository,
    @inject(TOKENS.ChampionRepository) private readonly champions: ChampionRepository,
    @inject(TOKENS.MarketData) private readonly marketData: MarketDataPort,
    @inject(TOKENS.Clock) private readonly clock: ClockPort,
    @inject(TOKENS.Random) private readonly random: RandomPort,
    @inject(TOKENS.Logger) private readonly logger: LoggerPort,
    @inject(EXECUTOR_TOKENS.HistoryCache) private readonly cache: HistoryCache,
    @inject(EXECUTOR_TOKENS.MeasuredStrategies) private readonly measured: MeasuredStrategies,
    @inject(EXECUTOR_TOKENS.RunArchive) private readonly archive: RunArchive,
    @inject(EXECUTOR_TOKENS.Config) private readonly config: ExecutorConfig,
  ) {}

  async execute(iteration: number): Promise<IterationResult> {
    const draft = new IterationDraft(this.config.runId, iteration);
    try {
      const steps = await this.loadHistory(draft)
        .andThen(() => this.buildFeedback(draft))
        .andThen(() => this.chooseSource(draft))
        .andThen(() => this.generate(draft))
        .andThen((candidate) => this.runBacktest(draft, candidate))
        .andThen((outcome) => this.extractMetrics(draft, outcome))
        .andThen((assessment) => this.classifyResult(draft, assessment))
        .andThen(() => this.decideChampionChange(draft));
      const failure = steps.isErr() ? steps.error : null;
      const change = steps.isOk() ? steps.value : null;
      return await this.save(draft, failure, change);
    } catch (thrown) {
      // A defect in our own code: still account for the iteration.
      return this.save(draft, { category: 'other', message: describeThrown(thrown), step: 'build_record' }, null);
    }
  }

  // Step 1: the newest records (cached), the current champion and the strategies the run has measured.
  // What the search sees of them is in-sample only: the holdout stays with the champion and the stored records.
  private loadHistory(draft: IterationDraft): ResultAsync<void, IterationError> {
    return this.timed(draft, 'load_history', () =>
      guardPort(() => this.cache.recent(this.config.historyWindow))
        .andThen((recent) => {
          draft.recent = recent.map(inSampleView);
          return guardPort(() => this.champions.get(this.config.runId));
        })
        .andThen((champion) => {
          draft.champion = champion;
          return guardPort(() => this.measured.get());
        })
        .andThen((measured) => {
          draft.measured = measured;
          return this.config.search === 'archive' ? guardPort(() => this.archive.elites()) : okAsync<readonly ArchiveElite[], never>([]);
        })
        .map((elites) => {
          draft.elites = elites;
        })
        .mapErr((e) => toIterationError(e, 'load_history')),
    );
  }

  // Step 2: feedback on the previous result.
  private buildFeedback(draft: IterationDraft): ResultAsync<void, IterationError> {
    return this.timedSync(draft, 'feedback', () => {
      draft.feedback = generateFeedback({ iteration: draft.iteration, recent: draft.recent, champion: withoutHoldout(draft.champion) });
      return ok(undefined);
    });
  }

  // Step 3: LLM or factor graph.
  private chooseSource(draft: IterationDraft): ResultAsync<void, IterationError> {
    return this.timedSync(draft, 'decide_source', () => {
      const decision = decideSource(
        { llmConfigured: this.llm.configured, consecutiveLlmFailures: consecutiveLlmFailures(draft.recent) },
        this.config.source,
        () => this.random.next(),
      );
      draft.sourceDecision = decision;
      draft.source = decision.source;
      return ok(undefined);
    });
  }

  // Step 4: a strategy from the chosen source.
  private generate(draft: IterationDraft): ResultAsync<Candidate, IterationError> {
    return this.timed(draft, 'generate', () => (draft.source === 'llm' ? this.generateWithLlm(draft) : this.generateWithFactorGraph(draft)));
  }

  private generateWithLlm(draft: IterationDraft): ResultAsync<Candidate, IterationError> {
    return this.marketDescription().andThen((market) =>
      guardPort(() =>
        this.llm.proposeStrategy({
          runId: this.config.runId,
          iteration: draft.iteration,
          feedback: draft.feedback?.text ?? '',
          champion: withoutHoldout(draft.champion),
          recent: draft.recent,
          market,
          elites: otherCellsThan(draft.elites, draft.champion?.strategyId ?? null, 3),
          searchSummary: describeTally(this.measured.tally()),
        }),
      )
        .map((proposal): Candidate => {
          draft.llmUsage = proposal.usage;
          draft.parentChoice = 'llm';
          return { source: 'llm', code: proposal.code, strategyId: null, parentId: null, operator: null, generation: null, mateId: null };
        })
        .orElse((error) => this.afterLlmFailure(draft, error)),
    );
  }

  private afterLlmFailure(draft: IterationDraft, error: LlmError | AdapterThrew): ResultAsync<Candidate, IterationError> {
    if ('usage' in error && error.usage) draft.llmUsage = error.usage;
    if (error.kind !== 'llm_budget_exceeded') return lift<Candidate>(err(toIterationError(error, 'generate')));
    // The budget is spent: finish this iteration without the LLM, then stop the run.
    draft.stopReason = error.message;
    draft.source = 'factor_graph';
    draft.sourceDecision = { source: 'factor_graph', reason: 'llm_budget_exhausted', detail: error.message };
    return this.generateWithFactorGraph(draft);
  }

  private generateWithFactorGraph(draft: IterationDraft): ResultAsync<Candidate, IterationError> {
    return this.parentForMutation(draft).andThen((parent) => this.unmeasuredMutation(draft, parent === null ? null : withoutHoldout(parent), 1));
  }

  /**
   * Asks the generator again while it proposes a strategy the run has measured (bounded): duplicates are not trials.
   * With the archive, each attempt draws its parent (and mate, or exploration) afresh.
   */
  private unmeasuredMutation(draft: IterationDraft, fallback: Champion | null, attempt: number): ResultAsync<Candidate, IterationError> {
    const input = this.generatorInput(draft, fallback);
    return guardPort(() => this.generator.generate(input))
      .mapErr((e) => toIterationError(e, 'generate'))
      .andThen((made) => {
        if (!draft.measured.has(made.strategyId)) {
          return lift<Candidate>(
            ok({
              source: 'factor_graph',
              code: made.code,
              strategyId: made.strategyId,
              parentId: made.parentId,
              operator: made.operator,
              generation: made.generation,
              mateId: made.mateId ?? null,
            }),
          );
        }
        if (attempt >= this.config.maxDuplicateAttempts) {
          return lift<Candidate>(
            err({
              category: 'duplicate',
              message: `the factor graph proposed ${attempt} strategies in a row that this run has already measured; none was backtested again`,
              step: 'generate',
            }),
          );
        }
        return this.unmeasuredMutation(draft, fallback, attempt + 1);
      });
  }

  /**
   * The archive search: while the archive has stagnated, a share of iterations explores (a new strategy from the
   * factor library); otherwise a parent elite drawn by its weights, and for a share of iterations a mate from another
   * cell to cross it with. Without the archive (or while it is empty): the champion or the best strategy so far.
   */
  private generatorInput(draft: IterationDraft, fallback: Champion | null): GenerateStrategyInput {
    const base = { runId: this.config.runId, iteration: draft.iteration };
    const policy = this.config.archive;
    draft.parentElite = null;
    draft.mateElite = null;
    if (this.config.search === 'archive' && draft.elites.length > 0) {
      draft.stagnating = isStagnating(draft.elites, draft.iteration, policy);
      if (draft.stagnating && this.random.next() < policy.exploreShare) {
        draft.parentChoice = 'explore';
        return { ...base, champion: null, explore: true };
      }
      const parent = chooseParent(draft.elites, () => this.random.next(), policy);
      if (parent !== null) {
        const mate = this.random.next() < policy.crossoverShare ? chooseMate(draft.elites, parent, () => this.random.next(), policy) : null;
        draft.parentChoice = 'archive';
        draft.parentElite = parent;
        draft.mateElite = mate;
        return { ...base, champion: eliteAsParent(parent, this.config.runId), mate: mate === null ? null : { strategyId: mate.strategyId, code: mate.code } };
      }
    }
    draft.parentChoice = fallback === null ? 'template' : 'champion';
    return { ...base, champion: fallback };
  }

  /**
   * The champion, or while there is none the best profitable strategy among the cached records, so that
   * the search climbs from its best point instead of restarting from the template every time.
   */
  private parentForMutation(draft: IterationDraft): ResultAsync<Champion | null, IterationError> {
    if (draft.champion !== null) return lift(ok(draft.champion));
    return this.cache
      .recent(HISTORY_CACHE_CAPACITY)
      .map((records) => bestSoFar(records, this.config.runId))
      .mapErr((e) => toIterationError(e, 'generate'));
  }

  private marketDescription() {
    return guardPort(() => this.marketData.describe()).mapErr((e): IterationError => ({
      category: e.kind === 'adapter_threw' ? 'other' : 'data_missing',
      message: e.message,
      step: 'generate',
    }));
  }

  // Step 5: parse, validate and backtest (in-sample only; a strategy the run has measured is refused unmeasured).
  private runBacktest(draft: IterationDraft, candidate: Candidate): ResultAsync<BacktestOutcome, IterationError> {
    draft.candidate = candidate;
    return this.timed(draft, 'backtest', () =>
      guardPort(() => this.backtest.run({ code: candidate.code, measured: draft.measured, dailyReturns: this.config.search === 'archive' }))
        .map((outcome) => {
          draft.strategyId = outcome.strategyId;
          draft.canonicalCode = outcome.canonicalCode;
          draft.traits = outcome.traits;
          draft.dailyReturns = outcome.dailyReturns;
          this.measured.add(outcome.strategyId);
          return outcome;
        })
        .mapErr((e) => {
          if (e.kind === 'backtest_duplicate') draft.strategyId = e.strategyId;
          return toIterationError(e, 'backtest');
        }),
    );
  }

  // Step 6: metrics: impossible ones are an error, extraordinary ones are kept and flagged.
  private extractMetrics(draft: IterationDraft, outcome: BacktestOutcome): ResultAsync<Assessment, IterationError> {
    return this.timedSync(draft, 'metrics', () =>
      assessBacktest(outcome.metrics, this.config.sanity)
        .map((assessment) => {
          draft.metrics = assessment.metrics;
          draft.cell = draft.traits === null ? null : cellOf(assessment.metrics.turnover, draft.traits);
          draft.evidence = {
            folds: outcome.folds,
            score: robustScore(outcome.folds),
            profile: outcome.profile,
            monthlyReturns: outcome.monthlyReturns,
            suspicious: assessment.suspicious,
          };
          return assessment;
        })
        .mapErr((e): IterationError => ({ category: 'calculation', message: e.message, step: 'metrics' })),
    );
  }

  // Step 7: success level (decided with the sanity check, by the same function `alphaloop backtest` uses).
  private classifyResult(draft: IterationDraft, assessment: Assessment): ResultAsync<void, IterationError> {
    return this.timedSync(draft, 'classify', () => {
      draft.level = assessment.level;
      return ok(undefined);
    });
  }

  // Step 8: the champion policy's decision on the robust in-sample score (applied atomically with the save in
  // step 10); a promoted strategy is then measured on the holdout, once: that is the run's only look at it.
  private decideChampionChange(draft: IterationDraft): ResultAsync<ChampionChange | null, IterationError> {
    return this.timed(draft, 'champion', () => {
      this.decideArchive(draft);
      const change = runCatching(() => ok(this.championChange(draft)), 'champion');
      if (change.isErr() || change.value === null) return lift(change);
      return this.measureHoldout(draft).map(() => this.championChange(draft));
    });
  }

  /** What the archive does with a profitable strategy (failed ones never enter it, so never become parents). */
  private decideArchive(draft: IterationDraft): void {
    const candidate = this.config.search === 'archive' && draft.level === 3 ? archiveCandidate(draft) : null;
    if (candidate === null) return;
    const current = draft.elites.find((e) => e.cell === draft.cell) ?? null;
    const parent = draft.parentElite;
    draft.archiveDecision = considerForArchive(
      current,
      { ...candidate, cell: draft.cell },
      parent === null ? null : { strategyId: parent.strategyId, score: parent.evidence.score, dailyReturns: parent.dailyReturns },
      this.config.archive,
    );
  }

  /** The archive change stored with the record: the placement it earned and the parents whose children grew. */
  private archiveChange(draft: IterationDraft): ArchiveChange | undefined {
    if (this.config.search !== 'archive') return undefined;
    const decision = draft.archiveDecision;
    const candidate = decision !== null && decision.kind !== 'rejected' ? archiveCandidate(draft) : null;
    const place: ArchiveElite | null = candidate === null || draft.cell === null ? null : { ...candidate, cell: draft.cell, children: 0 };
    const parentIds = [draft.parentElite?.strategyId, draft.mateElite?.strategyId].filter((id): id is string => id !== undefined);
    if (place === null && parentIds.length === 0) return undefined;
    return { place, parentIds };
  }

  /** The holdout of the strategy just promoted. A failure to measure it leaves it unmeasured, never the iteration failed. */
  private measureHoldout(draft: IterationDraft): ResultAsync<void, IterationError> {
    if (!this.config.holdout || draft.canonicalCode === null || draft.holdoutMeasured) return lift(ok(undefined));
    draft.holdoutMeasured = true;
    return guardPort(() => this.backtest.run({ code: draft.canonicalCode ?? '', holdout: true }))
      .map((outcome) => {
        draft.holdoutMetrics = outcome.holdoutMetrics;
      })
      .orElse((e) => {
        this.logger.warn('the promoted strategy could not be measured on the holdout', { iteration: draft.iteration, error: e.message });
        return ok(undefined);
      });
  }

  private championChange(draft: IterationDraft): ChampionChange | null {
    const decision = decideChampion(
      draft.champion,
      { level: draft.level, metrics: draft.metrics, score: draft.evidence?.score ?? null, iteration: draft.iteration },
      this.config.champion,
    );
    draft.championDecision = decision;
    if (!decision.replace || draft.strategyId === null || draft.canonicalCode === null) return null;
    const expectedVersion = draft.champion?.version ?? 0;
    return {
      expectedVersion,
      next: {
        runId: this.config.runId,
        strategyId: draft.strategyId,
        code: draft.canonicalCode,
        source: draft.source,
        metrics: draft.metrics,
        evidence: draft.evidence,
        holdout: draft.holdoutMetrics,
        iteration: draft.iteration,
        version: expectedVersion + 1,
      },
    };
  }

  // Steps 9 and 10: build the record and store it (with the champion change, in one transaction).
  private async save(draft: IterationDraft, failure: IterationError | null, firstChange: ChampionChange | null): Promise<IterationResult> {
    let change = firstChange;
    const archiveChange = this.archiveChange(draft);
    for (let attempt = 0; ; attempt += 1) {
      const buildStart = this.clock.monotonic();
      const built = draft.toRecord(failure, change !== null, new Date(this.clock.now()).toISOString());
      const record = { ...built, timings: { ...built.timings, build_record: this.clock.monotonic() - buildStart } };
      const saveStart = this.clock.monotonic();
      const saved = await guardPort(() => this.history.append(record, change ?? undefined, archiveChange));
      draft.saveMs = this.clock.monotonic() - saveStart;
      if (saved.isOk()) {
        this.cache.add(record);
        this.measured.stored(record);
        if (archiveChange !== undefined) this.archive.applied(archiveChange);
        if (change !== null) draft.champion = change.next;
        return this.finish(draft, record, null);
      }
      const error = saved.error;
      if (error.kind !== 'champion_conflict' || attempt >= this.config.maxChampionConflictRetries) {
        this.logger.error('iteration record could not be stored', { iteration: draft.iteration, error: error.message });
        return this.finish(draft, record, error.message);
      }
      // Another writer changed the champion: read it again and re-decide against it.
      this.logger.info('champion changed concurrently; deciding again', { iteration: draft.iteration });
      this.cache.invalidate();
      this.measured.reload();
      this.archive.reload();
      const current = await guardPort(() => this.champions.get(this.config.runId));
      if (current.isErr()) return this.finish(draft, record, current.error.message);
      draft.champion = current.value;
      change = this.championChange(draft);
    }
  }

  private async finish(draft: IterationDraft, record: IterationRecord, storageError: string | null): Promise<IterationResult> {
    const staleness = storageError === null ? await this.stalenessCheck(draft) : null;
    this.logger.info('iteration finished', {
      iteration: record.iteration,
      source: record.source,
      successLevel: record.level,
      sharpe: record.metrics.sharpe,
      error: record.error?.message ?? null,
      championUpdated: record.championUpdated,
    });
    return {
      record,
      stored: storageError === null,
      storageError,
      feedback: draft.feedback,
      sourceDecision: draft.sourceDecision,
      championDecision: draft.championDecision,
      staleness,
      stopReason: draft.stopReason,
      saveMs: draft.saveMs,
      stagnating: draft.stagnating,
    };
  }

  private async stalenessCheck(draft: IterationDraft): Promise<StalenessReport | null> {
    if (!isStalenessCheckDue(draft.iteration, this.config.staleness)) return null;
    const recent = await this.cache.recent(HISTORY_CACHE_CAPACITY);
    if (recent.isErr()) return null;
    const sharpes = recent.value.filter((r) => r.level >= 2 && r.metrics.sharpe !== null).map((r) => r.metrics.sharpe as number);
    const report = checkStaleness(draft.champion, sharpes, this.config.staleness);
    if (report.stale) this.logger.warn(`champion may be stale: ${report.reason}`, { iteration: draft.iteration });
    return report;
  }

  private timed<T>(draft: IterationDraft, step: IterationStep, run: () => ResultAsync<T, IterationError>): ResultAsync<T, IterationError> {
    const start = this.clock.monotonic();
    return new ResultAsync(
      Promise.resolve(run()).then((result) => {
        draft.timings[step] = this.clock.monotonic() - start;
        return result;
      }),
    );
  }

  private timedSync<T>(draft: IterationDraft, step: IterationStep, run: () => Result<T, IterationError>): ResultAsync<T, IterationError> {
    const start = this.clock.monotonic();
    const result = runCatching(run, step);
    draft.timings[step] = this.clock.monotonic() - start;
    return lift(result);
  }

}

/** The highest-Sharpe profitable record with code, as a version-0 champion (earliest wins ties). */
export function bestSoFar(records: readonly IterationRecord[], runId: string): Champion | null {
  let best: IterationRecord | null = null;
  for (const record of records) {
    if (record.level !== 3 || record.metrics.sharpe === null || record.strategyCode === null || record.strategyId === null) continue;
    if (best === null || record.metrics.sharpe > (best.metrics.sharpe ?? Number.NEGATIVE_INFINITY)) best = record;
  }
  if (best === null || best.strategyCode === null || best.strategyId === null) return null;
  return {
    runId,
    strategyId: best.strategyId,
    code: best.strategyCode,
    source: best.source,
    metrics: best.metrics,
    evidence: best.evidence,
    holdout: null,
    iteration: best.iteration,
    version: 0,
  };
}

/** The iteration's strategy as the archive sees it, once its backtest produced everything the archive needs. */
function archiveCandidate(draft: IterationDraft): ArchiveCandidate | null {
  const { strategyId, canonicalCode, evidence, traits, dailyReturns } = draft;
  if (strategyId === null || canonicalCode === null || evidence === null || traits === null || dailyReturns === null) return null;
  return { strategyId, code: canonicalCode, source: draft.source, metrics: draft.metrics, evidence, traits, dailyReturns, iteration: draft.iteration };
}

/** An elite as the generator's parent (a version-0 champion: the generator reads its code and id). */
function eliteAsParent(elite: ArchiveElite, runId: string): Champion {
  return { runId, strategyId: elite.strategyId, code: elite.code, source: elite.source, metrics: elite.metrics, evidence: elite.evidence, holdout: null, iteration: elite.iteration, version: 0 };
}

/** Up to `n` elites of cells other than the champion's, best score first: what the LLM is shown besides the champion. */
export function otherCellsThan(elites: readonly ArchiveElite[], championId: string | null, n: number): ArchiveElite[] {
  const championCell = elites.find((e) => e.strategyId === championId)?.cell ?? null;
  return elites
    .filter((e) => e.cell !== championCell && e.strategyId !== championId)
    .sort((a, b) => (b.evidence.score ?? 0) - (a.evidence.score ?? 0))
    .slice(0, n);
}

/** A pure step that throws has a defect; the iteration still ends in a record. */
function runCatching<T>(run: () => Result<T, IterationError>, step: IterationStep): Result<T, IterationError> {
  try {
    return run();
  } catch (thrown) {
    return err({ category: 'other', message: describeThrown(thrown), step });
  }
}
