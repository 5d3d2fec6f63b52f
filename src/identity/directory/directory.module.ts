import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CompaniesRepository } from './companies.repository.js';
import { Company } from './company.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/** Companies and their users: who can sign in, and what their company allows. */
@Module({
  imports: [TypeOrmModule.forFeature([Company, User])],
  providers: [PasswordHasher, CompaniesRepository, UsersRepository],
  exports: [PasswordHasher, CompaniesRepository, UsersRepository],
})
export class DirectoryModule {}
