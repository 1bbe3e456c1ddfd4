import type { LoopEvent } from '@alphaloop/executor';
import type { Champion } from '@alphaloop/domain';
import { openApp } from '../app.js';
import { syntheticBenchmarks } from '../benchmarks-cache.js';
import { iterationLine, summaryText, type OutputStream } from '../progress.js';
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
    return 1;
  }
  const app = opened.value;
  const description = app.market.description;
  say(`market: ${description.name}; ${description.symbolCount} symbols × ${description.dateCount} days (${description.startDate} … ${description.endDate})`);
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
  const onEvent = (event: LoopEvent) => {
    if (event.type === 'iteration') {
      const { record } = event.result;
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
          iteration: record.iteration,
          version: (champion?.version ?? 0) + 1,
        };
      }
      if (io.json) emit({ type: 'iteration', index: event.index, planned: event.planned, elapsedMs: event.elapsedMs, etaMs: event.etaMs, record });
      else io.stderr.write(`${iterationLine(event, champion)}\n`);
    } else if (event.type === 'started' && io.json) {
      emit({ type: 'started', runId: event.runId, planned: event.planned, market: description });
    }
  };

  try {
    const summary = await app.loop.run({
      ...(settings.iterations === null ? {} : { iterations: settings.iterations }),
      signal: controller.signal,
      onEvent,
    });
    const benchmarks = syntheticBenchmarks(app.market, settings.cacheDir);
    const extra = benchmarks ? { oracleSharpe: benchmarks.oracle.sharpe, templateSharpe: benchmarks.template.sharpe } : {};
    if (io.json) emit({ type: 'finished', summary, ...extra });
    else io.stdout.write(summaryText(summary, extra));
    return summary.stopReason === 'storage_failed' ? 1 : 0;
  } finally {
    removeHandler();
    await Promise.all(ledgerWrites);
    await app.close();
  }
}
