import { err, ok, type Result } from 'neverthrow';
import { protocolDifferences, type RunProtocol } from '@alphaloop/domain';
import { daysFromCivil, epochDayOf, isoDate } from '@alphaloop/engine';
import type { MarketData } from '@alphaloop/adapter-market-data';
import type { Settings } from './settings.js';

/** FinLab's annual risk-free rate for Sharpe and Sortino; part of the protocol so that it can never drift. */
export const RISK_FREE_RATE = 0.02;
/** The in-sample period must keep at least this many calendar days before the holdout. */
const MIN_IN_SAMPLE_DAYS = 365;

export interface ProtocolError {
  readonly kind: 'protocol_invalid' | 'protocol_mismatch';
  readonly message: string;
}

/**
 * The run's protocol from the settings and the market: the holdout (default: the last two calendar years of the
 * data), the in-sample dates before it, the folds and the costs.
 */
export function protocolFor(settings: Settings, market: MarketData): Result<RunProtocol, ProtocolError> {
  const calendar = market.prices.close.dates;
  if (calendar.length < 2) return err({ kind: 'protocol_invalid', message: 'the market has fewer than two trading days' });
  const first = calendar[0] as number;
  const last = calendar[calendar.length - 1] as number;
  const requested = settings.backtest.holdoutStart;
  let holdoutDay: number | null;
  if (requested === 'none') holdoutDay = null;
  else if (requested !== undefined) holdoutDay = epochDayOf(requested);
  else holdoutDay = daysFromCivil(Number(isoDate(last).slice(0, 4)) - 1, 1, 1);
  let inSampleEnd = last;
  let holdoutStart: string | null = null;
  if (holdoutDay !== null) {
    const how = requested === undefined ? 'the default holdout (the last two calendar years of the data)' : `--holdout-start ${requested}`;
    const firstHoldout = calendar.findIndex((d) => d >= (holdoutDay as number));
    if (firstHoldout < 0) {
      return err({ kind: 'protocol_invalid', message: `${how} starts after the data ends (${isoDate(last)}): choose an earlier --holdout-start, or --holdout none` });
    }
    if ((holdoutDay as number) - first < MIN_IN_SAMPLE_DAYS || firstHoldout < 2) {
      return err({
        kind: 'protocol_invalid',
        message: `${how} leaves less than a year in-sample (data from ${isoDate(first)}): choose a later --holdout-start, more data, or --holdout none`,
      });
    }
    inSampleEnd = calendar[firstHoldout - 1] as number;
    holdoutStart = isoDate(calendar[firstHoldout] as number);
  }
  return ok({
    dataVersion: market.description.dataVersion,
    seed: settings.seed,
    inSampleStart: isoDate(first),
    inSampleEnd: isoDate(inSampleEnd),
    holdoutStart,
    folds: settings.backtest.folds,
    feeRatio: settings.backtest.feeRatio,
    taxRatio: settings.backtest.taxRatio,
    riskFreeRate: RISK_FREE_RATE,
  });
}

/** Refuses a start whose protocol differs from the one the run was started with, naming every difference. */
export function sameExperiment(runId: string, stored: RunProtocol, requested: RunProtocol): Result<RunProtocol, ProtocolError> {
  const differences = protocolDifferences(stored, requested);
  if (differences.length === 0) return ok(stored);
  return err({
    kind: 'protocol_mismatch',
    message: [
      `run '${runId}' is one experiment and cannot be resumed with other settings:`,
      ...differences.map((d) => `  ${d}`),
      `resume it with its own settings, or start a new run with --run NEW_NAME`,
    ].join('\n'),
  });
}

/** One line on the holdout for the start of a run, loud when there is none. */
export function holdoutLine(protocol: RunProtocol, dataEnd: string): string {
  if (protocol.holdoutStart === null) {
    return 'holdout: NONE (--holdout none). Every date is in-sample: nothing checks the champion out of sample.';
  }
  return `holdout: ${protocol.holdoutStart} … ${dataEnd} is locked: no search or selection sees it; each new champion is measured on it once.`;
}
