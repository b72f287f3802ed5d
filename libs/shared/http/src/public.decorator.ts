import { SetMetadata } from '@nestjs/common';

/** Marks a route as reachable without authentication (health and metrics only). */
export const IS_PUBLIC = 'strongroom:public';
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
