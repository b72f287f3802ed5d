import { Public } from '@strongroom/shared-http';
import { roleAllows, Roles, routeAccess } from './roles.decorator';

class Plain {
  open(): void {
    return undefined;
  }
}
@Roles('auditor')
class Audited {
  inherits(): void {
    return undefined;
  }
  @Roles('backend')
  own(): void {
    return undefined;
  }
  @Public()
  health(): void {
    return undefined;
  }
}
@Public()
class Open {
  anyone(): void {
    return undefined;
  }
  @Roles('approver')
  guarded(): void {
    return undefined;
  }
}

describe('route access', () => {
  it('is unguarded unless a handler or its controller says otherwise', () => {
    expect(routeAccess(Plain.prototype.open, Plain)).toEqual({ kind: 'unguarded' });
  });

  it("takes the handler's marking over its controller's", () => {
    expect(routeAccess(Audited.prototype.inherits, Audited)).toEqual({ kind: 'roles', roles: ['auditor'] });
    expect(routeAccess(Audited.prototype.own, Audited)).toEqual({ kind: 'roles', roles: ['backend'] });
    expect(routeAccess(Audited.prototype.health, Audited)).toEqual({ kind: 'public' });
    expect(routeAccess(Open.prototype.anyone, Open)).toEqual({ kind: 'public' });
    expect(routeAccess(Open.prototype.guarded, Open)).toEqual({ kind: 'roles', roles: ['approver'] });
  });

  it('lets admin pass every role check and nobody else pass a foreign one', () => {
    expect(roleAllows(['approver'], 'admin')).toBe(true);
    expect(roleAllows(['approver'], 'approver')).toBe(true);
    expect(roleAllows(['approver'], 'backend')).toBe(false);
    expect(roleAllows(['auditor', 'backend'], 'backend')).toBe(true);
  });

  it('refuses an empty @Roles()', () => {
    expect(() => Roles()).toThrow(/at least one role/);
  });
});
