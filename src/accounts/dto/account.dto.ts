import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../../identity/scopes/scope-catalogue.js';
import { normaliseEmail, PASSWORD_MIN_LENGTH } from '../../identity/sessions/dto/auth.dto.js';
import { UserResponse } from '../../identity/directory/dto/directory.dto.js';

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

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) data!: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
