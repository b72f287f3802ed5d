import { defineErrors } from '@strongroom/shared-types';

/**
 * Failures only the simulator raises. Its KMS stand-in times out under its own code: the keys
 * library reports a real timeout, once its retries are spent, as `kms.unavailable`.
 */
export const SimulatorErrors = defineErrors('simulator', {
  'kms.timeout': { status: 503, title: 'The simulated KMS did not answer in time (simulator only)' },
});
