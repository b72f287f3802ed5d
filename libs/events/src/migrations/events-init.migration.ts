import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox and its delivery log (schema `events`).
 * `body` keeps the exact bytes sent, so every attempt and every replay carries the same body and id.
 */
export class EventsInit1795330000000 implements MigrationInterface {
  name = 'EventsInit1795330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SCHEMA IF NOT EXISTS events;
      CREATE TABLE events.outbox (
        seq             bigserial PRIMARY KEY,
        id              text NOT NULL UNIQUE,
        type            text NOT NULL,
        subject         text NOT NULL,
        body            text NOT NULL,
        created_at      timestamptz NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at    timestamptz,
        last_status     integer,
        last_error      text
      );
      CREATE INDEX outbox_due ON events.outbox (next_attempt_at, seq) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_subject_pending ON events.outbox (subject, seq) WHERE delivered_at IS NULL;
      CREATE INDEX outbox_type ON events.outbox (type, seq);
      CREATE TABLE events.deliveries (
        id           bigserial PRIMARY KEY,
        event_id     text NOT NULL REFERENCES events.outbox (id),
        attempt      integer NOT NULL,
        replay       boolean NOT NULL DEFAULT false,
        url          text NOT NULL,
        status_code  integer,
        ok           boolean NOT NULL,
        error        text,
        duration_ms  integer NOT NULL,
        attempted_at timestamptz NOT NULL
      );
      CREATE INDEX deliveries_event ON events.deliveries (event_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA events CASCADE');
  }
}
