/**
 * Progress on a terminal while a plan runs: resources registered and analyzed (the
 * packs analyze while the program still registers). Silent when disabled (`--json`,
 * output not a terminal). Redrawn at most every 100 ms, on one line, erased at the end.
 */
export interface ProgressEvent {
  readonly phase: "register" | "analyze";
  readonly done: number;
  /** Known once the last resource has registered. */
  readonly total?: number;
}

export class Progress {
  private last = 0;
  private shown = false;
  private registered = 0;
  private analyzed = 0;
  private total: number | undefined;

  constructor(
    private readonly enabled: boolean,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly now: () => number = Date.now,
  ) {}

  update(event: ProgressEvent): void {
    if (!this.enabled) return;
    if (event.phase === "register") this.registered = event.done;
    else {
      this.analyzed = event.done;
      this.total = event.total ?? this.total;
    }
    const now = this.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.write(`\r\x1b[2K${this.line()}`);
    this.shown = true;
  }

  /** The line as it reads now. */
  line(): string {
    const analyzed = this.total === undefined ? `${this.analyzed}` : `${this.analyzed}/${this.total}`;
    return `registered ${this.registered} resources, analyzed ${analyzed}`;
  }

  done(): void {
    if (this.shown) this.write("\r\x1b[2K");
    this.shown = false;
  }
}
