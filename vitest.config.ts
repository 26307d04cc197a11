import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // @oclif/test's captureOutput needs the console left alone.
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0', NO_COLOR: '1', CI: '1'},
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
