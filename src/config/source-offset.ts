import { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { ConfigPath } from './config-issue.js';

/**
 * Where the value at `path` starts in the YAML source, to list problems in the order an SRE reads
 * the file. A path that does not exist (a missing field) sorts at its nearest existing parent.
 */
export function sourceOffset(doc: Document, path: ConfigPath): number {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
      if ((isMap(item) || isSeq(item) || isScalar(item)) && item.range) offset = item.range[0];
    } else {
      break;
    }
  }
  return offset;
}
