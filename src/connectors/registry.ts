import { localFilesConnector } from './local-files/index.ts';
import { mysqlConnector } from './mysql/index.ts';
import { postgresConnector } from './postgres/index.ts';
import { sftpConnector } from './sftp/index.ts';
import { sqliteConnector } from './sqlite/index.ts';
import type { ConnectionSpec, Connector } from './types.ts';

/** Every connector, by connection spec id. Adding a connector means adding its folder and a line here. */
export const connectorRegistry: ReadonlyMap<string, Connector> = new Map(
  [localFilesConnector, sftpConnector, postgresConnector, mysqlConnector, sqliteConnector].map((connector) => [
    connector.spec.id,
    connector,
  ]),
);

export function getConnector(id: string): Connector | undefined {
  return connectorRegistry.get(id);
}

export function listConnectionSpecs(): ConnectionSpec[] {
  return [...connectorRegistry.values()].map((connector) => connector.spec);
}
