import { okAsync, type ResultAsync } from 'neverthrow';
import {
  championSignificance,
  lastImprovement,
  holdoutLooks,
  TRIAL_CORRELATION,
  trialsOf,
  type Champion,
  type ArchiveElite,
  type ChampionSignificance,
  type IterationRecord,
  type RunProtocol,
  type RunValidation,
  type StrategyMetrics,
} from '@alphaloop/domain';
import type { HistoryRepository, StorageError } from '@alphaloop/ports';
import type { Storage } from '@alphaloop/adapter-storage-kysely';

const PAGE = 1000;

/** Every record of a run, oldest first, read page by page. */
export function allRecords(history: HistoryRepository, runId: string, into: IterationRecord[] = [], offset = 0): ResultAsync<IterationRecord[], StorageError> {
  return history.page(runId, { offset, limit: PAGE }).andThen((page) => {
    into.push(...page);
    return page.length < PAGE ? okAsync(into) : allRecords(history, runId, into, offset + PAGE);
  });
}

/** What a user needs to judge a run's champion: the protocol, the trials, the holdout looks, PSR/DSR and PBO. */
export interface RunReport {
  readonly runId: string;
  readonly protocol: RunProtocol | null;
  readonly champion: Champion | null;
  readonly iterations: number;
  /** Distinct strategies measured (duplicates are never trials). */
  readonly trials: number;
  /** Records that backtested a strategy (refused duplicates excluded) … */
  readonly backtests: number;
  /** … and how many different strategies they measured (the rest re-measured one). */
  readonly distinctBacktests: number;
  readonly holdoutLooks: number;
  readonly significance: ChampionSignificance | null;
  readonly validation: RunValidation | null;
  /** The run's quality-diversity archive, by cell (empty for a champion-only search or an older run). */
  readonly archive: readonly ArchiveElite[];
}

export function buildRunReport(
  runId: string,
  records: readonly IterationRecord[],
  champion: Champion | null,
  protocol: RunProtocol | null,
  validation: RunValidation | null,
  archive: readonly ArchiveElite[] = [],
): RunReport {
  const trials = trialsOf(records);
  return {
    runId,
    protocol,
    champion,
    iterations: records.length,
    trials: trials.length,
    backtests: records.filter((r) => r.evidence !== null).length,
    distinctBacktests: new Set(records.filter((r) => r.evidence !== null).map((r) => r.strategyId)).size,
    holdoutLooks: holdoutLooks(records),
    significance: champion === null ? null : championSignificance(champion, trials),
    validation,
    archive,
  };
}

export function loadRunReport(storage: Storage, runId: string): ResultAsync<RunReport, StorageError> {
  return allRecords(storage.history, runId).andThen((records) =>
    storage.champions.get(runId).andThen((champion) =>
      storage.protocols.get(runId).andThen((protocol) =>
        storage.validations.latest(runId).andThen((validation) =>
          storage.archive.load(runId).map((archive) => buildRunReport(runId, records, champion, protocol, validation, archive)),
        ),
      ),
    ),
  );
}

const num = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const pct = (v: number | null, digits = 1): string => (v === null ? '—' : `${(v * 100).toFixed(digits)}%`);

export function metricsLine(m: StrategyMetrics): string {
  return `Sharpe ${num(m.sharpe, 3)}  total return ${pct(m.totalReturn)}  CAGR ${pct(m.cagr)}  max drawdown ${pct(m.maxDrawdown)}  Calmar ${num(m.calmar)}  Sortino ${num(m.sortino)}  trades ${m.trades ?? '—'}`;
}

export function protocolLine(p: RunProtocol): string {
  const holdout = p.holdoutStart === null ? 'holdout NONE' : `holdout from ${p.holdoutStart} (locked)`;
  return `Protocol: in-sample ${p.inSampleStart} … ${p.inSampleEnd} in ${p.folds} folds; ${holdout}; fee ${(p.feeRatio * 100).toFixed(4)}% per side, tax ${(p.taxRatio * 100).toFixed(2)}% on sells; data ${p.dataVersion}, seed ${p.seed}`;
}

