/**
 * A small seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit state, passes
 * PractRand to 2^40+), seeded by splitmix32 from a 32-bit hash of the seed. No Math.random, no clock.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private readonly seedText: string;

  constructor(seed: number | string) {
    this.seedText = String(seed);
    let s = fnv1a32(this.seedText);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in (0, 1): safe for logarithms. */
  open01(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia and Tsang's ziggurat, 128 layers: one 32-bit draw and a multiply 99% of the time). */
  normal(): number {
    const hz = this.uint32() | 0;
    const iz = hz & 127;
    if (Math.abs(hz) < (KN[iz] as number)) return hz * (WN[iz] as number);
    return this.normalTail(hz, iz);
  }

  private normalTail(first: number, firstLayer: number): number {
    let hz = first;
    let iz = firstLayer;
    for (;;) {
      const x = hz * (WN[iz] as number);
      if (iz === 0) {
        let tx: number;
        let ty: number;
        do {
          tx = -Math.log(this.open01()) / ZIGGURAT_R;
          ty = -Math.log(this.open01());
        } while (ty + ty < tx * tx);
        return hz > 0 ? ZIGGURAT_R + tx : -ZIGGURAT_R - tx;
      }
      if ((FN[iz] as number) + this.next() * ((FN[iz - 1] as number) - (FN[iz] as number)) < Math.exp(-0.5 * x * x)) return x;
      hz = this.uint32() | 0;
      iz = hz & 127;
      if (Math.abs(hz) < (KN[iz] as number)) return hz * (WN[iz] as number);
    }
  }

  /** A generator for a named sub-stream of the same seed (independent of how much this one was used). */
  fork(label: string): Prng {
    return new Prng(`${this.seedText}/${label}`);
  }
}

/**
 * The standard normal distribution function Φ(z) (0.5·erfc(−z/√2), Chebyshev-fitted erfc of Numerical Recipes:
 * relative error below 1.2e-7 everywhere, tails included). Φ of a standard normal draw is a uniform draw: this
 * turns the generator's normals into uniforms without changing how many numbers a caller draws.
 */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfcPositive(-z * Math.SQRT1_2) : 1 - 0.5 * erfcPositive(z * Math.SQRT1_2);
}

/**
 * −ln Φ(z): an exponential variate of mean 1 from a standard normal one (−ln U with U = Φ(z) uniform), computed
 * without cancellation in either tail (a large z gives a tiny value, a very negative z a large one).
 */
export function exponentialOfNormal(z: number): number {
  return z < 0 ? -Math.log(0.5 * erfcPositive(-z * Math.SQRT1_2)) : -Math.log1p(-0.5 * erfcPositive(z * Math.SQRT1_2));
}

/** erfc(x) for x ≥ 0 (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
function erfcPositive(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return (
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// Ziggurat tables (Marsaglia & Tsang 2000, "The Ziggurat Method for Generating Random Variables").
const ZIGGURAT_R = 3.442619855899;
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = (dn / q) * m1;
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = (dn / tn) * m1;
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}
