import crypto from 'node:crypto';

// Run ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a counter and random
// bits. Ids made later by one process sort after earlier ones, so runs that one scheduler pass
// creates with the same created_at still list in the order they were inserted, which is window order.

let lastMs = 0;
let counter = 0;

const COUNTER_LIMIT = 0xfff;

export function newRunId(nowMs = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = crypto.randomInt(0, 0x400);
  } else if (counter < COUNTER_LIMIT) {
    counter += 1;
  } else {
    // 4,096 ids in one millisecond: borrow the next millisecond, which keeps the order.
    lastMs += 1;
    counter = 0;
  }

  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
