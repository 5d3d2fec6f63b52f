import { type ExecutionContext, Injectable, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { AUDIT_ACTION, CREDIT_COST } from './operation-metadata.js';
import type { CreditCostRule } from './operation.js';

/** What a route declares about its writes: its audit action, its cost and the status of its success. */
export interface OperationSpec {
  readonly action?: string;
  readonly cost?: CreditCostRule;
  readonly successStatus: number;
  readonly method: string;
}

/** Each handler's OperationSpec, read from its decorators once (the first time it runs), not per request. */
@Injectable()
export class OperationSpecs {
  private readonly byHandler = new WeakMap<object, OperationSpec>();

  constructor(private readonly reflector: Reflector) {}

  of(context: ExecutionContext): OperationSpec {
    const handler = context.getHandler();
    let spec = this.byHandler.get(handler);
    if (!spec) {
      spec = this.read(handler);
      this.byHandler.set(handler, spec);
    }
    return spec;
  }

  private read(handler: ReturnType<ExecutionContext['getHandler']>): OperationSpec {
    const method = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler)] ?? 'GET';
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, handler);
    return {
      action: this.reflector.get<string | undefined>(AUDIT_ACTION, handler),
      cost: this.reflector.get<CreditCostRule | undefined>(CREDIT_COST, handler),
      successStatus: declared ?? (method === 'POST' ? 201 : 200),
      method,
    };
  }
}
