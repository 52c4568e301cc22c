import type { Readable } from 'node:stream';
import type { SourceRecord } from '../types.ts';
import type { ParsedItem } from './parsed-item.ts';

// JSON arrays and NDJSON, streamed: a JSON array is split into its elements by a small scanner that
// tracks strings and nesting, so only one element is held in memory at a time.

export function parseNdjson(text: Readable, origin: string): AsyncIterable<ParsedItem[]> {
  async function* items(): AsyncGenerator<ParsedItem[]> {
    let pending = '';
    let rowNumber = 0;
    for await (const chunk of text as AsyncIterable<string>) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      const parsed: ParsedItem[] = [];
      for (const line of lines) {
        if (line.trim() === '') continue;
        parsed.push(parseElement(line, ++rowNumber, origin));
      }
      yield parsed;
    }
    if (pending.trim() !== '') yield [parseElement(pending, rowNumber + 1, origin)];
  }
  return items();
}

export function parseJsonArray(text: Readable, origin: string): AsyncIterable<ParsedItem[]> {
  async function* items(): AsyncGenerator<ParsedItem[]> {
    const scanner = new JsonArrayScanner(origin);
    let rowNumber = 0;
    for await (const chunk of text as AsyncIterable<string>) {
      yield scanner.push(chunk).map((element) => parseElement(element, ++rowNumber, origin));
    }
    scanner.end();
  }
  return items();
}

function parseElement(text: string, rowNumber: number, origin: string): ParsedItem {
  const rawValue = text.trim().replace(/\r$/, '');
  let value: unknown;
  try {
    value = JSON.parse(rawValue);
  } catch (error) {
    return {
      error: {
        origin,
        rowNumber,
        code: 'MALFORMED_ROW',
        message: `Row ${rowNumber} of ${origin} is not valid JSON: ${(error as Error).message}`,
        rawValue,
      },
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: {
        origin,
        rowNumber,
        code: 'NOT_AN_OBJECT',
        message: `Row ${rowNumber} of ${origin} is not a JSON object; each row must be an object of columns.`,
        rawValue,
      },
    };
  }
  return { record: value as SourceRecord, rowNumber };
}

/** Splits the text of a top-level JSON array into the texts of its elements, chunk by chunk. */
class JsonArrayScanner {
  private state: 'before' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pending = '';

  constructor(private readonly origin: string) {}

  push(chunk: string): string[] {
    const elements: string[] = [];
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const char = chunk[index]!;
      if (this.state === 'before') {
        if (char === '[') {
          this.state = 'inside';
          start = index + 1;
        } else if (!/\s/.test(char))
          this.fail(`it starts with '${char}' instead of '['; use the ndjson format for one object per line`);
        continue;
      }
      if (this.state === 'after') {
        if (!/\s/.test(char)) this.fail(`there is text after the closing ']'`);
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth++;
      else if ((char === '}' || char === ']') && this.depth > 0) this.depth--;
      else if (this.depth === 0 && (char === ',' || char === ']')) {
        const element = this.pending + chunk.slice(start, index);
        this.pending = '';
        start = index + 1;
        if (element.trim() !== '') elements.push(element);
        if (char === ']') this.state = 'after';
      }
    }
    if (this.state === 'inside') this.pending += chunk.slice(start);
    return elements;
  }

  end(): void {
    if (this.state === 'before') this.fail('it is empty');
    if (this.state === 'inside') this.fail("it ends before the closing ']'");
  }

  private fail(reason: string): never {
    throw new Error(`${this.origin} is not a JSON array: ${reason}.`);
  }
}
