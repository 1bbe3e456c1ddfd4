import {
  OPERATION_CATALOGUE,
  resultTypeOf,
  type FactorGraph,
  type GraphNode,
  type NodeType,
  type ParamValue,
  type Resample,
  type SimOptions,
  type TradeAt,
} from '@alphaloop/strategy';
import fc from 'fast-check';

interface Step {
  readonly op: number;
  readonly picks: readonly number[];
  readonly seeds: readonly number[];
}

/** Builds a valid graph (catalogue arg types and param bounds) from random steps; only root-reachable nodes kept. */
export function buildGraph(steps: readonly Step[], fields: readonly string[], rows: number, cols: number, options: SimOptions): FactorGraph {
  const nodes: GraphNode[] = [];
  const pools: Record<NodeType, number[]> = { float_frame: [], bool_frame: [], number: [] };
  const add = (op: string, args: number[], params: ParamValue[], type: NodeType): number => {
    const id = nodes.length;
    nodes.push({ id, op, args, params, type });
    pools[type].push(id);
    return id;
  };
  const close = add('data', [], [fields[0] ?? 'price:close'], 'float_frame');
  add('const', [], [1], 'number');
  add('gt', [close, 1], [], 'bool_frame');

  const pick = (types: readonly NodeType[], seed: number): number => {
    const avail = types.flatMap((t) => pools[t]).sort((a, b) => a - b);
    // mostly the newest nodes, so that chains (deep graphs) form
    const i = seed % 10 < 7 ? Math.max(0, avail.length - 1 - (seed % 3)) : seed % avail.length;
    return avail[i] as number;
  };
  const usable = OPERATION_CATALOGUE.filter((s) => s.kind !== 'literal');
  for (const step of steps) {
    const spec = usable[step.op % usable.length];
    if (spec === undefined) continue;
    if (spec.kind === 'data') {
      add('data', [], [fields[(step.picks[0] ?? 0) % fields.length] ?? 'price:close'], 'float_frame');
      continue;
    }
    const seeds = step.seeds;
    const u = (i: number): number => seeds[i % seeds.length] ?? 0.5;
    const params: ParamValue[] = [];
    let skipParams = false;
    for (let i = 0; i < spec.params.length; i++) {
      const p = spec.params[i];
      if (p === undefined) continue;
      if (p.optional === true && u(i + 3) < 0.5) {
        skipParams = true;
        continue;
      }
      const lo = typeof p.min === 'number' ? p.min : 1;
      let hi = p.max === 'dateCount' ? rows : typeof p.max === 'number' ? p.max : 100;
      if (p.name === 'n' && hi > 2 * rows) hi = 2 * cols + 2; // counts (isLargest n, limits)
      if (p.type === 'integer') {
        let v = lo + Math.floor(u(i) * Math.max(0, Math.min(hi, rows + 2) - lo + 1));
        if (spec.name === 'sustain' && i === 1) v = Math.max(1, Math.min(v, (params[0] as number) ?? 1));
        params.push(Math.min(v, Math.max(lo, hi)));
      } else {
        const span = Math.min(hi, 1000) - Math.max(lo, -1000);
        params.push(Math.max(lo, -1000) + u(i) * span);
      }
    }
    if (spec.name === 'clip' && (params[0] as number) > (params[1] as number)) params.reverse();
    const args: number[] = [];
    for (let i = 0; i < spec.args.length; i++) {
      const a = spec.args[i];
      if (a === undefined) continue;
      // the only optional arg is holdUntil's rank, allowed together with a limit
      if (a.optional === true && (skipParams || params.length === 0 || (step.picks[i] ?? 0) % 2 === 0)) continue;
      args.push(pick(a.types, step.picks[i] ?? 0));
    }
    // constants only meet frames (the compiler folds number ⊕ number)
    if (args.length > 0 && args.every((id) => nodes[id]?.type === 'number')) continue;
    const receiver = nodes[args[0] ?? -1]?.type;
    add(spec.name, args, params, resultTypeOf(spec, receiver === 'number' ? 'float_frame' : receiver));
  }
  const frames = nodes.filter((n) => n.type !== 'number');
  const root = (frames[frames.length - 1] as GraphNode).id;
  // keep only nodes reachable from the root, renumbered in order
  const keep = new Uint8Array(nodes.length);
  keep[root] = 1;
  for (let i = nodes.length - 1; i >= 0; i--) if (keep[i] === 1) for (const a of (nodes[i] as GraphNode).args) keep[a] = 1;
  const remap = new Int32Array(nodes.length).fill(-1);
  const out: GraphNode[] = [];
  for (const n of nodes) {
    if (keep[n.id] !== 1) continue;
    remap[n.id] = out.length;
    out.push({ ...n, id: out.length, args: n.args.map((a) => remap[a] as number) });
  }
  return { nodes: out, root: remap[root] as number, options };
}

export const simOptionsArbitrary: fc.Arbitrary<SimOptions> = fc.record({
  resample: fc.constantFrom<Resample | null>(null, 'D', 'W', 'M', 'Q'),
  stopLoss: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: null }),
  takeProfit: fc.option(fc.double({ min: 0.01, max: 10, noNaN: true }), { nil: null }),
  trailStop: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: null }),
  positionLimit: fc.double({ min: 0.01, max: 1, noNaN: true }),
  feeRatio: fc.constantFrom(0, 0.001425),
  taxRatio: fc.constantFrom(0, 0.003),
  tradeAt: fc.constantFrom<TradeAt>('close', 'open', 'high', 'low', 'open_close_avg', 'high_low_avg', 'price_avg'),
  touchedExit: fc.boolean(),
  retainCostWhenRebalance: fc.boolean(),
  stopTradingNextPeriod: fc.boolean(),
});

export const stepsArbitrary: fc.Arbitrary<Step[]> = fc.array(
  fc.record({
    op: fc.nat(1000),
    picks: fc.array(fc.nat(1000), { minLength: 3, maxLength: 3 }),
    seeds: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 3, maxLength: 6 }),
  }),
  { minLength: 4, maxLength: 30, size: 'max' },
);
