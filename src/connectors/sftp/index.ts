import { createFileConnector } from '../files/file-connector.ts';
import { fileSourceSpec } from '../files/source-spec.ts';
import type { Connector } from '../types.ts';
import { openSftpFileSystem } from './sftp-file-system.ts';

export const sftpConnector: Connector = createFileConnector(
  {
    id: 'sftp',
    name: 'SFTP',
    description: 'Files in a folder of an SFTP server, checked against its host key fingerprint.',
    sourceKind: 'file',
    authSpec: {
      type: 'object',
      required: ['host', 'user', 'hostKeyFingerprint'],
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1, examples: ['127.0.0.1'] },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 22 },
        user: { type: 'string', minLength: 1 },
        password: { type: 'string', writeOnly: true },
        privateKey: { type: 'string', writeOnly: true, description: 'An OpenSSH or PEM private key.' },
        passphrase: { type: 'string', writeOnly: true, description: 'The passphrase of the private key, if any.' },
        hostKeyFingerprint: {
          type: 'string',
          pattern: '^(SHA256:)?[A-Za-z0-9+/]{43}=?$',
          description: "The server's host key fingerprint as OpenSSH prints it.",
          examples: ['SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'],
        },
        folder: { type: 'string', description: 'Absolute, or relative to the login folder.', examples: ['exports'] },
      },
      anyOf: [{ required: ['password'] }, { required: ['privateKey'] }],
    },
    sourceSpec: fileSourceSpec,
    secretParams: ['password', 'privateKey', 'passphrase'],
  },
  openSftpFileSystem,
);
