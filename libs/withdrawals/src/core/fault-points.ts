/**
 * Named points where a worker can die. Tests inject a throw at each to prove that a crash there
 * loses nothing and repeats nothing; production leaves the hook empty.
 */
export type FaultPoint =
  | 'batcher.before_commit'
  | 'signer.prepare.before_commit'
  | 'signer.after_prepare'
  | 'signer.after_sign'
  | 'broadcaster.after_broadcast'
  | 'confirmer.before_commit'
  | 'settler.before_commit'
  | 'sweeper.prepare.before_commit'
  | 'sweeper.after_sign'
  | 'sweeper.after_broadcast'
  | 'sweeper.settle.before_commit'
  | 'nonce_filler.after_sign'
  | 'nonce_filler.after_broadcast'
  | 'nonce_filler.settle.before_commit';

export type FaultHook = (
  point: FaultPoint,
  ctx: { batchId?: string; sweepId?: string; nonce?: string },
) => void | Promise<void>;