export function significanceLines(s: ChampionSignificance): string[] {
  const annual = Math.sqrt(252);
  return [
    `  PSR ${num(s.psr, 3)}   DSR ${num(s.dsr, 3)} ${s.significant ? '(significant: DSR ≥ 0.95)' : '— NOT SIGNIFICANT (DSR < 0.95)'}`,
    `  trials: ${s.trials} distinct strategies, ${s.effectiveTrials} effective (clusters of in-sample monthly returns correlated ≥ ${TRIAL_CORRELATION}); luck alone would show a best Sharpe of ${num(s.expectedMaxSharpe * annual)} a year`,
    `  return shape: ${s.observations} days, skew ${num(s.skewness)}, kurtosis ${num(s.kurtosis)} (raw); minimum track record at 95%: ${Number.isFinite(s.minTrackRecordDays) ? `${Math.ceil(s.minTrackRecordDays)} days` : 'never (Sharpe ≤ 0)'}`,
  ];
}

export function validationLine(v: RunValidation | null, runId: string): string {
  if (v === null) return `  PBO: not validated yet (alphaloop validate --run ${runId})`;
  return `  PBO ${num(v.pbo, 3)} over the top ${v.strategyIds.length} strategies (S ${v.blocks}, ${v.splitCount} splits, ${v.createdAt.slice(0, 10)}): degradation slope ${num(v.degradationSlope)}, P(out-of-sample loss) ${num(v.probabilityOfLoss)}`;
}

/** The champion block of the run summary and of `alphaloop champion`. */
export function championLines(report: RunReport, oracleHoldoutSharpe: number | null = null): string[] {
  const c = report.champion;
  if (c === null) return ['No champion yet (a champion needs level 3, an in-sample Sharpe > 0.5 and a positive robust fold score).'];
  const lines = [
    `Champion ${c.strategyId} (iteration ${c.iteration}, ${c.source === 'llm' ? 'LLM' : 'factor graph'}, version ${c.version}):`,
    `  in-sample: ${metricsLine(c.metrics)}`,
  ];
  const e = c.evidence;
  if (e !== null) {
    lines.push(`  robust score ${num(e.score, 3)} from folds ${e.folds.map((f) => `${f.start}…${f.end} ${num(f.sharpe)}`).join(' | ')}`);
    if (e.suspicious.length > 0) lines.push(`  SUSPICIOUS: ${e.suspicious.join('; ')}`);
  }
  const looks = `holdout looked at ${report.holdoutLooks} time${report.holdoutLooks === 1 ? '' : 's'}`;
  if (report.protocol?.holdoutStart === null) lines.push('  holdout: none (the run opted out: no out-of-sample check)');
  else if (c.holdout === null) lines.push(`  holdout: not measured (${looks})`);
  else lines.push(`  holdout: ${metricsLine(c.holdout)} (${looks})`);
  if (report.significance === null) lines.push('  PSR/DSR: no return profile stored for this champion — NOT SIGNIFICANT (unknown)');
  else lines.push(...significanceLines(report.significance));
  lines.push(validationLine(report.validation, report.runId));
  if (oracleHoldoutSharpe !== null && c.holdout?.sharpe !== null && c.holdout?.sharpe !== undefined) {
    lines.push(`  planted-edge ratio on the holdout (champion Sharpe ${num(c.holdout.sharpe, 3)} / oracle ${num(oracleHoldoutSharpe, 3)}): ${num(c.holdout.sharpe / oracleHoldoutSharpe)}`);
  }
  return lines;
}

/** The archive in one line: cells filled, the best elite, and how long since it last improved. */
export function archiveLine(report: RunReport): string {
  const elites = report.archive;
  if (elites.length === 0) return 'Archive: empty (no profitable strategy with a behaviour cell yet, or a champion-only search)';
  const best = [...elites].sort((a, b) => (b.evidence.score ?? 0) - (a.evidence.score ?? 0))[0] as ArchiveElite;
  const last = lastImprovement(elites);
  const since = last === null ? '' : `; last improved at iteration ${last} (${Math.max(0, report.iterations - 1 - last)} iterations ago)`;
  return `Archive: ${elites.length} cell${elites.length === 1 ? '' : 's'} filled; best ${best.cell} score ${num(best.evidence.score, 3)} (${best.strategyId})${since} — alphaloop archive --run ${report.runId}`;
}
