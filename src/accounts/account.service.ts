import { Injectable } from '@nestjs/common';
import type { Principal } from '../identity/principal.js';
import { DomainError } from '../platform/http/domain-error.js';
import { normaliseAllowlist } from '../platform/net/ip-allowlist.js';
import { UnitOfWork } from '../platform/database/unit-of-work.js';
import { Company } from '../identity/directory/company.entity.js';
import { AccountResponse } from '../identity/directory/dto/directory.dto.js';
import { CurrentOperation } from '../platform/operations/current-operation.js';

@Injectable()
export class AccountService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly operation: CurrentOperation,
  ) {}

  async get(principal: Principal): Promise<AccountResponse> {
    return AccountResponse.of(await this.company(principal.companyId));
  }

  async setApiAccess(principal: Principal, enabled: boolean): Promise<AccountResponse> {
    const before = await this.company(principal.companyId);
    await this.uow.repository(Company).update({ id: principal.companyId }, { apiEnabled: enabled });
    if (before.apiEnabled !== enabled) this.operation.describe({ changes: { apiEnabled: { from: before.apiEnabled, to: enabled } } });
    return this.get(principal);
  }

  async setIpAllowlist(principal: Principal, cidrs: string[]): Promise<AccountResponse> {
    const ipAllowlist = normaliseAllowlist(cidrs, 'cidrs');
    const before = await this.company(principal.companyId);
    if (JSON.stringify(before.ipAllowlist) !== JSON.stringify(ipAllowlist)) {
      this.operation.describe({ changes: { ipAllowlist: { from: before.ipAllowlist, to: ipAllowlist } } });
    }
    await this.uow.repository(Company).update({ id: principal.companyId }, { ipAllowlist });
    return this.get(principal);
  }

  private async company(companyId: string): Promise<Company> {
    const company = await this.uow.repository(Company).findOne({ where: { id: companyId } });
    if (!company) throw DomainError.notFound('Account');
    return company;
  }
}
