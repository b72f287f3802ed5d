import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the proof publication (signed root and user statements, anchors). */
export const PublicationErrors = defineErrors('compliance', {
  'publication.unavailable': {
    status: 503,
    title: 'This app holds no publication key',
    description: 'Ask the custody app (embedded default) or an app given the publication key.',
  },
  'publication.no_key': {
    status: 404,
    title: 'No publication key recorded yet',
    description: 'The key is recorded the first time a root is published with signatures.',
  },
  'publication.key_changed': {
    status: 409,
    title: 'The publication key in KMS is not the recorded one',
    description:
      'Statements are signed only by the key users were given; a re-pointed alias or a new key needs an operator rotation.',
  },
  'publication.format_1': {
    status: 409,
    title: 'The snapshot’s root is format 1, which carries no signatures or statements',
  },
  'publication.anchor_invalid': {
    status: 422,
    title: 'The transaction is not an anchor of this snapshot’s published root by the relayer',
  },
  'publication.signature_invalid': {
    status: 502,
    title: 'The publication signature did not verify against the recorded key',
  },
});
