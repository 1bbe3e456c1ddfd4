import type { FieldDescription, MarketDataDescription } from '@alphaloop/ports';
import {
  DEFAULT_SIM_OPTIONS,
  OPERATION_CATALOGUE,
  RUN_COST_OPTIONS,
  SIM_OPTION_SPECS,
  type OperationCategory,
  type OperationSpec,
  type ParamBound,
  type ParamSpec,
  type SimOptionSpec,
} from '@alphaloop/strategy';

/**
 * The strategy-language guide of the system message, generated from the strategy package's operation
 * catalogue and sim option specs (never a hand-written copy), with the fields the loaded data really has.
 */

const CATEGORY_TITLES: ReadonlyArray<readonly [OperationCategory, string]> = [
  ['arithmetic', 'Arithmetic, elementwise, a number broadcasts'],
  ['comparison', 'Comparison → bool frame (NaN compares false)'],
  ['logic', 'Logic on bool frames'],
  ['time_series', 'Time series (per symbol; windows count trading days incl. today)'],
  ['cross_section', 'Cross section (across symbols each day)'],
  ['combination', 'Combination'],
  ['state', 'Entry/exit state'],
];

function bound(value: ParamBound, dateCount: number): string {
  return value === 'dateCount' ? String(dateCount) : String(value);
}

/** Window/lag parameters with the usual bounds (integer 1…dates) go without a note; the rest say theirs. */
function isPlainWindow(param: ParamSpec): boolean {
  return param.type === 'integer' && param.min === 1 && param.max === 'dateCount' && param.default === undefined && !param.optional;
}

const HUGE = 1e12;

function paramText(param: ParamSpec, dateCount: number): string | null {
  if (param.type === 'string' || isPlainWindow(param)) return null;
  const parts: string[] = [];
  const min = param.min !== undefined && (param.min === 'dateCount' || Math.abs(param.min) < HUGE) ? param.min : undefined;
  const max = param.max !== undefined && (param.max === 'dateCount' || Math.abs(param.max) < HUGE) ? param.max : undefined;
  if (min !== undefined && max !== undefined) parts.push(`${bound(min, dateCount)}…${bound(max, dateCount)}`);
  else if (min !== undefined) parts.push(`≥ ${bound(min, dateCount)}`);
  if (param.default !== undefined) parts.push(`default ${param.default}`);
  if (param.optional) parts.push('optional');
  return parts.length > 0 ? `${param.name}: ${parts.join(', ')}` : null;
}

function operatorsLine(title: string, specs: readonly OperationSpec[]): string {
  const written = specs.map((spec) => {
    const [canonical, ...others] = spec.operators ?? [];
    const op = spec.kind === 'unary' ? `${canonical ?? ''}x` : (canonical ?? '');
    return others.length > 0 ? `${op} (or ${others.join(', ')})` : op;
  });
  return `${title}: ${written.join('  ')}`;
}

function methodLine(spec: OperationSpec, dateCount: number): string {
  const params = spec.params.map((p) => paramText(p, dateCount)).filter((t): t is string => t !== null);
  return `- ${spec.source} — ${spec.doc}${params.length > 0 ? ` [${params.join('; ')}]` : ''}`;
}

/** The operations section, grouped by category: operators on one line each, then one line per method. */
export function operationsSection(dateCount: number): string {
  const lines: string[] = [
    `## Operations (x: float frame, n: integer literal 1…${dateCount} unless noted)`,
  ];
  for (const [category, title] of CATEGORY_TITLES) {
    const specs = OPERATION_CATALOGUE.filter((s) => s.category === category);
    const operators = specs.filter((s) => s.kind === 'unary' || s.kind === 'binary');
    const methods = specs.filter((s) => s.kind === 'method');
    if (operators.length > 0) lines.push(operatorsLine(title, operators));
    if (methods.length > 0) {
      lines.push(`${title}:`);
      for (const spec of methods) lines.push(methodLine(spec, dateCount));
    }
  }
  return lines.join('\n');
}

function simOptionLine(spec: SimOptionSpec): string {
  const fallback = DEFAULT_SIM_OPTIONS[spec.name];
  const shown = typeof fallback === 'string' ? `'${fallback}'` : String(fallback);
  let accepted: string;
  if (spec.type === 'number') accepted = `${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}]`;
  else if (spec.type === 'enum') accepted = spec.values.map((v) => `'${v}'`).join('|');
  else accepted = 'true|false';
  return `- ${spec.name}: ${accepted}${spec.nullable ? '|null' : ''}, default ${shown} — ${spec.doc}`;
}

