import { readFileSync } from 'node:fs';
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import { DEFAULT_CHAMPION_POLICY } from '@alphaloop/domain';
import { llmConfigSchema } from '@alphaloop/adapter-llm/config';

/** A calendar date as YYYY-MM-DD that exists (2023-13-45 and 2023-02-30 do not). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'write a date as YYYY-MM-DD')
  .refine((text) => {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'no such calendar date (write a real date as YYYY-MM-DD)');

/**
 * Every setting alphaloop reads, with its default. Unknown keys are errors (a misspelt setting must
 * not be silently ignored); API keys are not settings — they come from the environment only.
 */
export const settingsSchema = z.strictObject({
  /** Name of the run: a new name starts a run, an existing one resumes it. */
  run: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, dash or underscore').default('default'),
  /** Iterations to run now; null runs until Ctrl-C or a budget cap. */
  iterations: z.number().int().positive().nullable().default(30),
  /** Seeds the source decision, the mutations and the synthetic market. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** Percentage of iterations that ask the LLM (when one is configured). */
  innovationRate: z.number().min(0).max(100).default(100),
  /** Embedded PostgreSQL (PGlite) data directory, used when no databaseUrl is set. */
  db: z.string().min(1).default('.alphaloop/db'),
  /** Derived data that can be recomputed (benchmark Sharpe ratios of the synthetic market). */
  cacheDir: z.string().min(1).default('.alphaloop/cache'),
  /** A PostgreSQL connection string (also from DATABASE_URL); overrides `db`. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'write it as postgres://user:password@host:port/database').optional(),
  /** `synthetic`, or a folder of FinLab wide CSVs, a long CSV file or a long Parquet file. */
  data: z.string().min(1).default('synthetic'),
  synthetic: z
    .strictObject({
      symbols: z.number().int().min(10).max(5000).default(300),
      startDate: isoDate.default('2012-01-01'),
      endDate: isoDate.default('2024-12-31'),
      /**
       * Strength of the planted effects: 'default', 'none' (every effect 0: a market with nothing to find, for
       * checking that no false discovery is declared) or per effect (target monthly IC, 0 switches one off).
       */
      effects: z
        .union([
          z.enum(['default', 'none']),
          z.strictObject({
            momentum: z.number().min(-0.5).max(0.5).optional(),
            reversal: z.number().min(-0.5).max(0.5).optional(),
            revenueGrowth: z.number().min(-0.5).max(0.5).optional(),
            lowVolatility: z.number().min(-0.5).max(0.5).optional(),
          }),
        ])
        .default('default'),
    })
    .prefault({}),
  backtest: z
    .strictObject({
      timeoutMs: z.number().int().positive().default(30_000),
      memoryLimitMb: z.number().int().min(64).default(1024),
      /**
       * First day of the locked holdout: never seen by the search or the selection, measured once per new champion.
       * Absent: the last two calendar years of the data. 'none': no holdout (said loudly in the output).
       */
      holdoutStart: z.union([isoDate, z.literal('none')]).optional(),
      /** Commission per buy and per sell, for every strategy of the run (FinLab Taiwan: 0.1425 %). */
      feeRatio: z.number().min(0).max(0.05).default(0.001425),
      /** Tax on sells, for every strategy of the run (FinLab Taiwan: 0.3 %). */
      taxRatio: z.number().min(0).max(0.05).default(0.003),
      /** Contiguous in-sample folds the robust selection score is built from. */
      folds: z.number().int().min(1).max(20).default(4),
    })
    .prefault({}),
  llm: llmConfigSchema.prefault({}),
  /**
   * Where the factor graph starts from: 'archive' (the run's quality-diversity archive: parents drawn from its cells,
   * crossover, exploration after stagnation) or 'champion' (always the champion: the search before the archive).
   */
  search: z.enum(['archive', 'champion']).default('archive'),
  champion: z
    .strictObject({
      minSharpeForFirst: z.number().default(DEFAULT_CHAMPION_POLICY.minSharpeForFirst),
      probationPeriod: z.number().int().min(0).default(DEFAULT_CHAMPION_POLICY.probationPeriod),
      probationThreshold: z.number().min(0).default(DEFAULT_CHAMPION_POLICY.probationThreshold),
      postProbationThreshold: z.number().min(0).default(DEFAULT_CHAMPION_POLICY.postProbationThreshold),
      additiveThreshold: z.number().min(0).default(DEFAULT_CHAMPION_POLICY.additiveThreshold),
      calmarRetention: z.number().min(0).max(1).default(DEFAULT_CHAMPION_POLICY.calmarRetention),
      drawdownTolerance: z.number().min(1).default(DEFAULT_CHAMPION_POLICY.drawdownTolerance),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
      /** Structured logs go here, so that the terminal shows progress only. */
      file: z.string().min(1).default('.alphaloop/logs/alphaloop.log'),
    })
    .prefault({}),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

export const CONFIG_FILE = 'alphaloop.config.json';

export interface SettingsSources {
  /** Parsed config file contents and where they came from, if any. */
  readonly file?: { readonly path: string; readonly values: unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values from command-line flags, already shaped like the settings (nested objects). */
  readonly flags: Record<string, unknown>;
}

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Later sources win key by key; nested objects merge. */
export function mergeSettings(...layers: readonly unknown[]): Plain {
  const out: Plain = {};
  for (const layer of layers) {
    if (!isPlain(layer)) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      out[key] = isPlain(value) && isPlain(out[key]) ? mergeSettings(out[key], value) : value;
    }
  }
  return out;
}

function fromEnv(env: SettingsSources['env']): Plain {
  const values: Plain = {};
  if (env.DATABASE_URL) values.databaseUrl = env.DATABASE_URL;
  if (env.ALPHALOOP_LLM) values.llm = { model: env.ALPHALOOP_LLM };
  return values;
}

/** One line per problem, naming the key, where it came from, and what is allowed. */
export function describeSettingsError(error: z.ZodError, origin: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.');
      const at = path === '' ? origin : `${origin}: ${path}`;
      switch (issue.code) {
        case 'unrecognized_keys': {
          const parent = issue.path.reduce<z.ZodType | undefined>((schema, key) => childSchema(schema, String(key)), settingsSchema);
          const allowed = parent ? allowedKeys(parent) : [];
          return `${at}: unknown setting ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        }
        case 'invalid_value':
          return `${at}: ${issue.message} (allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
        default:
          return `${at}: ${issue.message}`;
      }
    })
    .join('\n');
}

/** The object schema under any default/prefault/optional wrappers, if there is one. */
function objectOf(schema: z.ZodType | undefined): z.ZodObject | undefined {
  let current: unknown = schema;
  for (let i = 0; i < 5 && current instanceof z.ZodType && !(current instanceof z.ZodObject); i += 1) {
    current = (current as unknown as { def: { innerType?: z.ZodType } }).def.innerType;
  }
  return current instanceof z.ZodObject ? current : undefined;
}

function childSchema(schema: z.ZodType | undefined, key: string): z.ZodType | undefined {
  return (objectOf(schema)?.shape as Record<string, z.ZodType> | undefined)?.[key];
}

function allowedKeys(schema: z.ZodType): string[] {
  const object = objectOf(schema);
  return object ? Object.keys(object.shape) : [];
}

export interface SettingsError {
  readonly kind: 'settings_invalid';
  readonly message: string;
}

/** Defaults, then the config file, then the environment, then flags; validated as a whole. */
export function resolveSettings(sources: SettingsSources): Result<Settings, SettingsError> {
  if (sources.file) {
    const fileCheck = settingsSchema.safeParse(sources.file.values);
    if (!fileCheck.success) {
      return err({ kind: 'settings_invalid', message: describeSettingsError(fileCheck.error, sources.file.path) });
    }
  }
  const merged = mergeSettings(sources.file?.values, fromEnv(sources.env), sources.flags);
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) return err({ kind: 'settings_invalid', message: describeSettingsError(parsed.error, 'flags/environment') });
  return ok(parsed.data);
}

/** Reads `alphaloop.config.json` (or the given path). A missing default file is fine; a missing named file is not. */
export function readConfigFile(path: string | undefined): Result<SettingsSources['file'] | undefined, SettingsError> {
  const target = path ?? CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (error) {
    if (path === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err({ kind: 'settings_invalid', message: `cannot read config file ${target}: ${(error as Error).message}` });
  }
  // editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return ok({ path: target, values: JSON.parse(text) as unknown });
  } catch (error) {
    return err({ kind: 'settings_invalid', message: `${target} is not valid JSON: ${(error as Error).message}` });
  }
}
