import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { normaliseAllowlist } from '../platform/net/ip-allowlist.js';
import { type Company, CompaniesRepository } from '../identity/directory/companies.repository.js';
import { AccountResponse } from '../identity/directory/dto/directory.dto.js';
import { CurrentOperation } from '../platform/operations/current-operation.js';

@Injectable()
export class AccountService {
  constructor(
    private readonly companies: CompaniesRepository,
    private readonly operation: CurrentOperation,
  ) {}

  async get(principal: Principal): Promise<AccountResponse> {
    return AccountResponse.of(await this.company(principal.companyId));
  }

  async setApiAccess(principal: Principal, enabled: boolean): Promise<AccountResponse> {
    const before = await this.company(principal.companyId);
    await this.companies.updateSettings(principal.companyId, { apiEnabled: enabled });
    if (before.apiEnabled !== enabled) this.operation.describe({ changes: { apiEnabled: { from: before.apiEnabled, to: enabled } } });
    return this.get(principal);
  }

  async setIpAllowlist(principal: Principal, cidrs: string[]): Promise<AccountResponse> {
    const ipAllowlist = normaliseAllowlist(cidrs, 'cidrs');
    const before = await this.company(principal.companyId);
    if (JSON.stringify(before.ipAllowlist) !== JSON.stringify(ipAllowlist)) {
      this.operation.describe({ changes: { ipAllowlist: { from: before.ipAllowlist, to: ipAllowlist } } });
    }
    await this.companies.updateSettings(principal.companyId, { ipAllowlist });
    return this.get(principal);
  }

  private async company(companyId: string): Promise<Company> {
    const company = await this.companies.findById(companyId);
    if (!company) throw DomainError.notFound('Account');
    return company;
  }
}
