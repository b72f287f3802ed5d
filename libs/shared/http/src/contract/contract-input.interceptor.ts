import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { parseWith } from '../validate';
import { contractOf } from './api-contract';
import { storeParsed, type InputPart } from './parsed-input';

/**
 * Parses every request with its operation's contract before the handler runs, whether or not the
 * handler reads the part: a body the document says a route refuses is refused even by a handler
 * that never looks at it. The `@Contract…()` parameters then read the parsed values.
 */
@Injectable()
export class ContractInputInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = ctx.getType() === 'http' ? contractOf(ctx.getHandler()) : undefined;
    if (contract) {
      const req = ctx.switchToHttp().getRequest<Request>();
      const parsed: Partial<Record<InputPart, unknown>> = {};
      // Path first (which resource), then the query, then the body: the order problems name them in.
      if (contract.params) parsed.params = parseWith(contract.params, req.params);
      if (contract.query) parsed.query = parseWith(contract.query, req.query);
      if (contract.body) parsed.body = parseWith(contract.body, (req.body as unknown) ?? {});
      storeParsed(req, parsed);
    }
    return next.handle();
  }
}
