import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Company } from './company.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';

/** Companies and their users: who can sign in, and what their company allows. */
@Module({
  imports: [TypeOrmModule.forFeature([Company, User])],
  providers: [PasswordHasher],
  exports: [PasswordHasher],
})
export class DirectoryModule {}
