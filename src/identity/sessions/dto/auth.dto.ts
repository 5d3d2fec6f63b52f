import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const PASSWORD_MIN_LENGTH = 12;

export class SignupRequest {
  @ApiProperty({ example: 'Acme Van Hire Ltd', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  companyName!: string;

  @ApiProperty({ example: 'Alex Owner', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'alex@acme-vans.co.uk' })
  @Transform(normaliseEmail) @IsEmail() @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, example: 'correct horse battery' })
  @IsString() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(200)
  password!: string;
}

export class LoginRequest {
  @ApiProperty({ example: 'alex@acme-vans.co.uk' })
  @Transform(normaliseEmail) @IsString() @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString() @MaxLength(200)
  password!: string;
}

export class RefreshRequest {
  @ApiProperty({ example: 'rt_…' })
  @IsString() @MaxLength(200)
  refreshToken!: string;
}

export class TokenPairResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Access-token lifetime in seconds.' }) expiresIn!: number;
}
