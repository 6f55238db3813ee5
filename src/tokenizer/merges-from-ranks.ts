// Merges from ranks (tiktoken files carry tokens, not merges): the token of rank r is the merge of
// the two parts that byte-pair encoding with ranks < r leaves of its bytes (docs/DESIGN.md).
// Integer-only: the tokens form a byte trie, and joining parts P and Q is a walk from P's trie
// node over Q's bytes, so no substring is ever hashed. One pass per token, bounded in time and
// memory by the limits below (real rank files are far inside them).
import { UserError } from '../common/errors.js';
import type { Merge } from './spec.js';
import { byteOfCode } from './byte-level.js';

export interface RankDerivation {
  mergeList: Merge[];
  /**
   * Multi-byte tokens left out: BPE with lower ranks does not reduce them to exactly two parts, or
   * one of the two parts is itself such a token (no merge list can ever produce it).
   */
  unreachable: string[];
}

/** Longest token accepted (real rank files: at most 128 bytes). */
export const MAX_RANK_TOKEN_BYTES = 1024;
/** Most token bytes in all (o200k: 1.4 MB): bounds the trie's memory and keeps its keys in 32 bits. */
export const MAX_RANK_TOTAL_BYTES = 16_000_000;
/** Most work, the sum of squared token lengths (o200k: 12.8 million): bounds the time. */
export const MAX_RANK_WORK = 1 << 30;

/**
 * A byte trie: child(node, byte) by open addressing on the key node * 256 + byte, unsigned 32-bit:
 * MAX_RANK_TOTAL_BYTES keeps every node below 2^24, so no key overflows or meets the empty mark.
 */
class ByteTrie {
  private keys: Uint32Array;
  private values: Int32Array;
  private mask: number;
  nodes = 1;

  constructor(expectedNodes: number) {
    let size = 1 << 10;
    while (size < 2 * expectedNodes) size *= 2;
    this.keys = new Uint32Array(size).fill(EMPTY);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  private slot(key: number): number {
    let h = Math.imul(key, 0x9e3779b1);
    h ^= h >>> 15;
    let i = h & this.mask;
    const keys = this.keys;
    while (keys[i] !== EMPTY && keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  child(node: number, byte: number): number {
    const i = this.slot(node * 256 + byte);
    return this.keys[i] === EMPTY ? -1 : this.values[i];
  }

  /** The child, created when missing (the table is sized for every node up front). */
  add(node: number, byte: number): number {
    const key = node * 256 + byte;
    const i = this.slot(key);
    if (this.keys[i] !== EMPTY) return this.values[i];
    this.keys[i] = key;
    this.values[i] = this.nodes;
    return this.nodes++;
  }
}

const EMPTY = 0xffffffff;

/** UserError unless the tokens are within the limits above, naming `source` and the first offender. */
function checkRankTokens(tokensByRank: readonly string[], source: string): number {
  let total = 0;
  let work = 0;
  for (let r = 0; r < tokensByRank.length; r++) {
    const length = tokensByRank[r].length;
    if (length > MAX_RANK_TOKEN_BYTES) {
      throw new UserError(
        `${source}: the token of rank ${r} is ${length} bytes long, more than the ${MAX_RANK_TOKEN_BYTES} tokmix accepts (real rank files stay under 200); is this the right file?`,
        source,
      );
    }
    total += length;
    work += length * length;
    if (total > MAX_RANK_TOTAL_BYTES || work > MAX_RANK_WORK) {
      throw new UserError(
        `${source}: its tokens are too long in all (up to rank ${r}: ${total} bytes, squared lengths summing to ${work}; tokmix accepts ${MAX_RANK_TOTAL_BYTES} and ${MAX_RANK_WORK}, o200k needs 1.4 and 12.8 million); is this the right file?`,
        source,
      );
    }
  }
  return total;
}

/**
 * Derives the merge list from byte-level tokens given in rank order (index = rank; gaps in the
 * original ranks do not matter). Single-byte tokens are the base alphabet and produce no merge.
 * `source` names the tokens in errors.
 */
export function mergesFromRanks(tokensByRank: readonly string[], source = 'rank list'): RankDerivation {
  const count = tokensByRank.length;
  const total = checkRankTokens(tokensByRank, source);
  const offsets = new Int32Array(count + 1);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let r = 0; r < count; r++) {
    const token = tokensByRank[r];
    for (let i = 0; i < token.length; i++) {
      const byte = byteOfCode(token.charCodeAt(i));
      if (byte < 0) throw new Error(`mergesFromRanks: token ${r} is not a byte-level string`);
      bytes[at++] = byte;
    }
    offsets[r + 1] = at;
  }
  const trie = new ByteTrie(total + 1);
  const tokenNode = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let node = 0;
    for (let i = offsets[r]; i < offsets[r + 1]; i++) node = trie.add(node, bytes[i]);
    tokenNode[r] = node;
  }
  const rankAt = new Int32Array(trie.nodes).fill(-1);
  for (let r = count - 1; r >= 0; r--) rankAt[tokenNode[r]] = r; // duplicates keep their lowest rank
  const byteNode = new Int32Array(256);
  for (let b = 0; b < 256; b++) byteNode[b] = trie.child(0, b);

  const mergeList: Merge[] = [];
  const unreachable: string[] = [];
  const dead = new Uint8Array(count); // 1 = left out, so merges built on it are left out too
  const partNode = new Int32Array(MAX_RANK_TOKEN_BYTES + 1);
  const partStart = new Int32Array(MAX_RANK_TOKEN_BYTES + 2);
  const pairNode = new Int32Array(MAX_RANK_TOKEN_BYTES + 1);
  const pairRank = new Int32Array(MAX_RANK_TOKEN_BYTES + 1);
  for (let r = 0; r < count; r++) {
    const start = offsets[r];
    const length = offsets[r + 1] - start;
    if (length < 2 || rankAt[tokenNode[r]] !== r) continue;
    let parts = length;
    let ok = true;
    for (let k = 0; k < length; k++) {
      const node = byteNode[bytes[start + k]];
      partNode[k] = node;
      partStart[k] = k;
      if (node < 0 || rankAt[node] < 0) ok = false;
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
      const end = start + partStart[k + 2];
      for (let i = start + partStart[k + 1]; i < end && node >= 0; i++) node = trie.child(node, bytes[i]);
      const rank = node >= 0 ? rankAt[node] : -1;
      pairNode[k] = node;
      pairRank[k] = rank >= 0 && rank < r ? rank : r;
    };
    for (let k = 0; k + 1 < parts; k++) join(k);
    while (parts > 2) {
      let best = r;
      let found = -1;
      for (let k = 0; k + 1 < parts; k++) {
        if (pairRank[k] < best) {
          best = pairRank[k];
          found = k;
        }
      }
      if (found < 0) break;
      partNode[found] = pairNode[found];
      for (let k = found + 1; k + 1 < parts; k++) {
        partNode[k] = partNode[k + 1];
        partStart[k] = partStart[k + 1];
      }
      partStart[parts - 1] = partStart[parts];
      for (let k = found; k + 2 < parts; k++) {
        pairNode[k] = pairNode[k + 1];
        pairRank[k] = pairRank[k + 1];
      }
      parts--;
      if (found > 0) join(found - 1);
      if (found + 1 < parts) join(found);
    }
    const leftRank = parts === 2 ? rankAt[partNode[0]] : -1;
    const rightRank = parts === 2 ? rankAt[partNode[1]] : -1;
    const token = tokensByRank[r];
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
