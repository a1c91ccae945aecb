/** Progress on a terminal (resources registered, analyzed); silent elsewhere. */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(private readonly enabled: boolean) {}

  update(event: { phase: "register" | "analyze"; done: number; total?: number }): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const text = event.phase === "register" ? `registered ${event.done} resources` : `analyzed ${event.done}/${event.total ?? "?"} resources`;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write("\r\x1b[2K");
    this.shown = false;
  }
}
