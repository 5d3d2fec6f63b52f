import { BeforeInsert, PrimaryColumn } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

export const newId = (): string => uuidv7();

/**
 * Primary keys are UUIDv7: time-ordered, so "newest first" keyset pagination is simply `id DESC`.
 */
export abstract class UuidEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @BeforeInsert()
  protected assignId(): void {
    this.id ??= newId();
  }
}
