import { Injectable } from '@nestjs/common';
import { AccessTokenService } from '../authentication/access-token.service.js';
import { DomainError } from '../../platform/http/domain-error.js';
import { CreditMeter } from '../../platform/operations/ports.js';
import { UnitOfWork } from '../../platform/database/unit-of-work.js';
import { isUniqueViolation } from '../../platform/database/pg-errors.js';
import { CompaniesRepository } from '../directory/companies.repository.js';
import { AccountResponse, type SignupResponse, UserResponse } from '../directory/dto/directory.dto.js';
import type { LoginRequest, SignupRequest, TokenPairResponse } from './dto/auth.dto.js';
import { PasswordHasher } from '../directory/password-hasher.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { type User, UsersRepository } from '../directory/users.repository.js';
import type { CallInfo, OperationActor } from '../../platform/operations/operation.js';
import { SignInAudit } from './sign-in-audit.js';

const actorOf = (user: User): OperationActor => ({ type: 'user', companyId: user.companyId, userId: user.id, name: user.name });

export const WELCOME_CREDITS = 10;

@Injectable()
export class SessionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly companies: CompaniesRepository,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly credits: CreditMeter,
    private readonly signIns: SignInAudit,
  ) {}

  async signup(request: SignupRequest, call: CallInfo): Promise<SignupResponse> {
    const passwordHash = await this.passwords.hash(request.password);
    try {
      return await this.uow.run(async () => {
        const company = await this.companies.save(this.companies.create({ name: request.companyName, apiEnabled: false, creditBalance: WELCOME_CREDITS }));
        const user = await this.users.save(
          this.users.create({ companyId: company.id, email: request.email, name: request.name, passwordHash, role: 'owner' }),
        );
        await this.credits.recordWelcome(company.id, WELCOME_CREDITS, { type: 'user', id: user.id, name: user.name });
        await this.signIns.record('auth.signup', actorOf(user), call, 201);
        const tokens = await this.issueUserTokens(user);
        return { company: AccountResponse.of(company), user: UserResponse.of(user), ...tokens };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_active_unique')) {
        throw new DomainError('conflict', 'A user with this e-mail already exists.');
      }
      throw error;
    }
  }

  /** Unknown e-mail and wrong password answer alike, after the same scrypt work. */
  async login(request: LoginRequest, call: CallInfo): Promise<TokenPairResponse> {
    const user = await this.users.findByEmailWithPassword(request.email);
    const valid = await this.passwords.verify(request.password, user?.passwordHash);
    if (!user || !valid) {
      // an unknown e-mail has no company to record it in, and leaves no event
      if (user) await this.signIns.record('auth.login_failed', actorOf(user), call, 401);
      throw new DomainError('invalid_credentials', 'The e-mail or password is incorrect.');
    }
    return this.uow.run(async () => {
      await this.signIns.record('auth.login', actorOf(user), call, 200);
      return this.issueUserTokens(user);
    });
  }

  async refreshUser(companyId: string, userId: string, refreshToken: string): Promise<TokenPairResponse> {
    const user = await this.users.findForCompany(companyId, userId);
    if (!user) throw new DomainError('invalid_credentials', 'The refresh token is invalid, expired or already used.');
    return this.userTokenPair(user, refreshToken);
  }

  private async issueUserTokens(user: User): Promise<TokenPairResponse> {
    const refreshToken = await this.refreshTokens.issue({ companyId: user.companyId, userId: user.id });
    return this.userTokenPair(user, refreshToken);
  }

  private userTokenPair(user: User, refreshToken: string): TokenPairResponse {
    const expiresIn = this.accessTokens.userTokenTtlSeconds;
    const accessToken = this.accessTokens.sign({ typ: 'user', sub: user.id, cid: user.companyId }, expiresIn);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
  }
}
