import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsString, MinLength } from 'class-validator';
import { IsOmittable, MaxLength } from '../../platform/validation/validators.js';
import { ROLES, type Role } from '../../identity/scopes/scope-catalogue.js';
import { normaliseEmail, PASSWORD_MIN_LENGTH } from '../../identity/sessions/dto/auth.dto.js';
import { UserResponse } from '../../identity/directory/dto/directory.dto.js';

export class ApiAccessRequest {
  @ApiProperty({ example: true }) @IsBoolean()
  enabled!: boolean;
}

/** `"203.0.113.7, 2001:db8::/32"` → `["203.0.113.7", "2001:db8::/32"]`; arrays pass through. */
const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value;

export class IpAllowlistRequest {
  @ApiProperty({
    oneOf: [{ type: 'array', items: { type: 'string' }, maxItems: 100 }, { type: 'string' }],
    example: [],
    description: 'IPv4/IPv6 addresses or CIDR ranges, as an array or one comma-separated string (e.g. "203.0.113.0/24, 2001:db8::/32"). Empty = any IP. Applies to API keys and key tokens only.',
  })
  @Transform(commaList) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true })
  cidrs!: string[];
}

export class CreateUserRequest {
  @ApiProperty({ example: 'sam@acme-vans.co.uk' }) @Transform(normaliseEmail) @IsEmail() @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'Sam Depot' }) @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, example: 'staple battery horse' }) @IsString() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(200)
  password!: string;

  @ApiProperty({ enum: ROLES, example: 'member' }) @IsIn(ROLES)
  role!: Role;
}

export class UpdateUserRequest {
  @ApiPropertyOptional() @IsOmittable() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'admin' }) @IsOmittable() @IsIn(ROLES)
  role?: Role;
}

export class UserPage {
  @ApiProperty({ type: [UserResponse] }) data!: UserResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
