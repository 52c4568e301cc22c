import crypto from 'node:crypto';

// Receivers verify a delivery by computing HMAC-SHA256 over `<timestamp>.<body>` with the webhook's
// secret and comparing it with the `webhook-signature` header. The timestamp lets them reject replays.

export const SIGNATURE_HEADER = 'webhook-signature';
export const TIMESTAMP_HEADER = 'webhook-timestamp';

/** Returns `sha256=<hex>` for a body sent at `timestampSeconds`. */
export function signPayload(secret: string, timestampSeconds: number, body: string): string {
  const digest = crypto.createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `sha256=${digest}`;
}

export function verifySignature(secret: string, timestampSeconds: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, timestampSeconds, body));
  const received = Buffer.from(signature);
  return expected.length === received.length && crypto.timingSafeEqual(expected, received);
}
