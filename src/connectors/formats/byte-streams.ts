import { Readable, Transform } from 'node:stream';

/** Counts the bytes that flow through it, so a read can report progress in source bytes. */
export class ByteCounter extends Transform {
  bytes = 0;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/**
 * Reads at least `minBytes` from the start of a stream (less if it ends first) and returns them with
 * a stream that replays them followed by the rest, so detection does not open the file twice.
 */
export async function peekStream(stream: Readable, minBytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }

  async function* replay(): AsyncGenerator<Buffer> {
    yield* chunks;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const replayed = Readable.from(replay(), { objectMode: false });
  replayed.once('close', () => stream.destroy());
  return { head: Buffer.concat(chunks), stream: replayed };
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Reads an object stream in arrays of up to `max` objects. Taking what is buffered with `read()`
 * avoids a promise per object, which a `for await` over the stream would cost.
 */
export async function* readInChunks<T>(stream: Readable, max: number): AsyncGenerator<T[]> {
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stream.on('readable', notify);
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('error', (error) => {
    failure = error;
    notify();
  });
  stream.once('close', () => {
    ended = true;
    notify();
  });

  try {
    for (;;) {
      if (failure) throw failure;
      const chunk: T[] = [];
      for (
        let item = stream.read() as T | null;
        item !== null;
        item = chunk.length < max ? (stream.read() as T | null) : null
      ) {
        chunk.push(item);
      }
      if (chunk.length > 0) {
        yield chunk;
        continue;
      }
      if (failure) throw failure;
      if (ended || stream.readableEnded) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.off('readable', notify);
  }
}
