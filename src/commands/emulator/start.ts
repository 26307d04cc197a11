import {Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {renderListening, renderRequest} from '../../cli/render/emulator.js'

export interface EmulatorStartResult {
  url: string
  dataDir: string
  startedAt: string
  stoppedAt: string
  requests: number
}

export default class EmulatorStart extends BaseCommand<EmulatorStartResult> {
  static override summary = 'Run the local Power Platform emulator in the foreground.'

  static override description = `Serves Entra ID (tokens, device code), the Power Apps, Flow and BAP resource providers, blob storage for uploads, a Dataverse Web API per environment and Microsoft Graph applications and federated credentials, all on one origin, with state kept in a data folder.

Prints "listening on <url>" on stdout once it accepts requests (on stderr with --json, whose envelope — url, data folder, request count — comes when it stops), and keeps <data folder>/emulator.json so that other cc commands (and CC_EMULATOR_URL=<url>) find it. Ctrl-C (or SIGTERM) stops it; the state stays for the next start.

Faults for tests and demos: --faults takes rules separated by ";" such as "503,rate=20%", "latency=50ms", "429,retry-after=2,route=POST /providers/Microsoft.PowerApps/apis,first=1", "reset,rate=5%" and "seed=7", or @FILE with the same text or JSON. See docs/emulator.md.

Exit codes: 0 stopped normally, 1 could not start (port in use, unwritable data folder), 2 bad flags.`

  static override examples = [
    {description: 'Start on the default port with the default data folder', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Any free port and a throw-away data folder', command: '<%= config.bin %> <%= command.id %> --port 0 --data ./.emulator'},
    {description: 'One request in five fails with 503, every request waits 50 ms', command: '<%= config.bin %> <%= command.id %> --faults "503,rate=20%;latency=50ms"'},
    {description: 'Device codes wait for `cc emulator approve`', command: '<%= config.bin %> <%= command.id %> --device-code-delay manual'},
  ]

  static override flags = {
    port: Flags.integer({description: 'Port to listen on; 0 picks a free one.', default: 7450, min: 0, max: 65_535, env: 'CC_EMULATOR_PORT'}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    data: Flags.string({description: 'Data folder (default: <config dir>/emulator, or CC_EMULATOR_DATA).', helpValue: 'DIR'}),
    faults: Flags.string({description: 'Fault rules ("503,rate=20%;latency=50ms") or @FILE.', helpValue: 'SPEC'}),
    'page-size': Flags.integer({description: 'Items per page before lists return a next link (default 100; Dataverse 5000).', min: 1}),
    'device-code-delay': Flags.string({description: 'Device codes approve themselves after this delay (0, 1500ms, 2s) or never (manual).', default: '1s', helpValue: 'DURATION'}),
    'token-lifetime': Flags.integer({description: 'Access token lifetime in seconds.', default: 3600, min: 1}),
    verbose: Flags.boolean({description: 'Log every request on stderr.', default: false}),
  }

  async run(): Promise<EmulatorStartResult> {
    const {flags} = await this.parse(EmulatorStart)
    const context = this.context()
    const {parseApprovalDelay, resolveDataDir, startEmulator} = await import('../../emulator/index.js')
    let requests = 0
    const emulator = await startEmulator({
      dataDir: resolveDataDir({data: flags.data, configDir: context.configDir, cwd: context.cwd, env: context.env}),
      port: flags.port,
      host: flags.host,
      cwd: context.cwd,
      deviceCodeApprovalDelayMs: parseApprovalDelay(flags['device-code-delay']),
      tokenLifetimeSeconds: flags['token-lifetime'],
      ...(flags.faults === undefined ? {} : {faults: flags.faults}),
      ...(flags['page-size'] === undefined ? {} : {pageSize: flags['page-size']}),
      onRequest: (entry) => {
        requests++
        if (flags.verbose) process.stderr.write(`${renderRequest(entry)}\n`)
      },
    })
    const listening = renderListening(emulator.url, emulator.dataDir)
    if (this.jsonEnabled()) process.stderr.write(`${listening.stdout}\n`)
    else {
      this.log(listening.stdout)
      process.stderr.write(`${listening.stderr}\n`)
    }
    await stopRequested(context.signal)
    await emulator.close()
    if (!this.jsonEnabled()) process.stderr.write('Emulator stopped.\n')
    return {url: emulator.url, dataDir: emulator.dataDir, startedAt: emulator.startedAt, stoppedAt: new Date().toISOString(), requests}
  }
}

/** Resolves on Ctrl-C (the base command's abort signal) or SIGTERM. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    process.once('SIGTERM', done)
    signal?.addEventListener('abort', done, {once: true})
  })
}
