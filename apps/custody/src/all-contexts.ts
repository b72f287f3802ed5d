// The embedded default runs on every schema, exactly those `strongroom db migrate` applies: one
// list, kept with the CLI. Apps have no import alias and the boundary rule refuses relative
// imports between projects, hence the exemption (as in app-modules.ts).
// eslint-disable-next-line @nx/enforce-module-boundaries
export { ALL_CONTEXTS } from '../../../tools/cli/src/all-contexts';
