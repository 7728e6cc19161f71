/** How a streamed body compared to the expectation. */
export type BodyVerdict = 'found' | 'missing' | 'too-large';

const EMPTY = Buffer.alloc(0);

/**
 * Streams a body, counting bytes and searching for `needle`, without ever holding more than one
 * chunk plus `needle.length - 1` carried bytes. Reads on after a hit so the size limit still holds.
 * Returning early (too large) ends the iteration, which destroys the stream and its socket.
 */
export async function scanBody(body: AsyncIterable<Buffer>, needle: Buffer, maxBytes: number): Promise<BodyVerdict> {
  let total = 0;
  let found = needle.length === 0;
  // The last needle.length - 1 bytes of what came before: a hit may straddle two chunks.
  let carry: Buffer = EMPTY;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) return 'too-large';
    if (found) continue;
    if (carry.length > 0) {
      const seam = Buffer.concat([carry, chunk.subarray(0, needle.length - 1)]);
      if (seam.indexOf(needle) !== -1) {
        found = true;
        continue;
      }
    }
    if (chunk.indexOf(needle) !== -1) {
      found = true;
      continue;
    }
    carry = tail(carry, chunk, needle.length - 1);
  }
  return found ? 'found' : 'missing';
}

/** The last `n` bytes of `carry + chunk`, copied so a big chunk is not kept alive by a view. */
function tail(carry: Buffer, chunk: Buffer, n: number): Buffer {
  if (n === 0) return EMPTY;
  if (chunk.length >= n) return Buffer.from(chunk.subarray(chunk.length - n));
  const joined = Buffer.concat([carry, chunk]);
  return Buffer.from(joined.subarray(Math.max(0, joined.length - n)));
}
