import { LEVEL_NAMES, type IterationRecord } from '@alphaloop/domain';
import { archiveLine, championLines, loadRunReport, protocolLine, type RunReport } from '../run-report.js';
import type { Storage } from '@alphaloop/adapter-storage-kysely';
import { openDatabase } from '../app.js';
import type { MainIo } from '../io.js';
import type { Settings } from '../settings.js';

async function withStorage(settings: Settings, io: MainIo, use: (storage: Storage) => Promise<number>): Promise<number> {
  const storage = await openDatabase(settings);
  if (storage.isErr()) {
    io.stderr.write(`alphaloop: ${storage.error.message}\n`);
    return 1;
  }
  try {
    return await use(storage.value);
  } finally {
    await storage.value.close();
  }
}

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(3));

/** `alphaloop runs`: every run with its size and champion. */
export function runsCommand(settings: Settings, io: MainIo, json: boolean): Promise<number> {
  return withStorage(settings, io, async (storage) => {
    const runs = await storage.runs.list();
    if (runs.isErr()) {
      io.stderr.write(`alphaloop: ${runs.error.message}\n`);
      return 1;
    }
    if (json) {
      io.stdout.write(`${JSON.stringify(runs.value)}\n`);
      return 0;
    }
    if (runs.value.length === 0) {
      io.stdout.write('no runs yet: start one with `alphaloop run`\n');
      return 0;
    }
    io.stdout.write(`${'run'.padEnd(24)} ${'iterations'.padStart(10)} ${'champion Sharpe'.padStart(16)}  created\n`);
    for (const run of runs.value) {
      io.stdout.write(`${run.runId.padEnd(24)} ${String(run.iterations).padStart(10)} ${fmt(run.championSharpe).padStart(16)}  ${run.createdAt}\n`);
    }
    return 0;
  });
}

export function historyLine(r: IterationRecord): string {
  const outcome = r.error
    ? `${r.error.category}: ${r.error.message.split('\n')[0] ?? ''}`
    : `Sharpe ${fmt(r.metrics.sharpe)}  score ${fmt(r.evidence?.score ?? null)}  return ${fmt(r.metrics.totalReturn)}  mdd ${fmt(r.metrics.maxDrawdown)}`;
  const lineage = r.mutationOperator ? ` ${r.mutationOperator}` : '';
  const flags = (r.evidence?.suspicious.length ?? 0) > 0 ? ' SUSPICIOUS' : '';
  const holdout = r.holdoutMetrics === null ? '' : `  [holdout Sharpe ${fmt(r.holdoutMetrics.sharpe)}]`;
  const decision = r.championDecision === null ? '' : `\n        ${r.championDecision.replace ? 'promoted' : 'not promoted'}: ${r.championDecision.reasons.join('; ')}`;
  const search = r.search;
  const archive =
    search === null || (search.cell === null && search.archive === null)
      ? ''
      : `\n        search: parent ${search.parentChoice}${search.parentCell === null ? '' : ` from ${search.parentCell}`}${search.mateId === null ? '' : ` × ${search.mateId}`}; cell ${search.cell ?? '—'}${search.archive === null ? '' : `; archive ${search.archive.kind}: ${search.archive.reason}`}`;
  return `#${String(r.iteration).padEnd(5)} ${r.source.padEnd(12)} L${r.level} ${LEVEL_NAMES[r.level].padEnd(13)} ${r.championUpdated ? '★' : ' '} ${outcome}${lineage}${flags}${holdout}${decision}${archive}`;
}

