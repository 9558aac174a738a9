/** The texts joined `size` at a time: fewer, larger chunks for a download to write. */
export function* joinedInChunks(texts: Iterable<string>, size: number): Generator<string> {
  let batch: string[] = [];
  for (const text of texts) {
    batch.push(text);
    if (batch.length === size) {
      yield batch.join('');
      batch = [];
    }
  }
  if (batch.length > 0) yield batch.join('');
}
