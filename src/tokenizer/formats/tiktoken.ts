// tiktoken rank files: `.tiktoken` (base64 token and rank per line) and the packed `bpe_ranks`
// strings js-tiktoken and @anthropic-ai/tokenizer ship. Both give the byte-level tokens by rank.
import { UserError } from '../../common/errors.js';
import { bytesToByteLevel } from '../byte-level.js';
import { MAX_MERGES, checkMergeCount } from '../limits.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Tokens of a `.tiktoken` file (`<base64> <rank>` per line), as byte-level strings in rank order. */
export function parseTiktokenFile(text: string, path: string): string[] {
  const entries: Array<[number, string]> = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '') continue;
    const parts = line.split(' ');
    const rank = Number(parts[1]);
    if (parts.length !== 2 || !BASE64.test(parts[0]) || !Number.isInteger(rank) || rank < 0) {
      throw new UserError(
        `${path}:${k + 1}: expected "<base64 token> <rank>", got ${JSON.stringify(line.slice(0, 60))}; is this a .tiktoken file?`,
        path,
      );
    }
    entries.push([rank, bytesToByteLevel(Buffer.from(parts[0], 'base64'))]);
    if (entries.length > MAX_MERGES) checkMergeCount(entries.length, path, 'ranks');
  }
  if (entries.length === 0) throw new UserError(`${path}: no ranks found; expected a .tiktoken file`, path);
  return inRankOrder(entries, path);
}

/**
 * Tokens of js-tiktoken's packed `bpe_ranks` ("! <offset> <base64> <base64> ..." per line); with
 * `limit`, only those of ranks below it (the others are not decoded).
 */
export function parsePackedRanks(packed: string, path: string, limit = Infinity): string[] {
  const entries: Array<[number, string]> = [];
  for (const line of packed.split('\n')) {
    if (line === '') continue;
    const [, offsetText, ...tokens] = line.split(' ');
    const offset = Number(offsetText);
    if (!Number.isInteger(offset)) throw new UserError(`${path}: malformed bpe_ranks line`, path);
    checkMergeCount(entries.length + tokens.length, path, 'ranks');
    for (let i = 0; i < tokens.length && offset + i < limit; i++) {
      entries.push([offset + i, bytesToByteLevel(Buffer.from(tokens[i], 'base64'))]);
    }
  }
  return inRankOrder(entries, path);
}

function inRankOrder(entries: Array<[number, string]>, path: string): string[] {
  checkMergeCount(entries.length, path, 'ranks');
  entries.sort((a, b) => a[0] - b[0]);
  const rankOf = new Map<string, number>();
  for (let k = 0; k < entries.length; k++) {
    const [rank, token] = entries[k];
    if (k > 0 && rank === entries[k - 1][0]) {
      throw new UserError(`${path}: rank ${rank} appears twice`, path);
    }
    const earlier = rankOf.get(token);
    if (earlier !== undefined) {
      // Two ranks for one token leave its merge ambiguous (and one rank's merge unreachable).
      throw new UserError(
        `${path}: the token ${JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token)} appears at ranks ${earlier} and ${rank}; a .tiktoken file lists each token once`,
        path,
      );
    }
    rankOf.set(token, rank);
  }
  return entries.map(([, token]) => token);
}
