import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A key token family remembers which secret generation it was exchanged from. */
export class RefreshTokenKeyGeneration1763871300000 implements MigrationInterface {
  name = 'RefreshTokenKeyGeneration1763871300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE refresh_tokens ADD COLUMN api_key_generation integer`);
    await db.query(`UPDATE refresh_tokens t SET api_key_generation = k.generation
                    FROM api_keys k WHERE k.public_id = t.api_key_public_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE refresh_tokens DROP COLUMN api_key_generation`);
  }
}
