import { z } from 'zod';
import { BaseUnits } from '@strongroom/shared-http';
import { PublishedLiabilitiesWire } from './compliance-wire';

/**
 * The whole-tree export of a published snapshot (tools/proof-verifier/src/tree-export.ts,
 * docs/proof-of-liabilities.md § 14) as it travels in JSON; `strongroom proof audit` reads it.
 */
export const TreeExportWire = z
  .object({
    format: z.literal('strongroom-liability-tree-export'),
    exportVersion: z.literal(1),
    published: PublishedLiabilitiesWire,
    leaves: z
      .array(
        z.object({
          commitment: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .meta({
              description:
                "C = H(05 ‖ v ‖ X ‖ nonce ‖ str(userId)): the leaf's user, pseudonymised per snapshot (X binds the " +
                'snapshot, the nonce is secret); a user finds their own leaf from the nonce of their inclusion proof.',
            }),
          balances: z
            .record(z.string(), BaseUnits)
            .meta({ description: 'Asset code → base units, every asset of the published order.' }),
        }),
      )
      .meta({ description: 'Every real leaf in leaf order (position = leaf index); padding leaves are not listed.' }),
  })
  .meta({
    id: 'LiabilityTreeExport',
    description: 'Audited by `strongroom proof audit <export.json> --published <root.json>`.',
  });
