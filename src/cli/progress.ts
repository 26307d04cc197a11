import type {Reporter} from '../core/context.js'

export interface StderrReporterOptions {
  /** Under --json nothing is printed (warnings are still collected). */
  quiet: boolean
  /** On a TTY steps and progress redraw one status line; otherwise they print plain lines. */
  tty: boolean
  debug: boolean
  onWarning: (message: string) => void
  write?: (text: string) => void
}

/** Renders core progress on stderr: a redrawn status line on a TTY, sparse plain lines in CI and pipes. */
export class StderrReporter implements Reporter {
  private statusShown = false
  private lastPercent = -1
  private readonly write: (text: string) => void

  constructor(private readonly options: StderrReporterOptions) {
    this.write = options.write ?? ((text) => process.stderr.write(text))
  }

  step(message: string): void {
    if (this.options.quiet) return
    if (this.options.tty) this.status(`${message}…`)
    else this.write(`${message}…\n`)
    this.lastPercent = -1
  }

  progress(done: number, total: number, label?: string): void {
    if (this.options.quiet || total <= 0) return
    const percent = Math.floor((done / total) * 100)
    const text = `${label ? `${label} ` : ''}${done}/${total} (${percent}%)`
    if (this.options.tty) this.status(text)
    else if (percent >= this.lastPercent + 25 || done === total) {
      this.lastPercent = percent
      this.write(`${text}\n`)
    }
  }

  warn(message: string): void {
    this.options.onWarning(message)
    if (this.options.quiet) return
    this.clear()
    this.write(`Warning: ${message}\n`)
  }

  debug(message: string): void {
    if (!this.options.debug) return
    this.clear()
    this.write(`cc: ${message}\n`)
  }

  /** Removes the status line (before other output and at the end). */
  clear(): void {
    if (this.statusShown) {
      this.write('\r\u001B[2K')
      this.statusShown = false
    }
  }

  private status(text: string): void {
    const width = Math.max((process.stderr.columns ?? 80) - 1, 20)
    this.write(`\r\u001B[2K${text.length > width ? text.slice(0, width - 1) + '…' : text}`)
    this.statusShown = true
  }
}
