import { err, ok, type Result } from 'neverthrow';
import { CompilerCore } from './compile/core.js';
import { fieldIndexOf, type CompileContext } from './compile/context.js';
import { compileProgram } from './compile/program.js';
import type { StrategyError, StrategyWarning } from './errors.js';
import { GraphBuilder } from './graph/builder.js';
import type { FactorGraph, SimOptions } from './graph/types.js';
import { LIMITS } from './limits.js';
import { parseProgram } from './parse/parse-program.js';
import { prescan } from './parse/prescan.js';
import { detectPython, pythonError } from './parse/python.js';
import { printStrategy } from './print/print.js';
import { fnv1a64 } from './support/hash.js';
import { LineIndex } from './support/source-location.js';

/** How a strategy was derived, when it came from a mutation. */
export interface Lineage {
  readonly parentId: string;
  readonly operator: string;
  /** Parent's generation + 1 (strategies written from scratch are generation 0). */
  readonly generation: number;
  /** What the mutation did, in words (e.g. "added factor ma_filter(60) as an entry condition"). */
  readonly description: string;
}

export interface CompiledStrategy {
  readonly graph: FactorGraph;
  /** The printed graph; compiling it gives the same graph back. */
  readonly canonicalSource: string;
  /** 16 hex digits: FNV-1a 64 of `canonicalSource`. Equal strategies (up to names, formatting, comments) share it. */
  readonly strategyId: string;
  /** The resolved `sim` options (same object as `graph.options`). */
  readonly options: SimOptions;
  readonly warnings: readonly StrategyWarning[];
  /** The market the strategy was checked against (mutations re-check against it). */
  readonly context: CompileContext;
  readonly lineage: Lineage | null;
}

/**
 * Parses (never executes), validates, type-checks and compiles strategy source into a factor graph.
 * On failure returns every error found (at least one, at most `LIMITS.maxErrors`), each naming line,
 * column, what is wrong and what to write instead.
 */
export function compileStrategy(source: string, context: CompileContext): Result<CompiledStrategy, readonly StrategyError[]> {
  const lines = new LineIndex(source);
  const scanned = prescan(source);
  if (scanned.isErr()) return failed(source, lines, [scanned.error]);
  const program = parseProgram(source, lines);
  if (program.isErr()) return failed(source, lines, [program.error]);
  const builder = new GraphBuilder(LIMITS.maxNodes);
  const core = new CompilerCore(builder, lines, context, fieldIndexOf(context));
  const compiled = compileProgram(core, program.value, source.length);
  if (compiled.isErr()) return failed(source, lines, compiled.error);
  const graph = builder.finish(compiled.value.root, compiled.value.options);
  return ok(fromGraph(graph, context, compiled.value.warnings, null));
}

/**
 * The errors of a source that did not compile. If it looks like Python (FinLab's examples are Python, and LLMs
 * often write it), one error says so, at the first Python construct, with the strategy language's form; it
 * replaces the errors of its line (their cause) and takes its place in source order, so an earlier, unrelated
 * error still comes first. A source over the size limit is not scanned.
 */
function failed(source: string, lines: LineIndex, errors: readonly StrategyError[]): Result<never, readonly StrategyError[]> {
  if (errors[0]?.kind === 'source_too_large') return err(errors);
  const python = detectPython(source);
  if (python === null) return err(errors);
  const explained = pythonError(python, lines);
  const before = errors.filter((e) => e.line < explained.line);
  const after = errors.filter((e) => e.line > explained.line);
  return err([...before, explained, ...after].slice(0, LIMITS.maxErrors));
}

/** Prints and identifies an already valid graph. */
export function fromGraph(graph: FactorGraph, context: CompileContext, warnings: readonly StrategyWarning[], lineage: Lineage | null): CompiledStrategy {
  const canonicalSource = printStrategy(graph);
  return { graph, canonicalSource, strategyId: strategyIdOf(canonicalSource), options: graph.options, warnings, context, lineage };
}

/** The stable id of a canonical source text. */
export function strategyIdOf(canonicalSource: string): string {
  return fnv1a64(canonicalSource);
}
