// The state the setup wizard gathers across its steps.

import type { Connection, ConnectionSpec, ExploreItem, ExploreResult } from '../api/types.ts';
import type { ScheduleForm } from '../flows/ScheduleFields.tsx';
import type { MappingRow } from './mapping.ts';

export type StepKey = 'account' | 'source' | 'dataset' | 'dataflow' | 'review';
export const steps: StepKey[] = ['account', 'source', 'dataset', 'dataflow', 'review'];

export interface FileOptions {
  pattern: string;
  recursive: boolean;
  format: 'delimited' | 'json' | 'ndjson' | 'parquet';
  delimiter: string;
  encoding: string;
  header: boolean;
}

export interface WizardState {
  account: Connection | null;
  spec: ConnectionSpec | null;
  selected: ExploreItem | null;
  preview: ExploreResult['preview'] | null;
  sourceName: string;
  file: FileOptions;
  datasetName: string;
  mapping: MappingRow[];
  primaryKey: string;
  flowName: string;
  schedule: ScheduleForm;
  errorThreshold: string;
  deltaColumn: string;
}

export const defaultFileOptions: FileOptions = {
  pattern: '',
  recursive: false,
  format: 'delimited',
  delimiter: ',',
  encoding: 'utf-8',
  header: true,
};

/** Builds the API body of the source connection from the wizard state. */
export function sourceConnectionBody(state: WizardState): Record<string, unknown> {
  const base = { name: state.sourceName, baseConnectionId: state.account?.id };
  if (state.spec?.sourceKind === 'table') {
    return { ...base, data: { format: 'tabular' }, params: { tableName: state.selected?.path } };
  }
  const properties =
    state.file.format === 'delimited'
      ? { columnDelimiter: state.file.delimiter, encoding: state.file.encoding, header: state.file.header }
      : undefined;
  return {
    ...base,
    data: { format: state.file.format, ...(properties ? { properties } : {}) },
    params: { path: state.file.pattern, recursive: state.file.recursive },
  };
}
