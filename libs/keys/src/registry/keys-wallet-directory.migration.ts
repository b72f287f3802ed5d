import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `<chain>-<clientId>` was how a label named a client's own wallet; the default label is `<chain>-<id[0..8]>`. */
const LABEL_CLIENT = `CASE WHEN k.label LIKE k.chain || '-%'
              AND k.label <> k.chain || '-' || left(k.id::text, 8)
              AND substr(k.label, length(k.chain) + 2) ~ '^[A-Za-z0-9._:-]{1,100}$'
             THEN substr(k.label, length(k.chain) + 2) END`;

/**
 * The key registry keeps only what is secret-adjacent: keys.wallets becomes (id, verification
 * status) and references the wallet directory (wallets.wallets), where label, owner, chain,
 * threshold, public keys and relayer now live. Existing wallets are registered there:
 * - one already there (moved from deposits under the same id) gets its label and relayer key;
 * - the others are added, the owner read from the label convention above (else the operator);
 *   per chain and owner the one the withdrawal signer picked (labelled `<chain>`, else the
 *   oldest usable, else the oldest) is active if the slot is free, the rest inactive.
 * Its timestamp sorts after KeysInit1763820000000 and DepositsWalletDirectory1795330300000.
 */
export class KeysWalletDirectory1795330400000 implements MigrationInterface {
  name = 'KeysWalletDirectory1795330400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE wallets.wallets w
         SET label = CASE WHEN EXISTS (SELECT 1 FROM wallets.wallets n WHERE n.label = k.label AND n.id <> w.id)
                          THEN w.label ELSE k.label END,
             relayer_address = COALESCE(w.relayer_address, r.ethereum_address),
             relayer_public_key = COALESCE(w.relayer_public_key, r.public_key)
        FROM keys.wallets k LEFT JOIN keys.wallet_keys r ON r.wallet_id = k.id AND r.role = 'relayer'
       WHERE w.id = k.id::text;

      INSERT INTO wallets.wallets (id, label, client_id, chain, tier, threshold, public_keys, relayer_address,
                                   relayer_public_key, status, created_at)
      SELECT c.id, c.label, c.client_id, c.chain, 'hot', c.threshold, c.public_keys, c.relayer_address,
             c.relayer_public_key,
             CASE WHEN c.rank = 1 AND NOT EXISTS (
               SELECT 1 FROM wallets.wallets x
                WHERE x.chain = c.chain AND COALESCE(x.client_id, '') = COALESCE(c.client_id, '')
                  AND x.tier = 'hot' AND x.status IN ('active', 'suspended')
             ) THEN 'active' ELSE 'inactive' END,
             c.created_at
        FROM (
          SELECT o.*, row_number() OVER (
                   PARTITION BY o.chain, COALESCE(o.client_id, '')
                   ORDER BY (o.old_label = o.chain) DESC, (o.key_status = 'usable') DESC, o.created_at, o.old_label
                 ) AS rank
            FROM (
              SELECT k.id::text AS id, k.label AS old_label, k.chain, k.threshold, k.status AS key_status, k.created_at,
                     CASE WHEN EXISTS (SELECT 1 FROM wallets.wallets n WHERE n.label = k.label)
                          THEN k.label || '-' || left(k.id::text, 8) ELSE k.label END AS label,
                     ${LABEL_CLIENT} AS client_id,
                     (SELECT jsonb_agg(p.public_key ORDER BY p.position) FROM keys.wallet_keys p
                       WHERE p.wallet_id = k.id AND p.role = 'cosigner') AS public_keys,
                     r.ethereum_address AS relayer_address, r.public_key AS relayer_public_key
                FROM keys.wallets k LEFT JOIN keys.wallet_keys r ON r.wallet_id = k.id AND r.role = 'relayer'
               WHERE NOT EXISTS (SELECT 1 FROM wallets.wallets y WHERE y.id = k.id::text)
            ) o
        ) c;

      ALTER TABLE keys.wallet_keys DROP CONSTRAINT wallet_keys_wallet_id_fkey;
      ALTER TABLE keys.wallet_keys ALTER COLUMN wallet_id TYPE text USING wallet_id::text;
      ALTER TABLE keys.wallets ALTER COLUMN id TYPE text USING id::text;
      ALTER TABLE keys.wallets DROP COLUMN label, DROP COLUMN chain, DROP COLUMN threshold, DROP COLUMN key_count;
      ALTER TABLE keys.wallets
        ADD CONSTRAINT wallets_directory_fkey FOREIGN KEY (id) REFERENCES wallets.wallets (id);
      ALTER TABLE keys.wallet_keys
        ADD CONSTRAINT wallet_keys_wallet_id_fkey FOREIGN KEY (wallet_id) REFERENCES keys.wallets (id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE keys.wallet_keys DROP CONSTRAINT wallet_keys_wallet_id_fkey;
      ALTER TABLE keys.wallets DROP CONSTRAINT wallets_directory_fkey;
      ALTER TABLE keys.wallets ADD COLUMN label text, ADD COLUMN chain text, ADD COLUMN threshold integer,
                               ADD COLUMN key_count integer;
      UPDATE keys.wallets k
         SET label = w.label, chain = w.chain, threshold = w.threshold,
             key_count = jsonb_array_length(w.public_keys)
        FROM wallets.wallets w WHERE w.id = k.id;
      ALTER TABLE keys.wallets ALTER COLUMN label SET NOT NULL, ALTER COLUMN chain SET NOT NULL,
                               ALTER COLUMN threshold SET NOT NULL, ALTER COLUMN key_count SET NOT NULL,
                               ADD CONSTRAINT wallets_label_key UNIQUE (label);
      ALTER TABLE keys.wallets ALTER COLUMN id TYPE uuid USING id::uuid;
      ALTER TABLE keys.wallet_keys ALTER COLUMN wallet_id TYPE uuid USING wallet_id::uuid;
      ALTER TABLE keys.wallet_keys
        ADD CONSTRAINT wallet_keys_wallet_id_fkey FOREIGN KEY (wallet_id) REFERENCES keys.wallets (id);
    `);
  }
}
