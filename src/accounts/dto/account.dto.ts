import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../../scopes/scope-catalogue.js';
import type { Company } from '../company.entity.js';
import type { User } from '../user.entity.js';
import { normaliseEmail, PASSWORD_MIN_LENGTH, TokenPairResponse } from './auth.dto.js';

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

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) data!: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class SignupResponse extends TokenPairResponse {
  @ApiProperty({ type: AccountResponse }) company!: AccountResponse;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export class ApiAccessRequest {
  @ApiProperty() @IsBoolean()
  enabled!: boolean;
}

export class IpAllowlistRequest {
  @ApiProperty({ type: [String], example: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'], description: 'Empty = any IP.' })
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true })
  cidrs!: string[];
}

export class CreateUserRequest {
  @ApiProperty() @Transform(normaliseEmail) @IsEmail() @MaxLength(320)
  email!: string;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH }) @IsString() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(200)
  password!: string;

  @ApiProperty({ enum: ROLES }) @IsIn(ROLES)
  role!: Role;
}

export class UpdateUserRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES)
  role?: Role;
}
