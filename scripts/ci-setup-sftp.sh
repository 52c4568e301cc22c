#!/usr/bin/env bash
# One-time machine setup for the SFTP connector tests, safe to run again: installs the OpenSSH
# server and creates the dedicated login that the tests' own sshd accepts. Needs root.
set -euo pipefail

SFTP_USER="${TRIBUTARY_TEST_SFTP_USER:-tributary-sftp}"
SFTP_PASSWORD="${TRIBUTARY_TEST_SFTP_PASSWORD:-tributary-sftp-test}"

if [ ! -x /usr/sbin/sshd ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server
fi

# sshd refuses to start without its privilege separation directory.
mkdir -p /run/sshd
chmod 0755 /run/sshd

if ! id -u "$SFTP_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /usr/sbin/nologin "$SFTP_USER"
fi
echo "$SFTP_USER:$SFTP_PASSWORD" | chpasswd
