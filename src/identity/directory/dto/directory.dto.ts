import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../scopes/scope-catalogue.js';
import { TokenPairResponse } from '../../sessions/dto/auth.dto.js';
import type { Company } from '../company.entity.js';
import type { User } from '../user.entity.js';

/** How a company and a user are shown, by sign-up and by the account capability alike. */
export class AccountResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() apiEnabled!: boolean;
  @ApiProperty({ type: [String], example: ['203.0.113.0/24'] }) ipAllowlist!: string[];
  @ApiProperty() creditBalance!: number;
  @ApiProperty() createdAt!: string;

  static of(company: Company): AccountResponse {
    return {
      id: company.id,
      name: company.name,
      apiEnabled: company.apiEnabled,
      ipAllowlist: company.ipAllowlist,
      creditBalance: company.creditBalance,
      createdAt: company.createdAt.toISOString(),
    };
  }
}

export class UserResponse {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() createdAt!: string;

  static of(user: User): UserResponse {
    return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt.toISOString() };
  }
}

export class SignupResponse extends TokenPairResponse {
  @ApiProperty({ type: AccountResponse }) company!: AccountResponse;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}
