export * from './env-fields';
export * from './parse-env';
export * from './app-schemas';
