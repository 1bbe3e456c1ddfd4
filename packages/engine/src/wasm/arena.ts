import { KERNELS_WASM } from './kernels-wasm.js';
import type {} from './webassembly.js'; // the WebAssembly API's types

/**
 * The WebAssembly kernels (assembly/kernels.ts). Pointers are byte offsets into the arena's memory; flags are
 * 0/1. Each computes exactly what its TypeScript twin in src/kernels computes, bit for bit.
 */
export interface WasmKernels {
  lagPctChange(x: number, out: number, from: number, to: number, lag: number, shift: number): void;
  lagDiff(x: number, out: number, from: number, to: number, lag: number, shift: number): void;
  sumAddRow(x: number, preSum: number, preCount: number, recSum: number, recCount: number, cols: number, reset: number): void;
  sumEmit(
    out: number, preSum: number, preCount: number, totalSum: number, totalCount: number, beforeSum: number, beforeCount: number,
    cols: number, withPrevious: number, minPeriods: number, mean: number,
  ): void;
  stdAddPrefix(x: number, preN: number, preMean: number, preM2: number, cols: number, reset: number): void;
  stdAddSuffix(x: number, sufN: number, sufMean: number, sufM2: number, next: number, cols: number, last: number): void;
  stdEmit(
    out: number, preN: number, preMean: number, preM2: number, sufN: number, sufMean: number, sufM2: number, cols: number,
    withSuffix: number, minPeriods: number,
  ): void;
  /** `op`: the index in BINARY_OPS; an operand is the frame at its pointer when its flag is 1, else the number. */
  binary(op: number, a: number, sa: number, aFrame: number, b: number, sb: number, bFrame: number, out: number, n: number): void;
  where(x: number, mask: number, out: number, n: number): void;
  sumAddSuffix(x: number, sufSum: number, sufCount: number, next: number, cols: number, last: number): void;
  extremeRow(isMax: number, a: number, b: number, out: number, n: number): void;
}

/**
 * Where a kernel keeps its state and whether it can run in WebAssembly: `alloc` gives zeroed Float64 state;
 * `pointer` is a buffer's byte offset in the kernels' memory, or −1 when it lies outside it (the kernel then
 * runs its TypeScript form).
 */
export interface KernelMemory {
  readonly wasm: WasmKernels | undefined;
  alloc(length: number): Float64Array;
  pointer(view: Float64Array): number;
}

/** Plain typed arrays and the TypeScript kernels: the reference, and the form used without an arena. */
export const PLAIN_MEMORY: KernelMemory = {
  wasm: undefined,
  alloc: (length) => new Float64Array(length),
  pointer: () => -1,
};

const PAGE = 65_536;
/** wasm32's limit, 4 GiB; only address space is reserved up front. */
const MAX_PAGES = 65_536;
const ALIGN = 64;

let compiled: WebAssembly.Module | null | undefined;

/** The kernels' module, compiled once per thread; null when this runtime lacks SIMD or shared memory. */
function kernelsModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  let module: WebAssembly.Module | null;
  try {
    module = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0)));
  } catch {
    module = null;
  }
  compiled = module;
  return module;
}

/**
 * Float64 buffers in one shared WebAssembly memory, where the WebAssembly kernels can read and write them
 * in place (no copy in or out). Shared, so that growing the memory never detaches a buffer handed out
 * before. Freed buffers are kept by size and handed out again; the memory itself never shrinks (it is
 * bounded by the largest set of buffers alive at once, as a `BufferPool` is). Market fields a graph reads
 * are copied in once (`adopt`) and the copy is freed when the field is collected.
 */
export class WasmArena implements KernelMemory {
  readonly wasm: WasmKernels;
  private readonly memory: WebAssembly.Memory;
  /** Every ArrayBuffer the memory has had (a grow makes a new one; earlier views keep theirs). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top = ALIGN;
  private readonly freeBySize = new Map<number, number[]>();
  private readonly adopted = new WeakMap<Float64Array, Float64Array>();
  private readonly collected = new FinalizationRegistry<Float64Array>((copy) => this.release(copy));

  private constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.buffers.add(this.memory.buffer);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory, abort: () => undefined } });
    this.wasm = instance.exports as unknown as WasmKernels;
  }

  /** An arena, or undefined when this runtime cannot run the kernels (the engine then stays in TypeScript). */
  static create(): WasmArena | undefined {
    const module = kernelsModule();
    if (module === null) return undefined;
    try {
      return new WasmArena(module);
    } catch {
      return undefined;
    }
  }

  /** Bytes of memory reserved so far. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** A buffer of `length` cells (contents unspecified), or undefined when the memory cannot grow. */
  take(length: number): Float64Array | undefined {
    const bytes = Math.max(ALIGN, Math.ceil((length * 8) / ALIGN) * ALIGN);
    let offset = this.freeBySize.get(bytes)?.pop();
    if (offset === undefined) {
      const end = this.top + bytes;
      if (end > this.memory.buffer.byteLength) {
        try {
          this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
        } catch {
          return undefined; // past 4 GiB or refused by the system
        }
        this.buffers.add(this.memory.buffer);
      }
      offset = this.top;
      this.top = end;
    }
    return new Float64Array(this.memory.buffer, offset, length);
  }

  /** Gives a buffer from `take` (or `alloc`) back; anything else is ignored. */
  release(view: Float64Array): void {
    if (!this.holds(view)) return;
    const bytes = Math.max(ALIGN, Math.ceil((view.length * 8) / ALIGN) * ALIGN);
    const list = this.freeBySize.get(bytes);
    if (list === undefined) this.freeBySize.set(bytes, [view.byteOffset]);
    else list.push(view.byteOffset);
  }

  /** Zeroed state for a kernel; a plain array when the memory cannot grow. */
  alloc(length: number): Float64Array {
    const view = this.take(length);
    if (view === undefined) return new Float64Array(length);
    view.fill(0);
    return view;
  }

  holds(view: Float64Array): boolean {
    return this.buffers.has(view.buffer);
  }

  pointer(view: Float64Array): number {
    return this.buffers.has(view.buffer) ? view.byteOffset : -1;
  }

  /**
   * `values` itself when it is in the arena, else its copy in the arena (made once per array and freed when
   * the array is collected), or `values` when the memory cannot grow. Market data is read-only, so a copy
   * stays valid.
   */
  adopt(values: Float64Array): Float64Array {
    if (this.holds(values)) return values;
    const known = this.adopted.get(values);
    if (known !== undefined) return known;
    const copy = this.take(values.length);
    if (copy === undefined) return values;
    copy.set(values);
    this.adopted.set(values, copy);
    this.collected.register(values, copy);
    return copy;
  }
}
