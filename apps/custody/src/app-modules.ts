// The embedded default runs the other apps' composition roots as they are, on one shared PGlite
// database and one set of chain adapters, instead of copying them. Apps have no import alias and
// the boundary rule refuses relative imports between projects, hence the two exemptions below
// (a `@strongroom/*-app` path alias in tsconfig.base.json would remove them).
// eslint-disable-next-line @nx/enforce-module-boundaries
export { DepositWatcherAppModule, type DepositWatcherAppOptions } from '../../deposit-watcher/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
export { WithdrawalSignerAppModule, type WithdrawalSignerConfig } from '../../withdrawal-signer/src/app.module';
