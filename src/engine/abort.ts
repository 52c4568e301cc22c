import { TributaryError, type ErrorCode } from '../domain/errors.ts';

// Why an executing run was stopped from outside its pipeline. The executor reads the reason from
// the abort signal to decide how the run ends.

export type StopKind = 'cancelled' | 'stalled' | 'timedOut' | 'leaseLost' | 'shutdown';

const stopCodes: Record<StopKind, ErrorCode> = {
  cancelled: 'RUN_CANCELLED',
  stalled: 'RUN_STALLED',
  timedOut: 'RUN_TIMED_OUT',
  leaseLost: 'INTERNAL',
  shutdown: 'INTERNAL',
};

export class RunStop extends Error {
  constructor(
    readonly kind: StopKind,
    message: string,
  ) {
    super(message);
    this.name = 'RunStop';
  }

  /** Returns the error recorded on the run for stops that end it. */
  toRunError(): { code: ErrorCode; message: string } {
    return { code: stopCodes[this.kind], message: this.message };
  }
}

export function stopOf(signal: AbortSignal): RunStop | null {
  return signal.aborted && signal.reason instanceof RunStop ? signal.reason : null;
}

/** Rejects as soon as `signal` aborts, so that a source blocked on I/O cannot hold a stopped run. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** Raises the stop reason when the signal is aborted. */
export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error ? signal.reason : new TributaryError('INTERNAL', 'The run was stopped.');
}
