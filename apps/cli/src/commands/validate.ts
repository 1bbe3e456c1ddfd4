import { errAsync, ResultAsync } from 'neverthrow';
import { MAX_PBO_SPLITS, probabilityOfOverfitting, type IterationRecord, type RunProtocol, type RunValidation } from '@alphaloop/domain';
import type { MarketData } from '@alphaloop/adapter-market-data';
import type { Storage } from '@alphaloop/adapter-storage-kysely';
import { createBacktest, marketWarningLines, openDatabase, openMarket } from '../app.js';
import type { MainIo } from '../io.js';
import { protocolFor, sameExperiment } from '../protocol.js';
import { allRecords } from '../run-report.js';
import type { Settings } from '../settings.js';

export interface ValidateOptions {
  readonly json: boolean;
  readonly top: number;
  readonly splits: number;
}

export interface ValidationError {
  readonly kind: 'validation_failed';
  readonly message: string;
  readonly exitCode: 1 | 2;
}

const failure = (message: string, exitCode: 1 | 2 = 1): ValidationError => ({ kind: 'validation_failed', message, exitCode });

/** The run's distinct strategies with a robust score, best first (first measurement of each). */
export function topStrategies(records: readonly IterationRecord[], k: number): { strategyId: string; code: string; score: number }[] {
  const best = new Map<string, { strategyId: string; code: string; score: number }>();
  for (const r of records) {
    const score = r.evidence?.score;
    if (r.strategyId === null || r.strategyCode === null || score === null || score === undefined || r.error !== null || best.has(r.strategyId)) continue;
    best.set(r.strategyId, { strategyId: r.strategyId, code: r.strategyCode, score });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.strategyId.localeCompare(b.strategyId)).slice(0, k);
}

/**
 * Re-measures the run's top-K distinct strategies under the run's own protocol (their in-sample daily returns on one
 * calendar; never the holdout), computes the probability of backtest overfitting by CSCV with the performance
 * degradation and the probability of an out-of-sample loss, and stores the result with the run.
 */
export function validateRun(
  settings: Settings,
  storage: Storage,
  market: MarketData,
  protocol: RunProtocol,
  options: { readonly top: number; readonly splits: number; readonly onProgress?: (done: number, total: number) => void },
): ResultAsync<RunValidation, ValidationError> {
  return allRecords(storage.history, settings.run)
    .mapErr((e) => failure(e.message))
    .andThen((records) => {
      const top = topStrategies(records, options.top);
      if (top.length < 2) return errAsync(failure(`run '${settings.run}' has ${top.length} distinct strategies with a score; PBO needs at least 2`));
      return createBacktest(settings, market, protocol, 'in-process')
        .mapErr((e) => failure(e.message))
        .andThen((backtest) =>
          ResultAsync.fromSafePromise(
            (async () => {
              const streams: Float64Array[] = [];
              const ids: string[] = [];
              try {
                for (const [i, strategy] of top.entries()) {
                  const outcome = await backtest.run({ code: strategy.code, dailyReturns: true });
                  if (outcome.isOk() && outcome.value.dailyReturns !== null) {
                    streams.push(outcome.value.dailyReturns);
                    ids.push(strategy.strategyId);
                  }
                  options.onProgress?.(i + 1, top.length);
                }
              } finally {
                await backtest.close?.();
              }
              return { streams, ids };
            })(),
          ),
        )
        .andThen(({ streams, ids }) => {
          const report = probabilityOfOverfitting(streams, { splits: options.splits });
          if (report.isErr()) return errAsync(failure(`PBO: ${report.error.message}`));
          const r = report.value;
          const validation: RunValidation = {
            runId: settings.run,
            createdAt: new Date().toISOString(),
            strategyIds: ids,
            blocks: options.splits,
            splitCount: r.splitCount,
            observations: r.observations,
            pbo: r.pbo,
            degradationSlope: r.degradationSlope,
            degradationIntercept: r.degradationIntercept,
            probabilityOfLoss: r.probabilityOfLoss,
          };
          return storage.validations
            .save(validation)
            .mapErr((e) => failure(e.message))
            .map(() => validation);
        });
    });
}

/** `alphaloop validate`: `validateRun` on the run's stored protocol and market, with progress and a verdict. */
export async function validateCommand(settings: Settings, io: MainIo, options: ValidateOptions): Promise<number> {
  const fail = (message: string, code = 1): number => {
    io.stderr.write(`alphaloop: ${message}\n`);
    return code;
  };
  if (!(options.top >= 2)) return fail(`--top must be at least 2 (PBO compares strategies), got ${options.top}`, 2);
  if (!(options.splits >= 2 && options.splits % 2 === 0 && options.splits <= MAX_PBO_SPLITS)) {
    return fail(`--splits must be an even number from 2 to ${MAX_PBO_SPLITS}, got ${options.splits}`, 2);
  }
  const opened = await openDatabase(settings);
  if (opened.isErr()) return fail(opened.error.message);
  const storage = opened.value;
  try {
    const stored = await storage.protocols.get(settings.run);
    if (stored.isErr()) return fail(stored.error.message);
    if (stored.value === null) return fail(`run '${settings.run}' has no stored protocol: run it first (alphaloop run --run ${settings.run})`, 2);
    const protocol = stored.value;
    const market = await openMarket(settings);
    if (market.isErr()) return fail(market.error.message, market.error.exitCode);
    for (const line of marketWarningLines(market.value)) io.stderr.write(line);
    // the data and seed the run used, nothing else (its split, folds and costs come from the stored protocol)
    const backtest = { ...settings.backtest, holdoutStart: protocol.holdoutStart ?? ('none' as const), folds: protocol.folds, feeRatio: protocol.feeRatio, taxRatio: protocol.taxRatio };
    const requested = protocolFor({ ...settings, backtest }, market.value);
    if (requested.isErr()) return fail(requested.error.message, 2);
    const same = sameExperiment(settings.run, protocol, requested.value);
    if (same.isErr()) return fail(same.error.message.replace('cannot be resumed with other settings', 'cannot be validated on other data'), 2);
    const validated = await validateRun(settings, storage, market.value, protocol, {
      top: options.top,
      splits: options.splits,
      ...(options.json ? {} : { onProgress: (done: number, total: number) => io.stderr.write(`\r  measured ${done}/${total} strategies${done === total ? '\n' : ''}`) }),
    });
    if (validated.isErr()) return fail(validated.error.message, validated.error.exitCode);
    const v = validated.value;
    if (options.json) io.stdout.write(`${JSON.stringify(v)}\n`);
    else {
      io.stdout.write(
        [
          `run '${settings.run}': probability of backtest overfitting ${v.pbo.toFixed(3)} (CSCV over the in-sample daily returns of the top ${v.strategyIds.length} distinct strategies; S ${v.blocks}, ${v.splitCount} splits, ${v.observations} days)`,
          `  performance degradation: out-of-sample Sharpe ≈ ${v.degradationIntercept.toFixed(4)} + ${v.degradationSlope.toFixed(3)} × in-sample Sharpe (per day)`,
          `  probability of an out-of-sample loss for the in-sample best: ${v.probabilityOfLoss.toFixed(3)}`,
          `  ${v.pbo > 0.5 ? 'the in-sample best is more likely than not below the median out of sample: the ranking is mostly noise' : v.pbo > 0.2 ? 'a substantial chance that the in-sample best is an overfit' : 'the in-sample ranking mostly holds out of sample'}`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } finally {
    await storage.close();
  }
}
