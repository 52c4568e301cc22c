import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import { inCi, makeTempDir } from './backends.ts';
import { waitFor } from './wait.ts';

// A real OpenSSH server for the SFTP connector tests: `/usr/sbin/sshd` on a free loopback port with a
// temporary host key and configuration, accepting a password and a key for one dedicated user.
// The machine setup (package and user) is `scripts/ci-setup-sftp.sh`.

const SSHD = '/usr/sbin/sshd';
export const sftpTestUser = process.env.TRIBUTARY_TEST_SFTP_USER ?? 'tributary-sftp';
export const sftpTestPassword = process.env.TRIBUTARY_TEST_SFTP_PASSWORD ?? 'tributary-sftp-test';

export interface SftpServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The user's private key, in OpenSSH format, that the server accepts. */
  privateKey: string;
  /** The host key fingerprint as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** A folder the user can read, where tests write their files. */
  folder: string;
  stop(): Promise<void>;
}

/** Why the server cannot start here, or null when it can. */
export function sftpServerUnavailable(): string | null {
  if (!fs.existsSync(SSHD)) return `${SSHD} is missing; run scripts/ci-setup-sftp.sh`;
  if (process.getuid?.() !== 0) return 'sshd must start as root to log a user in';
  if (spawnSync('id', ['-u', sftpTestUser]).status !== 0)
    return `user ${sftpTestUser} is missing; run scripts/ci-setup-sftp.sh`;
  if (!fs.existsSync('/run/sshd')) return '/run/sshd is missing; run scripts/ci-setup-sftp.sh';
  return null;
}

/** Returns the `skip` option of an SFTP suite: the reason outside CI, and a thrown failure in CI. */
export function skipUnlessSftp(): string | false {
  const reason = sftpServerUnavailable();
  if (reason && inCi) throw new Error(`${reason}; CI requires it.`);
  return reason ?? false;
}

export async function startSftpServer(): Promise<SftpServer> {
  const dir = makeTempDir('tributary-sshd-');
  // The user reads the authorized keys and the test files, so the folder must be open to it.
  fs.chmodSync(dir, 0o755);
  const folder = path.join(dir, 'files');
  fs.mkdirSync(folder, { mode: 0o755 });

  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const userKey = ssh2.utils.generateKeyPairSync('ed25519');
  fs.writeFileSync(path.join(dir, 'host_key'), hostKey.private, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'authorized_keys'), `${userKey.public}\n`, { mode: 0o644 });

  const port = await freePort();
  const configPath = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    configPath,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      // The temporary folder lives under /tmp, whose mode StrictModes rejects.
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AllowUsers ${sftpTestUser}`,
      'Subsystem sftp internal-sftp',
      `Match User ${sftpTestUser}`,
      '  ForceCommand internal-sftp',
      '',
    ].join('\n'),
  );

  const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => log.includes(`Server listening on 127.0.0.1 port ${port}`) || child.exitCode !== null, {
    message: 'sshd to listen',
  });
  if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}: ${log}`);

  return {
    host: '127.0.0.1',
    port,
    user: sftpTestUser,
    password: sftpTestPassword,
    privateKey: userKey.private,
    hostKeyFingerprint: fingerprint(hostKey.public),
    folder,
    stop: () => stop(child, exited, dir),
  };
}

async function stop(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
}

/** `SHA256:` and the unpadded base64 of the key blob's digest, as `ssh-keygen -l` prints it. */
function fingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.trim().split(/\s+/)[1]!, 'base64');
  return `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
