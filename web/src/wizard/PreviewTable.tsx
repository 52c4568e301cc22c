import type { ExploreResult } from '../api/types.ts';

export function PreviewTable({ title, preview }: { title: string; preview: NonNullable<ExploreResult['preview']> }) {
  return (
    <div className="table-scroll">
      <table className="table table-compact">
        <caption>{title}</caption>
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th scope="col" key={column.name}>
                {column.name}
                <span className="muted small block">{column.sourceType ?? column.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.slice(0, 20).map((row, index) => (
            <tr key={index}>
              {preview.columns.map((column) => (
                <td key={column.name}>{cell(row[column.name])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
