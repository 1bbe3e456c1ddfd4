import { WasmArena } from '../wasm/arena.js';

/**
 * Whole-frame buffers kept between evaluations by the caller (a research loop runs thousands of backtests on
 * one market): `evaluateGraph` takes its whole frames from the pool and gives back the intermediate ones;
 * the caller gives back the result with `release` when done with it. The buffers live in a WebAssembly
 * arena (`WasmArena`) where the engine's hottest kernels run in WebAssembly SIMD on them in place, and the
 * market fields a graph reads are copied into it once; `{ wasm: false }` (or a runtime without WebAssembly
 * SIMD) keeps plain typed arrays and the TypeScript kernels, which give the same bits.
 */
export class BufferPool {
  private readonly free = new Map<number, Float64Array[]>();
  /** Buffers this pool handed out (only those are pooled again). */
  private readonly own = new WeakSet<Float64Array>();
  /** The arena the buffers live in, if any. */
  readonly arena: WasmArena | undefined;

  constructor(options: { readonly wasm?: boolean } = {}) {
    this.arena = options.wasm === false ? undefined : WasmArena.create();
  }

  take(length: number): Float64Array {
    const pooled = this.free.get(length)?.pop();
    if (pooled !== undefined) return pooled;
    const b = this.arena?.take(length) ?? new Float64Array(length);
    this.own.add(b);
    return b;
  }

  release(buffer: Float64Array): void {
    if (!this.own.has(buffer)) return; // views and foreign buffers are not pooled
    const list = this.free.get(buffer.length);
    if (list === undefined) this.free.set(buffer.length, [buffer]);
    else if (!list.includes(buffer)) list.push(buffer);
  }

  /** Buffers currently held. */
  get size(): number {
    let n = 0;
    for (const l of this.free.values()) n += l.length;
    return n;
  }
}
