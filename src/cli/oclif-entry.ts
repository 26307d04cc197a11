// What bin/run.js takes from oclif. scripts/bundle.js bundles this file together with the commands, so that
// bin/run.js and every command share the one copy of @oclif/core in dist/chunks/.
export {execute} from '@oclif/core'