export function simOptionsSection(): string {
  const runCosts = RUN_COST_OPTIONS as readonly string[];
  return [
    '## sim(position, { … }) options (all optional)',
    ...SIM_OPTION_SPECS.filter((spec) => !runCosts.includes(spec.name)).map(simOptionLine),
    `The run sets what trading costs (${RUN_COST_OPTIONS.join(', ')}): every strategy pays the same fees and tax, and a strategy that writes them is rejected.`,
  ].join('\n');
}

const GRAMMAR = `You write equity trading strategies for alphaloop in a small, safe subset of JavaScript.
The source is parsed and compiled to a factor graph, never executed: anything outside this grammar is rejected.

## Grammar
- \`const NAME = EXPR;\` declarations, then exactly one \`return EXPR;\`.
- Return \`sim(position, { options })\` or a bare position (default options). A bool position holds the
  true cells with equal weight; a float position gives weights (NaN = not held).
- EXPR: number literals, declared names, \`data.get('key')\`, the operations below, parentheses; strings
  only as data keys and option values.
- Not allowed: functions, loops, if, let/var, reassignment, this, new, template strings, imports, a[b],
  and any other identifier (no Math, no console).
- Values are frames (trading dates × symbols, float or bool) or numbers; types are checked at compile time.`;

const RULES = `## Rules
- No look-ahead: shift(n) needs n ≥ 0 (lower-frequency data is already dated by its publication day).
- Only the data keys listed below exist. Keep the strategy short (≤ 40 lines).
- Prefer liquid names, 5–30 holdings and a 'W' or 'M' rebalance to keep turnover and fees down.`;

function example(key: string): string {
  return `## Example
\`\`\`js
const close = data.get('${key}');
const momentum = close / close.shift(20) - 1;
const trend = close > close.average(60);
return sim(momentum.where(trend).isLargest(10), { resample: 'M', trailStop: 0.1 });
\`\`\``;
}

/** The field the example uses: a close price if the data has one, else the first daily field. */
export function exampleFieldKey(market: MarketDataDescription): string {
  const fields = market.fields;
  const close = fields.find((f) => /close|收盤/i.test(f.key) && f.frequency === 'daily');
  return (close ?? fields.find((f) => f.frequency === 'daily') ?? fields[0])?.key ?? 'price:close';
}

function fieldLine(field: FieldDescription): string {
  const aliases = field.aliases.length > 0 ? ` (also ${field.aliases.map((a) => `'${a}'`).join(', ')})` : '';
  return `- '${field.key}'${aliases}, ${field.frequency}: ${field.description}`;
}

/**
 * The fields section, within `maxChars`: full lines when they fit, else keys with frequency, else keys only,
 * else as many keys as fit and a count of the rest.
 */
export function fieldsSection(market: MarketDataDescription, maxChars: number): string {
  const header =
    `## Market data: ${market.name}, ${market.startDate} … ${market.endDate}, ` +
    `${market.dateCount} trading days, ${market.symbolCount} symbols\n` +
    `data.get accepts exactly these ${market.fields.length} keys:`;
  const budget = Math.max(0, maxChars - header.length - 1);
  const full = market.fields.map(fieldLine).join('\n');
  if (full.length <= budget) return `${header}\n${full}`;
  const short = market.fields.map((f) => `- '${f.key}' (${f.frequency})`).join('\n');
  if (short.length <= budget) return `${header}\n${short}`;
  const keys = market.fields.map((f) => `'${f.key}'`);
  const all = keys.join(', ');
  if (all.length <= budget) return `${header}\n${all}`;
  const shown: string[] = [];
  let used = 0;
  for (const key of keys) {
    const rest = keys.length - shown.length - 1;
    const tail = ` … and ${rest} more`;
    if (used + key.length + 2 + tail.length > budget) break;
    shown.push(key);
    used += key.length + 2;
  }
  return `${header}\n${shown.join(', ')} … and ${keys.length - shown.length} more`;
}

const GUIDE_CACHE = new Map<string, string>();

/** Grammar, operations, sim options, rules and an example: depends on the catalogue, the date count and one key. */
export function languageGuide(dateCount: number, exampleKey: string): string {
  const cacheKey = `${dateCount}\u0000${exampleKey}`;
  const cached = GUIDE_CACHE.get(cacheKey);
  if (cached !== undefined) return cached;
  const guide = [GRAMMAR, operationsSection(dateCount), simOptionsSection(), RULES, example(exampleKey)].join('\n\n');
  if (GUIDE_CACHE.size >= 16) GUIDE_CACHE.clear();
  GUIDE_CACHE.set(cacheKey, guide);
  return guide;
}
