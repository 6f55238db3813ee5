// XXH64 (seed 0), streaming, in 32-bit halves: zstd frames end with the low 32 bits of the XXH64
// of their content, and fzstd does not check it. Numbers stay below 2^53, so every step is exact.

const P1 = [0x9e3779b1, 0x85ebca87];
const P2 = [0xc2b2ae3d, 0x27d4eb4f];
const P3 = [0x165667b1, 0x9e3779f9];
const P4 = [0x85ebca77, 0xc2b2ae63];
const P5 = [0x27d4eb2f, 0x165667c5];

/** hi and lo of a 64-bit value, as unsigned 32-bit numbers. */
type U64 = [number, number];

const [P1_HI, P1_LO] = P1;
const [P2_HI, P2_LO] = P2;

/** mulInto's result: [hi, lo]. */
const OUT = new Uint32Array(2);

/** (a × b) mod 2^64 into OUT: the low word by Math.imul, the high one from 16-bit partial
 *  products (each below 2^32, so exact). */
function mulInto(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  OUT[1] = Math.imul(al, bl);
  OUT[0] = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** (a × b) mod 2^64. */
function mul(a: U64, b: readonly number[]): U64 {
  mulInto(a[0], a[1], b[0], b[1]);
  return [OUT[0], OUT[1]];
}

function add(a: U64, b: readonly number[]): U64 {
  const lo = a[1] + b[1];
  return [(a[0] + b[0] + (lo > 0xffffffff ? 1 : 0)) >>> 0, lo >>> 0];
}

function rotl(a: U64, r: number): U64 {
  const [h, l] = a;
  if (r === 32) return [l, h];
  if (r > 32) return rotl([l, h], r - 32);
  return [((h << r) | (l >>> (32 - r))) >>> 0, ((l << r) | (h >>> (32 - r))) >>> 0];
}

function xor(a: U64, b: U64): U64 {
  return [(a[0] ^ b[0]) >>> 0, (a[1] ^ b[1]) >>> 0];
}

function shr(a: U64, r: number): U64 {
  if (r >= 32) return [0, a[0] >>> (r - 32)];
  return [a[0] >>> r, ((a[1] >>> r) | (a[0] << (32 - r))) >>> 0];
}

function read64(bytes: Uint8Array, at: number): U64 {
  const lo = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  const hi = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
  return [hi, lo];
}

function round(acc: U64, input: U64): U64 {
  return mul(rotl(add(acc, mul(input, P2)), 31), P1);
}

function mergeRound(acc: U64, value: U64): U64 {
  return add(mul(xor(acc, round([0, 0], value)), P1), P4);
}

/** XXH64 with seed 0 over bytes pushed in any pieces. */
export class Xxh64 {
  /** The four lanes as hi, lo pairs; they start at P1 + P2, P2, 0 and −P1 (seed 0). */
  private readonly lanes = Uint32Array.from(
    [add(P1 as U64, P2), P2 as U64, [0, 0] as U64, add([~P1[0] >>> 0, ~P1[1] >>> 0], [0, 1])].flat(),
  );
  private readonly buffer = new Uint8Array(32);
  private buffered = 0;
  private total = 0;

  update(bytes: Uint8Array): void {
    this.total += bytes.length;
    let at = 0;
    if (this.buffered > 0) {
      const take = Math.min(32 - this.buffered, bytes.length);
      this.buffer.set(bytes.subarray(0, take), this.buffered);
      this.buffered += take;
      at = take;
      if (this.buffered < 32) return;
      this.stripe(this.buffer, 0);
      this.buffered = 0;
    }
    for (; at + 32 <= bytes.length; at += 32) this.stripe(bytes, at);
    this.buffer.set(bytes.subarray(at), 0);
    this.buffered = bytes.length - at;
  }

  private stripe(bytes: Uint8Array, at: number): void {
    const lanes = this.lanes;
    for (let k = 0; k < 8; k += 2, at += 8) {
      const lo = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
      const hi = (bytes[at + 4] | (bytes[at + 5] << 8) | (bytes[at + 6] << 16) | (bytes[at + 7] << 24)) >>> 0;
      // lane = rotl(lane + input × P2, 31) × P1, without allocating: the hot loop of the hash.
      mulInto(hi, lo, P2_HI, P2_LO);
      const sumLo = lanes[k + 1] + OUT[1];
      const sumHi = (lanes[k] + OUT[0] + (sumLo > 0xffffffff ? 1 : 0)) | 0;
      const l = sumLo | 0;
      mulInto((sumHi << 31) | (l >>> 1), (l << 31) | (sumHi >>> 1), P1_HI, P1_LO);
      lanes[k] = OUT[0];
      lanes[k + 1] = OUT[1];
    }
  }

  /** The hash as [hi, lo] unsigned 32-bit halves. */
  digest(): U64 {
    const l = this.lanes;
    const v: U64[] = [0, 2, 4, 6].map((k) => [l[k], l[k + 1]]);
    let h: U64;
    if (this.total >= 32) {
      h = add(add(add(rotl(v[0], 1), rotl(v[1], 7)), rotl(v[2], 12)), rotl(v[3], 18));
      for (const lane of v) h = mergeRound(h, lane);
    } else h = P5.slice() as U64;
    h = add(h, [Math.floor(this.total / 0x100000000) >>> 0, this.total >>> 0]);
    const tail = this.buffer;
    let at = 0;
    for (; at + 8 <= this.buffered; at += 8) {
      h = add(mul(rotl(xor(h, round([0, 0], read64(tail, at))), 27), P1), P4);
    }
    if (at + 4 <= this.buffered) {
      const word = (tail[at] | (tail[at + 1] << 8) | (tail[at + 2] << 16) | (tail[at + 3] << 24)) >>> 0;
      h = add(mul(rotl(xor(h, mul([0, word], P1)), 23), P2), P3);
      at += 4;
    }
    for (; at < this.buffered; at++) h = mul(rotl(xor(h, mul([0, tail[at]], P5)), 11), P1);
    h = mul(xor(h, shr(h, 33)), P2);
    h = mul(xor(h, shr(h, 29)), P3);
    return xor(h, shr(h, 32));
  }
}
