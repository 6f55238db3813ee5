// Merges from ranks (tiktoken files carry tokens, not merges): the token of rank r is the merge of
// the two parts that byte-pair encoding with ranks < r leaves of its bytes (docs/DESIGN.md).
// Integer-only: the tokens form a byte trie, and joining parts P and Q is a walk from P's trie
// node over Q's bytes, so no substring is ever hashed.
import type { Merge } from './spec.js';
import { symbolToByte } from './byte-level.js';

export interface RankDerivation {
  mergeList: Merge[];
  /**
   * Multi-byte tokens left out: BPE with lower ranks does not reduce them to exactly two parts, or
   * one of the two parts is itself such a token (no merge list can ever produce it).
   */
  unreachable: string[];
}

/** A byte trie: child(node, byte) by open addressing on the packed key node * 256 + byte. */
class ByteTrie {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private used = 0;
  nodes = 1;

  constructor() {
    this.keys = new Int32Array(1 << 20).fill(-1);
    this.values = new Int32Array(1 << 20);
    this.mask = (1 << 20) - 1;
  }

  private slot(key: number): number {
    let h = Math.imul(key, 0x9e3779b1);
    h ^= h >>> 15;
    let i = h & this.mask;
    const keys = this.keys;
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  child(node: number, byte: number): number {
    const i = this.slot(node * 256 + byte);
    return this.keys[i] === -1 ? -1 : this.values[i];
  }

  /** The child, created when missing. */
  add(node: number, byte: number): number {
    const key = node * 256 + byte;
    let i = this.slot(key);
    if (this.keys[i] !== -1) return this.values[i];
    if ((this.used + 1) * 2 > this.keys.length) {
      this.grow();
      i = this.slot(key);
    }
    this.keys[i] = key;
    this.values[i] = this.nodes;
    this.used++;
    return this.nodes++;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== -1) {
        const j = this.slot(keys[i]);
        this.keys[j] = keys[i];
        this.values[j] = values[i];
      }
    }
  }
}

/**
 * Derives the merge list from byte-level tokens given in rank order (index = rank; gaps in the
 * original ranks do not matter). Single-byte tokens are the base alphabet and produce no merge.
 */
export function mergesFromRanks(tokensByRank: readonly string[]): RankDerivation {
  const count = tokensByRank.length;
  const offsets = new Int32Array(count + 1);
  let total = 0;
  for (let r = 0; r < count; r++) {
    total += tokensByRank[r].length;
    offsets[r + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let r = 0; r < count; r++) {
    const token = tokensByRank[r];
    for (let i = 0; i < token.length; i++) {
      const byte = symbolToByte(token[i]);
      if (byte < 0) throw new Error(`mergesFromRanks: token ${r} is not a byte-level string`);
      bytes[offsets[r] + i] = byte;
    }
  }
  const trie = new ByteTrie();
  const tokenNode = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let node = 0;
    for (let i = offsets[r]; i < offsets[r + 1]; i++) node = trie.add(node, bytes[i]);
    tokenNode[r] = node;
  }
  const rankAt = new Int32Array(trie.nodes).fill(-1);
  for (let r = count - 1; r >= 0; r--) rankAt[tokenNode[r]] = r; // duplicates keep their lowest rank

  const mergeList: Merge[] = [];
  const unreachable: string[] = [];
  const dead = new Uint8Array(count); // 1 = left out, so merges built on it are left out too
  let partNode = new Int32Array(256);
  let partStart = new Int32Array(257);
  let pairNode = new Int32Array(256);
  let pairRank = new Int32Array(256);
  for (let r = 0; r < count; r++) {
    const start = offsets[r];
    const length = offsets[r + 1] - start;
    if (length < 2 || rankAt[tokenNode[r]] !== r) continue;
    if (length + 1 > partStart.length) {
      partNode = new Int32Array(length + 1);
      partStart = new Int32Array(length + 2);
      pairNode = new Int32Array(length + 1);
      pairRank = new Int32Array(length + 1);
    }
    let parts = length;
    let ok = true;
    for (let k = 0; k < length; k++) {
      partNode[k] = trie.child(0, bytes[start + k]);
      partStart[k] = k;
      if (partNode[k] < 0 || rankAt[partNode[k]] < 0) ok = false;
    }
    partStart[length] = length;
    if (!ok) {
      unreachable.push(tokensByRank[r]);
      dead[r] = 1;
      continue;
    }
    // The join of parts k and k+1: walk from part k's node over part k+1's bytes.
    const join = (k: number): void => {
      let node = partNode[k];
      for (let i = partStart[k + 1]; i < partStart[k + 2] && node >= 0; i++) {
        node = trie.child(node, bytes[start + i]);
      }
      const rank = node >= 0 ? rankAt[node] : -1;
      pairNode[k] = node;
      pairRank[k] = rank >= 0 && rank < r ? rank : r;
    };
    for (let k = 0; k + 1 < parts; k++) join(k);
    while (parts > 2) {
      let best = r;
      let at = -1;
      for (let k = 0; k + 1 < parts; k++) {
        if (pairRank[k] < best) {
          best = pairRank[k];
          at = k;
        }
      }
      if (at < 0) break;
      partNode[at] = pairNode[at];
      partNode.copyWithin(at + 1, at + 2, parts);
      partStart.copyWithin(at + 1, at + 2, parts + 1);
      pairNode.copyWithin(at, at + 1, parts - 1);
      pairRank.copyWithin(at, at + 1, parts - 1);
      parts--;
      if (at > 0) join(at - 1);
      if (at + 1 < parts) join(at);
    }
    const token = tokensByRank[r];
    const leftRank = parts === 2 ? rankAt[partNode[0]] : -1;
    const rightRank = parts === 2 ? rankAt[partNode[1]] : -1;
    if (
      leftRank >= 0 &&
      leftRank < r &&
      rightRank >= 0 &&
      rightRank < r &&
      dead[leftRank] === 0 &&
      dead[rightRank] === 0
    ) {
      mergeList.push([token.slice(0, partStart[1]), token.slice(partStart[1])]);
    } else {
      unreachable.push(token);
      dead[r] = 1;
    }
  }
  return { mergeList, unreachable };
}
