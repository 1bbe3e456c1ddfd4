import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readConfigFile, resolveSettings, type Settings } from './settings.js';
import type { MainIo } from './io.js';

/** Exit codes: 0 success, 1 failure, 2 bad usage (flag, config or input), 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const integer = (name: string) => (value: string): number => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be an integer, got '${value}'`);
  return Number(value);
};
/** A decimal number as a person writes it (`0.5`, `-2`, `1e-3`); Number() would also take `0x10`, `0b1` and `  7 `. */
const decimal = (name: string) => (value: string): number => {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) throw new InvalidArgumentError(`${name} must be a decimal number, got '${value}'`);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a finite number, got '${value}'`);
  return n;
};

type Flags = CommonFlags & Record<string, unknown>;

interface CommonFlags {
  readonly config?: string;
  readonly db?: string;
  readonly run?: string;
  readonly data?: string;
  readonly seed?: number;
  readonly json?: boolean;
  readonly logLevel?: string;
}

function withCommon(command: Command): Command {
  return command
    .option('--config <file>', 'settings file (default: ./alphaloop.config.json when present)')
    .option('--db <dir>', 'PGlite data directory (default .alphaloop/db); DATABASE_URL selects PostgreSQL instead')
    .option('--run <name>', "run name (default 'default')")
    .option('--log-level <level>', 'debug, info, warn, error or silent (logs go to .alphaloop/logs/alphaloop.log)')
    .option('--json', 'machine-readable output');
}

/** Flags shaped like the settings; absent flags stay absent so that file and environment values stand. */
function flagSettings(flags: Flags): Record<string, unknown> {
  const llm: Record<string, unknown> = {};
  if (flags.llm !== undefined) llm.model = flags.llm;
  if (flags.maxCostUsd !== undefined) llm.maxCostUsd = flags.maxCostUsd;
  if (flags.maxTokens !== undefined) llm.maxTokens = flags.maxTokens;
  if (flags.llmBaseUrl !== undefined) llm.baseUrl = flags.llmBaseUrl;
  const backtest: Record<string, unknown> = {};
  if (flags.timeoutMs !== undefined) backtest.timeoutMs = flags.timeoutMs;
  if (flags.holdoutStart !== undefined) backtest.holdoutStart = flags.holdoutStart;
  if (flags.holdout !== undefined) {
    if (flags.holdout !== 'none') throw new UsageError(`--holdout takes only 'none' (to run without a holdout), got '${String(flags.holdout)}'; use --holdout-start YYYY-MM-DD to move it`);
    if (flags.holdoutStart !== undefined) throw new UsageError('--holdout none and --holdout-start contradict each other: give one of them');
    backtest.holdoutStart = 'none';
  }
  if (flags.feeRatio !== undefined) backtest.feeRatio = flags.feeRatio;
  if (flags.taxRatio !== undefined) backtest.taxRatio = flags.taxRatio;
  if (flags.folds !== undefined) backtest.folds = flags.folds;
  const synthetic: Record<string, unknown> = {};
  if (flags.symbols !== undefined) synthetic.symbols = flags.symbols;
  return {
    run: flags.run,
    db: flags.db,
    data: flags.data,
    seed: flags.seed,
    iterations: flags.untilStopped ? null : flags.iterations,
    innovationRate: flags.innovationRate,
    log: flags.logLevel === undefined ? undefined : { level: flags.logLevel },
    llm: Object.keys(llm).length ? llm : undefined,
    backtest: Object.keys(backtest).length ? backtest : undefined,
    synthetic: Object.keys(synthetic).length ? synthetic : undefined,
    search: flags.search,
  };
}

class UsageError extends Error {}

function settingsFrom(flags: Flags, env: NodeJS.ProcessEnv): Settings {
  const file = readConfigFile(flags.config);
  if (file.isErr()) throw new UsageError(file.error.message);
  const settings = resolveSettings({ ...(file.value ? { file: file.value } : {}), env, flags: flagSettings(flags) });
  if (settings.isErr()) throw new UsageError(settings.error.message);
  return settings.value;
}

export function buildProgram(io: MainIo, setExit: (code: number) => void): Command {
  const program = new Command('alphaloop')
    .description('Autonomous trading-strategy research: LLM or factor-graph search, FinLab-compatible backtests, an honestly selected champion.')
    .showHelpAfterError('(run alphaloop --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  withCommon(program.command('run').description('run the learning loop (new run or resume by --run NAME)'))
    .option('-n, --iterations <n>', 'iterations to run now (default 30)', integer('--iterations'))
    .option('--until-stopped', 'run until Ctrl-C or an LLM budget cap')
    .option('--llm <provider:model>', 'openai:…, anthropic:…, google:…, openrouter:…, openai-compatible:… (default: none → factor graph only)')
    .option('--llm-base-url <url>', 'endpoint for openai-compatible servers (Ollama, vLLM, llama.cpp)')
    .option('--innovation-rate <percent>', 'share of iterations that ask the LLM, 0–100 (default 100)', decimal('--innovation-rate'))
    .option('--data <path>', "'synthetic' (default) or a folder of FinLab wide CSVs, a long CSV or a long Parquet file")
    .option('--symbols <n>', 'symbols in the synthetic market (default 300)', integer('--symbols'))
    .option('--seed <n>', 'random seed (default 42)', integer('--seed'))
    .option('--holdout-start <YYYY-MM-DD>', 'first day of the locked holdout (default: the last two calendar years of the data)')
    .option('--holdout <none>', "'none': run without a holdout (no out-of-sample check of the champion)")
    .option('--fee-ratio <fraction>', 'commission per buy and sell for every strategy (default 0.001425)', decimal('--fee-ratio'))
    .option('--tax-ratio <fraction>', 'tax on sells for every strategy (default 0.003)', decimal('--tax-ratio'))
    .option('--folds <k>', 'contiguous in-sample folds of the selection score (default 4)', integer('--folds'))
    .option('--search <kind>', "'archive' (default: parents from the run's quality-diversity archive) or 'champion' (always mutate the champion)")
    .option('--timeout-ms <ms>', 'time limit per backtest (default 30000)', integer('--timeout-ms'))
    .option('--max-cost-usd <usd>', 'stop the run when the LLM has cost this much', decimal('--max-cost-usd'))
    .option('--max-tokens <n>', 'stop the run after this many LLM tokens', integer('--max-tokens'))
    .action(async (flags: Flags) => {
      const settings = settingsFrom(flags, io.env);
      const [{ createLogger }, { runCommand }] = await Promise.all([import('./app.js'), import('./commands/run.js')]);
      const opened = createLogger(settings, (line) => io.stderr.write(`${line}\n`));
      if (opened.isErr()) {
        io.stderr.write(`alphaloop: ${opened.error.message}\n`);
        setExit(opened.error.exitCode);
        return;
      }
      const { logger, close } = opened.value;
      try {
        setExit(
          await runCommand(settings, logger, {
            stdout: io.stdout,
            stderr: io.stderr,
            json: flags.json === true,
            onInterrupt: (handler) => {
              process.on('SIGINT', handler);
              process.on('SIGTERM', handler);
              return () => {
                process.off('SIGINT', handler);
                process.off('SIGTERM', handler);
              };
            },
            exitNow: (code) => {
              close();
              process.exit(code);
            },
          }),
        );
      } finally {
        close();
      }
    });

  withCommon(program.command('runs').description('list the runs in the database')).action(async (flags: Flags) => {
    const { runsCommand } = await import('./commands/inspect.js');
    setExit(await runsCommand(settingsFrom(flags, io.env), io, flags.json === true));
  });

  withCommon(program.command('history').description('the iterations of a run'))
    .option('--limit <n>', 'newest N iterations (default 50)', integer('--limit'))
    .action(async (flags: Flags & { limit?: number }) => {
      const { historyCommand } = await import('./commands/inspect.js');
      setExit(await historyCommand(settingsFrom(flags, io.env), io, { json: flags.json === true, limit: flags.limit ?? 50 }));
    });

  withCommon(program.command('champion').description("the run's champion"))
    .option('--code', 'print only its code')
    .action(async (flags: Flags & { code?: boolean }) => {
      const { championCommand } = await import('./commands/inspect.js');
      setExit(await championCommand(settingsFrom(flags, io.env), io, { json: flags.json === true, codeOnly: flags.code === true }));
    });

  withCommon(program.command('archive').description("the run's quality-diversity archive: the best strategy of each behaviour cell"))
    .action(async (flags: Flags) => {
      const { archiveCommand } = await import('./commands/inspect.js');
      setExit(await archiveCommand(settingsFrom(flags, io.env), io, { json: flags.json === true }));
    });

  withCommon(program.command('backtest').description('backtest one strategy file and print its metrics'))
    .argument('<file>', 'strategy source (.js)')
    .option('--data <path>', "'synthetic' (default) or a market data folder/file")
    .option('--seed <n>', 'synthetic market seed (default 42)', integer('--seed'))
    .option('--symbols <n>', 'symbols in the synthetic market (default 300)', integer('--symbols'))
    .option('--holdout-start <YYYY-MM-DD>', 'first holdout day (default: the last two calendar years of the data)')
    .option('--holdout <none>', "'none': the whole period in-sample")
    .option('--fee-ratio <fraction>', 'commission per buy and sell (default 0.001425)', decimal('--fee-ratio'))
    .option('--tax-ratio <fraction>', 'tax on sells (default 0.003)', decimal('--tax-ratio'))
    .option('--strategy-costs', "honour a FinLab port's own feeRatio/taxRatio (the loop rejects a strategy that sets them)")
    .action(async (file: string, flags: Flags & { strategyCosts?: boolean }) => {
      const { backtestCommand } = await import('./commands/backtest.js');
      setExit(await backtestCommand(settingsFrom(flags, io.env), file, io, flags.json === true, flags.strategyCosts === true));
    });

  withCommon(program.command('validate').description("probability of backtest overfitting of a run's top strategies (CSCV)"))
    .option('--top <k>', 'distinct strategies with the best robust scores (default 50)', integer('--top'))
    .option('--splits <s>', 'contiguous blocks S, even (default 16: C(16, 8) = 12,870 splits)', integer('--splits'))
    .option('--data <path>', 'the market data the run used (default synthetic)')
    .option('--seed <n>', 'the seed the run used (default 42)', integer('--seed'))
    .option('--symbols <n>', 'symbols in the synthetic market (default 300)', integer('--symbols'))
    .action(async (flags: Flags & { top?: number; splits?: number }) => {
      const { validateCommand } = await import('./commands/validate.js');
      setExit(await validateCommand(settingsFrom(flags, io.env), io, { json: flags.json === true, top: flags.top ?? 50, splits: flags.splits ?? 16 }));
    });

  withCommon(program.command('export').description('write a run as JSONL'))
    .requiredOption('--out <file>', 'output file')
    .action(async (flags: Flags & { out: string }) => {
      const { exportCommand } = await import('./commands/transfer.js');
      setExit(await exportCommand(settingsFrom(flags, io.env), flags.out, io));
    });

  withCommon(program.command('import').description("import a JSONL history (ours, or the original system's innovations.jsonl)"))
    .argument('<file>', 'JSONL file')
    .action(async (file: string, flags: Flags) => {
      const { importCommand } = await import('./commands/transfer.js');
      setExit(await importCommand(settingsFrom(flags, io.env), file, io));
    });

  const data = program.command('data').description('market data tools');
  withCommon(data.command('generate').description('write the synthetic market as FinLab-style wide CSV files'))
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <n>', 'seed (default 42)', integer('--seed'))
    .option('--symbols <n>', 'symbols (default 300)', integer('--symbols'))
    .action(async (flags: Flags & { out: string }) => {
      const { dataGenerateCommand } = await import('./commands/transfer.js');
      setExit(await dataGenerateCommand(settingsFrom(flags, io.env), flags.out, io));
    });

  return program;
}

/** Runs the command line; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: MainIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its one-line message (unknown option, missing argument, …)
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`alphaloop: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`alphaloop: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failure;
  }
}

