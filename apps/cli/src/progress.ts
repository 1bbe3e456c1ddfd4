import type { LoopEvent, LoopSummary } from '@alphaloop/executor';
import { LEVEL_NAMES, type Champion } from '@alphaloop/domain';
import { archiveLine, championLines, metricsLine, protocolLine, type RunReport } from './run-report.js';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--';
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const num = (value: number | null, digits = 3): string => (value === null ? '—' : value.toFixed(digits));

/** One line per iteration: position, source, level, Sharpe, champion, elapsed and ETA. */
export function iterationLine(event: Extract<LoopEvent, { type: 'iteration' }>, champion: Champion | null): string {
  const { record } = event.result;
  const width = event.planned === null ? 1 : String(event.planned).length;
  const position = `${String(event.index).padStart(width)}/${event.planned ?? '∞'}`;
  const source = record.source === 'llm' ? 'llm ' : 'fg  ';
  const outcome = record.error
    ? `L0 ${record.error.category}: ${firstLine(record.error.message, 70)}`
    : `L${record.level} Sharpe ${num(record.metrics.sharpe)} score ${num(record.evidence?.score ?? null)}${(record.evidence?.suspicious.length ?? 0) > 0 ? ' SUSPICIOUS' : ''}`;
  const archive = record.search?.archive;
  const placed = archive?.kind === 'inserted' ? ` +cell ${archive.cell}` : archive?.kind === 'replaced' ? ` ↑cell ${archive.cell}` : '';
  const championText = champion ? `champion ${num(champion.metrics.sharpe)} (#${champion.iteration})${record.championUpdated ? ' NEW' : ''}` : 'no champion';
  return `[${position}] #${record.iteration} ${source} ${outcome}${placed} | ${championText} | ${formatDuration(event.elapsedMs)} ETA ${formatDuration(event.etaMs)}`;
}

function firstLine(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface SummaryExtras {
  readonly report?: RunReport;
  /** The oracle strategy's Sharpe on the holdout (synthetic markets), for the planted-edge ratio. */
  readonly oracleHoldoutSharpe?: number | null;
  readonly templateSharpe?: number | null;
}

export function summaryText(summary: LoopSummary, extra: SummaryExtras = {}): string {
  const lines = [
    '',
    `Run '${summary.runId}': ${summary.iterationsRun} iterations (${summary.firstIteration ?? '-'}…${summary.lastIteration ?? '-'}) in ${formatDuration(summary.elapsedMs)}; stopped: ${stopText(summary)}`,
    `Levels: ${([0, 1, 2, 3] as const).map((l) => `L${l} ${LEVEL_NAMES[l]} ${summary.levels[l]}`).join(', ')}`,
    `Champion changes: ${summary.championChanges}`,
  ];
  if (summary.llmCostUsd > 0) lines.push(`LLM cost: $${summary.llmCostUsd.toFixed(4)}`);
  const report = extra.report;
  if (report !== undefined) {
    if (report.protocol !== null) lines.push(protocolLine(report.protocol));
    const share = report.backtests > 0 ? `; ${report.distinctBacktests} of ${report.backtests} backtests distinct (${((report.distinctBacktests / report.backtests) * 100).toFixed(1)}%)` : '';
    lines.push(`Trials: ${report.trials} distinct strategies with a return profile${share}`);
    lines.push(archiveLine(report));
  }
  const champion = summary.champion;
  if (champion === null) {
    lines.push('No champion yet (a champion needs level 3, an in-sample Sharpe > 0.5 and a positive robust fold score).');
  } else {
    lines.push(...(report === undefined ? [`Champion ${champion.strategyId}: ${metricsLine(champion.metrics)}`] : championLines({ ...report, champion }, extra.oracleHoldoutSharpe ?? null)));
    if (extra.templateSharpe !== undefined && extra.templateSharpe !== null) lines.push(`  template strategy Sharpe (whole period): ${num(extra.templateSharpe)}`);
    lines.push('', champion.code.split('\n').map((l) => `  ${l}`).join('\n'));
  }
  return `${lines.join('\n')}\n`;
}


function stopText(summary: LoopSummary): string {
  switch (summary.stopReason) {
    case 'completed':
      return 'all planned iterations done';
    case 'aborted':
      return 'interrupted (Ctrl-C); the current iteration was finished and stored';
    case 'budget':
      return `LLM budget reached — ${summary.stopMessage ?? ''}`;
    case 'storage_failed':
      return `storage failed — ${summary.stopMessage ?? ''}`;
  }
}

/** Said once when the search starts exploring because its archive stopped improving, and once when it improves again. */
export function stagnationNotice(wasStagnating: boolean, result: { readonly stagnating: boolean; readonly record: { readonly search: { readonly archive: { readonly kind: string } | null } | null } }): string | null {
  const improved = result.record.search?.archive?.kind === 'inserted' || result.record.search?.archive?.kind === 'replaced';
  if (!wasStagnating && result.stagnating) return 'search: the archive has not improved for a while: exploring new strategies from the factor library';
  if (wasStagnating && improved) return 'search: the archive improved again: back to deriving from its elites';
  return null;
}
