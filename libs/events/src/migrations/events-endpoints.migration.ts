import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints managed through the API, several per client, each with its own secret.
 *
 * - `endpoints`: `client_id` NULL is a deployment-wide endpoint (events that belong to no client,
 *   such as solvency breakers). `event_types` empty = every type. `secret` is what signs (HMAC needs
 *   the key itself, so it cannot be hashed); it is erased when the endpoint is deleted, and the
 *   previous secret of a rotation is kept only until its overlap ends.
 * - `outbox.client_id`: whose event it is; only that client's endpoints receive it.
 *   `outbox.endpoint_id`: set for an event meant for one endpoint only (`webhook.test`).
 * - `messages`: one row per (event, endpoint) to deliver, written with the event in its
 *   transaction; the delivery state moves from the outbox row to here, so a failing endpoint holds
 *   back only its own later messages of the same subject.
 * - `deliveries.endpoint_id`: every attempt is logged per endpoint.
 */
export class EventsEndpoints1795330750000 implements MigrationInterface {
  name = 'EventsEndpoints1795330750000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events.endpoints (
        seq                        bigserial NOT NULL UNIQUE,
        id                         text PRIMARY KEY CHECK (id ~ '^whep_[0-9a-f]{24}$'),
        client_id                  text REFERENCES auth.clients (id),
        url                        text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
        description                text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
        event_types                text[] NOT NULL DEFAULT '{}',
        enabled                    boolean NOT NULL DEFAULT true,
        secret                     text,
        previous_secret            text,
        previous_secret_expires_at timestamptz,
        created_at                 timestamptz NOT NULL,
        updated_at                 timestamptz NOT NULL,
        deleted_at                 timestamptz,
        CONSTRAINT endpoints_secret_until_deleted CHECK ((deleted_at IS NULL) = (secret IS NOT NULL)),
        CONSTRAINT endpoints_previous_secret_expires CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      );
      CREATE INDEX endpoints_live ON events.endpoints (client_id, seq) WHERE deleted_at IS NULL;
      ALTER TABLE events.outbox
        DROP COLUMN attempts,
        DROP COLUMN next_attempt_at,
        DROP COLUMN delivered_at,
        DROP COLUMN last_status,
        DROP COLUMN last_error,
        ADD COLUMN client_id text,
        ADD COLUMN endpoint_id text REFERENCES events.endpoints (id);
      CREATE INDEX outbox_subject ON events.outbox (subject, seq);
      CREATE INDEX outbox_client ON events.outbox (client_id, seq);
      CREATE TABLE events.messages (
        endpoint_id     text NOT NULL REFERENCES events.endpoints (id),
        event_seq       bigint NOT NULL REFERENCES events.outbox (seq),
        subject         text NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at    timestamptz,
        last_status     integer,
        last_error      text,
        PRIMARY KEY (endpoint_id, event_seq)
      );
      CREATE INDEX messages_due ON events.messages (next_attempt_at, event_seq) WHERE delivered_at IS NULL;
      CREATE INDEX messages_subject_pending ON events.messages (endpoint_id, subject, event_seq) WHERE delivered_at IS NULL;
      CREATE INDEX messages_event ON events.messages (event_seq);
      ALTER TABLE events.deliveries ADD COLUMN endpoint_id text REFERENCES events.endpoints (id);
      CREATE INDEX deliveries_endpoint ON events.deliveries (endpoint_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE events.deliveries DROP COLUMN endpoint_id;
      DROP TABLE events.messages;
      ALTER TABLE events.outbox
        DROP COLUMN endpoint_id,
        DROP COLUMN client_id,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN delivered_at timestamptz,
        ADD COLUMN last_status integer,
        ADD COLUMN last_error text;
      DROP INDEX IF EXISTS events.outbox_subject;
      CREATE INDEX outbox_due ON events.outbox (next_attempt_at, seq) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_subject_pending ON events.outbox (subject, seq) WHERE delivered_at IS NULL;
      DROP TABLE events.endpoints;
    `);
  }
}
