import { TributaryError } from './errors.ts';

// The run state machine.
//
//   scheduled ──(due and claimed by a worker)──> inProgress ──> success | failed
//       │                                             │
//       └──────────────(cancel)───────────> cancelled <┘
//
// - scheduled: waits until it is due and its flow has no run in progress and no earlier window
//   waiting. A claim moves it to inProgress; a cancel moves it to cancelled.
// - inProgress: a worker holds a lease. The worker ends it as success, failed or cancelled (when a
//   cancel was requested). A lease that expires leaves it inProgress; the next claim takes it again
//   with its attempt count raised, which is not a state change.
// - success, failed, cancelled: terminal. Nothing moves a run out of them; a retry is a new run.
//   Marking a success run superseded is a flag, not a state change.

export const runStatuses = ['scheduled', 'inProgress', 'success', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const runTriggers = ['schedule', 'onDemand', 'retry'] as const;
export type RunTrigger = (typeof runTriggers)[number];

const transitions: Record<RunStatus, readonly RunStatus[]> = {
  scheduled: ['inProgress', 'cancelled'],
  inProgress: ['success', 'failed', 'cancelled'],
  success: [],
  failed: [],
  cancelled: [],
};

export const terminalStatuses: readonly RunStatus[] = ['success', 'failed', 'cancelled'];

export function isTerminal(status: RunStatus): boolean {
  return terminalStatuses.includes(status);
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return transitions[from].includes(to);
}

/** Throws RUN_TERMINAL or INTERNAL when the state machine forbids `from → to`. */
export function assertTransition(from: RunStatus, to: RunStatus, runId = 'unknown'): void {
  if (canTransition(from, to)) return;
  if (isTerminal(from)) {
    throw new TributaryError(
      'RUN_TERMINAL',
      `Run '${runId}' is ${from}, a terminal state, so it cannot become ${to}; start a new run with re-trigger instead.`,
    );
  }
  throw new TributaryError('INTERNAL', `Run '${runId}' cannot move from ${from} to ${to}.`);
}

/** Runs that may be retried: those that ended. */
export function isRetryable(status: RunStatus): boolean {
  return isTerminal(status);
}

export function isCancellable(status: RunStatus): boolean {
  return canTransition(status, 'cancelled');
}
