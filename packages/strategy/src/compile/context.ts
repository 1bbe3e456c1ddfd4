/** A data field the loaded market offers. */
export interface FieldInfo {
  /** Canonical key, stored in the graph: `price:close`. */
  readonly key: string;
  /** Other accepted spellings: FinLab's `price:收盤價`, … */
  readonly aliases: readonly string[];
  readonly description?: string;
}

/** What the compiler needs to know about the market a strategy will run on. */
export interface CompileContext {
  readonly fields: readonly FieldInfo[];
  /** Number of dates in the data: the upper bound of every window and lag. */
  readonly dateCount: number;
  /**
   * The run sets what a fill costs (`RUN_COST_OPTIONS`): a strategy that writes one of them is an error, so that
   * no strategy can make its own trading cheaper. Absent or false: a strategy may set them (hand-written FinLab ports).
   */
  readonly runSetsCosts?: boolean;
}

/** Sim options that decide what a fill costs; in a run they belong to the run, not to the strategy. */
export const RUN_COST_OPTIONS = ['feeRatio', 'taxRatio'] as const;

/** Key and alias lookup for one context, built once per context and reused across compilations. */
export class FieldIndex {
  private readonly byName = new Map<string, FieldInfo>();
  readonly allNames: readonly string[];

  constructor(readonly fields: readonly FieldInfo[]) {
    for (const field of fields) {
      for (const alias of field.aliases) if (!this.byName.has(alias)) this.byName.set(alias, field);
    }
    // canonical keys win over another field's alias of the same spelling
    for (const field of fields) this.byName.set(field.key, field);
    this.allNames = [...this.byName.keys()];
  }

  resolve(name: string): FieldInfo | undefined {
    return this.byName.get(name);
  }
}

const fieldIndexes = new WeakMap<readonly FieldInfo[], FieldIndex>();

/** The (cached) index of a context's fields. */
export function fieldIndexOf(context: CompileContext): FieldIndex {
  let index = fieldIndexes.get(context.fields);
  if (index === undefined) {
    index = new FieldIndex(context.fields);
    fieldIndexes.set(context.fields, index);
  }
  return index;
}