/** `alphaloop history`: the newest iterations of a run, oldest first. */
export function historyCommand(settings: Settings, io: MainIo, options: { readonly json: boolean; readonly limit: number }): Promise<number> {
  return withStorage(settings, io, async (storage) => {
    const records = await storage.history.recent(settings.run, options.limit);
    if (records.isErr()) {
      io.stderr.write(`alphaloop: ${records.error.message}\n`);
      return 1;
    }
    if (options.json) {
      for (const record of records.value) io.stdout.write(`${JSON.stringify(record)}\n`);
      return 0;
    }
    if (records.value.length === 0) io.stdout.write(`run '${settings.run}' has no iterations\n`);
    for (const record of records.value) io.stdout.write(`${historyLine(record)}\n`);
    const report = await loadRunReport(storage, settings.run);
    if (report.isErr()) {
      io.stderr.write(`alphaloop: ${report.error.message}\n`);
      return 1;
    }
    if (records.value.length > 0) io.stdout.write(`\n${reportText(report.value)}`);
    return 0;
  });
}

/** The protocol, the trial count and the champion block shared by `history` and `champion`. */
function reportText(report: RunReport): string {
  const lines = [
    ...(report.protocol === null ? ['Protocol: none stored (the run began before protocols were kept)'] : [protocolLine(report.protocol)]),
    `Trials: ${report.trials} distinct strategies measured in ${report.iterations} iterations`,
    archiveLine(report),
    ...championLines(report),
  ];
  return `${lines.join('\n')}\n`;
}

/** Opens the database, loads the run's report and hands it on; a failure to read it is printed and exits 1. */
function withReport(settings: Settings, io: MainIo, use: (report: RunReport) => number): Promise<number> {
  return withStorage(settings, io, async (storage) => {
    const loaded = await loadRunReport(storage, settings.run);
    if (loaded.isErr()) {
      io.stderr.write(`alphaloop: ${loaded.error.message}\n`);
      return 1;
    }
    return use(loaded.value);
  });
}

/** `alphaloop champion`: the run's champion with its evidence (folds, holdout and its looks, PSR/DSR, PBO), or only its code. */
export function championCommand(settings: Settings, io: MainIo, options: { readonly json: boolean; readonly codeOnly: boolean }): Promise<number> {
  return withReport(settings, io, (report) => {
    const c = report.champion;
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify(c === null ? null : { ...c, holdoutLooks: report.holdoutLooks, trials: report.trials, significance: report.significance, validation: report.validation, protocol: report.protocol })}\n`,
      );
      return 0;
    }
    if (c === null) {
      io.stderr.write(`run '${settings.run}' has no champion yet\n`);
      return 1;
    }
    if (options.codeOnly) {
      io.stdout.write(c.code.endsWith('\n') ? c.code : `${c.code}\n`);
      return 0;
    }
    io.stdout.write(`champion of run '${settings.run}'\n${reportText(report)}\n${c.code}\n`);
    return 0;
  });
}

/** `alphaloop archive`: the run's quality-diversity archive, a line per cell (or JSON without the daily returns). */
export function archiveCommand(settings: Settings, io: MainIo, options: { readonly json: boolean }): Promise<number> {
  return withReport(settings, io, (report) => {
    const elites = report.archive;
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ runId: settings.run, cells: elites.length, elites: elites.map(({ dailyReturns, ...e }) => ({ ...e, dailyReturnCount: dailyReturns.length })) })}\n`);
      return 0;
    }
    io.stdout.write(`${archiveLine(report)}\n`);
    if (elites.length === 0) return 0;
    io.stdout.write(`${'cell'.padEnd(28)} ${'strategy'.padEnd(16)} ${'score'.padStart(7)} ${'Sharpe'.padStart(7)} ${'turnover'.padStart(8)} ${'holdings'.padStart(8)} ${'children'.padStart(8)} ${'iteration'.padStart(9)}\n`);
    for (const e of [...elites].sort((a, b) => (b.evidence.score ?? 0) - (a.evidence.score ?? 0))) {
      io.stdout.write(
        `${e.cell.padEnd(28)} ${e.strategyId.padEnd(16)} ${fmt(e.evidence.score).padStart(7)} ${fmt(e.metrics.sharpe).padStart(7)} ${fmt(e.metrics.turnover).padStart(8)} ${fmt(e.traits.averageHoldings).padStart(8)} ${String(e.children).padStart(8)} ${String(e.iteration).padStart(9)}\n`,
      );
    }
    return 0;
  });
}
