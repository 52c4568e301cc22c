import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { SourceRecord } from '../types.ts';
import type { FileSource } from './file-source.ts';
import type { ParsedFile, ParsedItem } from './parsed-item.ts';

// Parquet read one row group at a time through random access: memory contains one decoded row group,
// not the file.
// NOTE: hyparquet decodes uncompressed and Snappy pages only. Files with GZIP, ZSTD, Brotli or LZ4
// pages fail to read until the hyparquet-compressors package is added and passed as `compressors`.

const ROWS_PER_CHUNK = 1000;

export async function openParquet(file: FileSource): Promise<ParsedFile> {
  const buffer = await file.asyncBuffer();
  const metadata = await parquetMetadataAsync(buffer);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  const totalRows = Number(metadata.num_rows);
  let rowsRead = 0;
  let closed = false;

  async function* items(): AsyncGenerator<ParsedItem[]> {
    let rowStart = 0;
    for (const rowGroup of metadata.row_groups) {
      const rowEnd = rowStart + Number(rowGroup.num_rows);
      const rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd });
      for (let offset = 0; offset < rows.length; offset += ROWS_PER_CHUNK) {
        if (closed) return;
        const chunk = rows.slice(offset, offset + ROWS_PER_CHUNK).map((row, index) => ({
          record: plainRecord(row),
          rowNumber: rowStart + offset + index + 1,
        }));
        rowsRead = rowStart + offset + chunk.length;
        yield chunk;
      }
      rowStart = rowEnd;
    }
  }

  return {
    items: items(),
    columns: () => columns,
    // Parquet has no byte position per row; progress is the share of rows read.
    bytesRead: () => (totalRows === 0 ? file.sizeBytes : Math.round((file.sizeBytes * rowsRead) / totalRows)),
    detected: { format: 'parquet' },
    close: () => {
      closed = true;
    },
  };
}

/** Converts 64-bit integers, which JSON cannot carry, to numbers when exact and to text otherwise. */
function plainRecord(row: Record<string, unknown>): SourceRecord {
  const record: SourceRecord = {};
  for (const [name, value] of Object.entries(row))
    record[name] = typeof value === 'bigint' ? plainInteger(value) : value;
  return record;
}

function plainInteger(value: bigint): number | string {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}
