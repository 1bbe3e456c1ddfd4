import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM_OPTIONS } from '../catalogue/sim-options.js';
import { canonicalGraph, GraphBuilder } from './builder.js';

describe('GraphBuilder', () => {
  it('hash-conses equal nodes and distinguishes params, args, ops and string params', () => {
    const b = new GraphBuilder(10);
    const close = b.add('data', [], ['price:close'], 'float_frame');
    expect(b.add('data', [], ['price:close'], 'float_frame')).toBe(close);
    expect(b.add('data', [], ['price:open'], 'float_frame')).toBe(1);
    expect(b.add('data', [], ['1'], 'float_frame')).toBe(2);
    expect(b.add('const', [], [1], 'number')).toBe(3);
    expect(b.add('average', [0], [5], 'float_frame')).toBe(4);
    expect(b.add('average', [1], [5], 'float_frame')).toBe(5);
    expect(b.add('ema', [0], [5], 'float_frame')).toBe(6);
    expect(b.add('sub', [0, 1], [], 'float_frame')).toBe(7);
    expect(b.add('sub', [1, 0], [], 'float_frame')).toBe(8);
    expect(b.size).toBe(9);
    expect(b.node(4)).toEqual({ id: 4, op: 'average', args: [0], params: [5], type: 'float_frame' });
  });

  it('refuses nodes beyond its budget but still finds existing ones', () => {
    const b = new GraphBuilder(2);
    expect(b.add('data', [], ['a'], 'float_frame')).toBe(0);
    expect(b.add('data', [], ['b'], 'float_frame')).toBe(1);
    expect(b.add('data', [], ['c'], 'float_frame')).toBeNull();
    expect(b.add('data', [], ['a'], 'float_frame')).toBe(0);
    const graph = { nodes: [{ id: 0, op: 'data', args: [], params: ['z'], type: 'float_frame' as const }], root: 0, options: DEFAULT_SIM_OPTIONS };
    expect(b.addGraph(graph)).toBeNull();
  });

  it('canonicalises: reachable nodes only, post-order, arguments left to right', () => {
    const b = new GraphBuilder(20);
    const unused = b.add('data', [], ['u'], 'float_frame') ?? -1;
    const y = b.add('data', [], ['y'], 'float_frame') ?? -1;
    const x = b.add('data', [], ['x'], 'float_frame') ?? -1;
    const sum = b.add('add', [x, y], [], 'float_frame') ?? -1;
    const twice = b.add('add', [sum, sum], [], 'float_frame') ?? -1;
    const graph = b.finish(twice, DEFAULT_SIM_OPTIONS);
    expect(unused).toBe(0);
    expect(graph.nodes.map((n) => [n.op, n.args, n.params])).toEqual([
      ['data', [], ['x']], ['data', [], ['y']], ['add', [0, 1], []], ['add', [2, 2], []],
    ]);
    expect(graph.root).toBe(3);
    expect(canonicalGraph(graph.nodes, graph.root, DEFAULT_SIM_OPTIONS)).toEqual(graph);
    const again = new GraphBuilder(20);
    expect(again.addGraph(graph)).toEqual([0, 1, 2, 3]);
  });
});
