/**
 * A word-level diff of two texts (issue 15: what changed between two versions of a proposal). Pure: the
 * longest common subsequence of the two texts' tokens (words, and the whitespace between them as tokens of its
 * own, so the parts join back into exactly the two texts), then the tokens only in the first are removed and
 * those only in the second added.
 * Quadratic in the number of words; a proposal's decision basis is a few hundred words.
 */
export type DiffPart = { readonly kind: 'same' | 'removed' | 'added'; readonly text: string };

/** The tokens of a text: its words and the runs of whitespace between them. */
export const wordsOf = (text: string): string[] => text.match(/\s+|\S+/g) ?? [];

/** Above this many words on either side the diff is given as "all removed, all added" (no quadratic table). */
export const MAX_DIFF_WORDS = 5000;

export const wordDiff = (before: string, after: string): DiffPart[] => {
  const a = wordsOf(before);
  const b = wordsOf(after);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS) return merge([...a.map(removed), ...b.map(added)]);
  // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const key = (w: string): string => w;
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = key(a[i]!) === key(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (key(a[i]!) === key(b[j]!)) {
      parts.push({ kind: 'same', text: b[j]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) parts.push(removed(a[i++]!));
    else parts.push(added(b[j++]!));
  }
  while (i < a.length) parts.push(removed(a[i++]!));
  while (j < b.length) parts.push(added(b[j++]!));
  return merge(parts);
};

const removed = (text: string): DiffPart => ({ kind: 'removed', text });
const added = (text: string): DiffPart => ({ kind: 'added', text });

/** Neighbouring parts of one kind as one part. */
const merge = (parts: readonly DiffPart[]): DiffPart[] => {
  const out: DiffPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.kind === p.kind) out[out.length - 1] = { kind: p.kind, text: last.text + p.text };
    else out.push(p);
  }
  return out;
};
