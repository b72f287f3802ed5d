/**
 * The data-directory lock lives in libs/persistence, where `openDatabase` takes it too, so the
 * CLI and every app on PGlite honour the same lock as this process.
 */
export { lockDataDir } from '@strongroom/persistence';
