// Customer ids as the core hands them over: UTF-8 `bytes` + `offsets` (id i is
// bytes[offsets[i] .. offsets[i + 1]]). Two typed arrays instead of 350k JS strings: an id is
// decoded only when something reads it (a table row, the top-CLV list, a search).

const decoder = new TextDecoder();

export class CustomerIds {
  /** @param {Uint8Array} bytes @param {Uint32Array} offsets */
  constructor(bytes, offsets) {
    this.bytes = bytes;
    this.offsets = offsets;
    this.length = Math.max(0, offsets.length - 1);
    this.lowerCache = null;
  }

  /** The id of customer `i` (the row of every per-customer column). */
  at(i) {
    return decoder.decode(this.bytes.subarray(this.offsets[i], this.offsets[i + 1]));
  }

  /** Every id, as strings (350k strings for 350k customers: only when you need them all). */
  toArray() {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  /** Every id in lower case, for search (made once). */
  lower() {
    this.lowerCache ??= Array.from({ length: this.length }, (_, i) => this.at(i).toLowerCase());
    return this.lowerCache;
  }

  [Symbol.iterator]() {
    let i = 0;
    return { next: () => (i < this.length ? { value: this.at(i++), done: false } : { value: undefined, done: true }) };
  }
}
