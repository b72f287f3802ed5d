// Test fixture (not exported): a tiny app with routes for each protection case.
import { Body, Controller, Get, Module, Post, Query, type DynamicModule } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule, Public, startHttpApp } from '@strongroom/shared-http';
import type { Principal } from './api-keys';
import { AuthModule } from './auth.module';
import { CurrentPrincipal } from './current-principal.decorator';
import { Roles } from './roles.decorator';

/** Counts handler executions, so tests can show a refused request changed nothing. */
export const effects = { count: 0 };

@Controller('v1/things')
export class ThingsController {
  @Roles('backend')
  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, string>,
  ): { principal: Principal; query: Record<string, string> } {
    return { principal, query };
  }

  @Roles('backend')
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): { by: string; received: unknown } {
    effects.count += 1;
    return { by: principal.keyId, received: body };
  }

  @Roles('approver')
  @Post('approve')
  approve(@CurrentPrincipal() principal: Principal): { approvedBy: string; role: string } {
    effects.count += 1;
    return { approvedBy: principal.keyId, role: principal.role };
  }
}

@Roles('auditor')
@Controller('v1/reports')
export class ReportsController {
  @Get()
  reports(): { reports: string[] } {
    return { reports: [] };
  }

  @Public()
  @Get('about')
  about(): { name: string } {
    return { name: 'reports' };
  }
}

/** Deliberately forgets its roles: must be refused at run time and by the route check. */
@Controller('v1/naked')
export class NakedController {
  @Get()
  naked(): { leaked: boolean } {
    effects.count += 1;
    return { leaked: true };
  }
}

export interface AuthTestAppOptions {
  unguarded?: boolean;
  replayWindowMs?: number;
  keyRoutes?: boolean;
  rateLimitPerMinute?: number;
}

@Module({})
export class AuthTestAppModule {
  static with(db: Database, options: AuthTestAppOptions = {}): DynamicModule {
    return {
      module: AuthTestAppModule,
      imports: [
        PlatformModule.forApp('auth-test', { rateLimitPerMinute: options.rateLimitPerMinute }),
        DatabaseModule.forInstance(db),
        AuthModule.forRoot({ replayWindowMs: options.replayWindowMs, keyRoutes: options.keyRoutes }),
      ],
      controllers: [ThingsController, ReportsController, ...(options.unguarded ? [NakedController] : [])],
    };
  }
}

/** The test app listening on a free port. */
export function startAuthTestApp(db: Database, options: AuthTestAppOptions = {}) {
  return startHttpApp(AuthTestAppModule.with(db, options), { name: 't', title: 't', description: 't', port: 0 });
}
