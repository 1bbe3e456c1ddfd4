import type { LoopEvent } from '@alphaloop/executor';
import type { Champion } from '@alphaloop/domain';
import { marketWarningLines, openApp } from '../app.js';
import { syntheticBenchmarks } from '../benchmarks-cache.js';
import { iterationLine, stagnationNotice, summaryText, type OutputStream } from '../progress.js';
import { holdoutLine } from '../protocol.js';
import { loadRunReport } from '../run-report.js';
import { ORACLE_SOURCE } from '@alphaloop/adapter-market-data';
import type { BacktestPort } from '@alphaloop/ports';
import type { Settings } from '../settings.js';
import type { LoggerPort } from '@alphaloop/ports';

export interface RunIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly json: boolean;
  /** Registers the Ctrl-C handler; returns a function that removes it. */
  readonly onInterrupt: (handler: () => void) => () => void;
  readonly exitNow: (code: number) => never;
}

/** `alphaloop run`: the learning loop with progress, Ctrl-C handling and a summary. */
export async function runCommand(settings: Settings, logger: LoggerPort, io: RunIo): Promise<number> {
  const emit = (event: Record<string, unknown>) => io.stdout.write(`${JSON.stringify(event)}\n`);
  const say = (text: string) => (io.json ? undefined : io.stderr.write(`${text}\n`));
  say(`alphaloop: run '${settings.run}' on ${settings.databaseUrl ? 'PostgreSQL' : `PGlite (${settings.db})`}, data: ${settings.data}, seed ${settings.seed}`);
  const opened = await openApp(settings, logger);
  if (opened.isErr()) {
    io.stderr.write(`alphaloop: ${opened.error.message}\n`);
    return opened.error.exitCode;
  }
  const app = opened.value;
  const description = app.market.description;
  say(`market: ${description.name}; ${description.symbolCount} symbols × ${description.dateCount} days (${description.startDate} … ${description.endDate})`);
  // what the loader found odd but did not refuse (one line each, naming the file): said once, with --json too
  for (const line of marketWarningLines(app.market)) io.stderr.write(line);
  // the holdout is said at every start, and loudly when there is none
  const holdoutText = holdoutLine(app.protocol, description.endDate);
  if (app.protocol.holdoutStart === null) io.stderr.write(`alphaloop: WARNING ${holdoutText}\n`);
  else say(holdoutText);
  say(`in-sample ${app.protocol.inSampleStart} … ${app.protocol.inSampleEnd} in ${app.protocol.folds} folds; every strategy pays fee ${(app.protocol.feeRatio * 100).toFixed(4)}% per side and tax ${(app.protocol.taxRatio * 100).toFixed(2)}% on sells`);
  if (app.adoptedProtocol) say(`note: run '${settings.run}' began before protocols were stored; from now on it keeps this one`);
  if (!app.llm.configured) say('no LLM configured: every iteration uses factor-graph search (set --llm provider:model to use one).');
  else say(`LLM: ${app.llm.model} (innovation rate ${settings.innovationRate}%)`);

  const controller = new AbortController();
  let interrupts = 0;
  const removeHandler = io.onInterrupt(() => {
    interrupts += 1;
    if (interrupts === 1) {
      controller.abort();
      say('\nfinishing the current iteration, then stopping (Ctrl-C again to stop at once)…');
    } else {
      say('stopping now; every stored iteration is kept.');
      io.exitNow(130);
    }
  });

  let champion: Champion | null = null;
  const championOf = async () => {
    const current = await app.storage.champions.get(settings.run);
    return current.isOk() ? current.value : champion;
  };
  champion = await championOf();
  // The LLM ledger: what each iteration's calls cost, so that budgets hold across resumed runs.
  const ledgerWrites: Promise<void>[] = [];
  let stagnating = false;
  const onEvent = (event: LoopEvent) => {
    if (event.type === 'iteration') {
      const { record } = event.result;
      const notice = stagnationNotice(stagnating, event.result);
      if (notice !== null) {
        say(notice);
        logger.info(notice, { iteration: record.iteration });
      }
      const improved = record.search?.archive?.kind === 'inserted' || record.search?.archive?.kind === 'replaced';
      stagnating = improved ? false : stagnating || event.result.stagnating;
      if (event.result.stored && record.llmUsage !== null) {
        const outcome = record.source === 'llm' && record.error?.step === 'generate' ? record.error.category : 'ok';
        ledgerWrites.push(
          app.storage.llmCalls.record({ runId: record.runId, iteration: record.iteration, usage: record.llmUsage, outcome }).match(
            () => undefined,
            (e) => logger.warn('could not book an LLM call in the ledger', { iteration: record.iteration, error: e.message }),
          ),
        );
      }
      if (record.championUpdated) {
        champion = {
          runId: record.runId,
          strategyId: record.strategyId ?? '',
          code: record.strategyCode ?? '',
          source: record.source,
          metrics: record.metrics,
          evidence: record.evidence,
          holdout: record.holdoutMetrics,
          iteration: record.iteration,
          version: (champion?.version ?? 0) + 1,
        };
      }
      if (io.json) emit({ type: 'iteration', index: event.index, planned: event.planned, elapsedMs: event.elapsedMs, etaMs: event.etaMs, record });
      else io.stderr.write(`${iterationLine(event, champion)}\n`);
    } else if (event.type === 'started' && io.json) {
      emit({ type: 'started', runId: event.runId, planned: event.planned, market: description });
    } else if (event.type === 'recovered') {
      if (io.json) emit({ type: 'recovered', iterations: event.iterations });
      const n = event.iterations.length;
      say(`interrupted: iteration${n === 1 ? '' : 's'} ${event.iterations.join(', ')} stopped with ${n === 1 ? 'its' : 'their'} process before being stored; recorded as level 0 'interrupted' (history has no gaps)`);
    }
  };

  try {
    const summary = await app.loop.run({
      ...(settings.iterations === null ? {} : { iterations: settings.iterations }),
      signal: controller.signal,
      onEvent,
    });
    const benchmarks = syntheticBenchmarks(app.market, settings.cacheDir);
    const oracle = app.market.metadata.synthetic === null || app.protocol.holdoutStart === null ? null : await oracleOnHoldout(app.backtest);
    const report = await loadRunReport(app.storage, settings.run);
    if (report.isErr()) logger.warn('could not read the run for its report', { error: report.error.message });
    const extra = {
      ...(benchmarks ? { templateSharpe: benchmarks.template.sharpe } : {}),
      oracleHoldoutSharpe: oracle?.holdout ?? null,
      oracleInSampleSharpe: oracle?.inSample ?? null,
    };
    const reportValue = report.isOk() ? report.value : undefined;
    const ratio =
      summary.champion?.holdout?.sharpe != null && extra.oracleHoldoutSharpe !== null ? summary.champion.holdout.sharpe / extra.oracleHoldoutSharpe : null;
    if (io.json) emit({ type: 'finished', summary, ...extra, plantedEdgeRatio: ratio, report: reportValue ?? null });
    else io.stdout.write(summaryText(summary, { ...extra, ...(reportValue === undefined ? {} : { report: reportValue }) }));
    // 130 = 128 + SIGINT, as a shell reports a command stopped by Ctrl-C (README's exit codes)
    return summary.stopReason === 'storage_failed' ? 1 : summary.stopReason === 'aborted' ? 130 : 0;
  } finally {
    removeHandler();
    await Promise.all(ledgerWrites);
    await app.close();
  }
}

/**
 * The oracle strategy (built on the synthetic market's planted effects) under the run's protocol: a yardstick for
 * the planted-edge ratio, not a candidate — it never enters the run's records or trials.
 */
async function oracleOnHoldout(backtest: BacktestPort): Promise<{ inSample: number | null; holdout: number | null } | null> {
  const outcome = await backtest.run({ code: ORACLE_SOURCE, holdout: true });
  return outcome.isOk() ? { inSample: outcome.value.metrics.sharpe, holdout: outcome.value.holdoutMetrics?.sharpe ?? null } : null;
}
