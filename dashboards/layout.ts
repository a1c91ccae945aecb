/**
 * The dashboard grid: Grafana's 24 columns, panels placed left to right and wrapped to a
 * new line when the next one does not fit, rows on lines of their own. `gridProblems`
 * checks any layout (ours or one read back from JSON): inside the grid, no overlaps.
 */
import type { GridPos } from "./sdk";

export const GRID_COLUMNS = 24;

export class GridLayout {
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  /** The next free place for a panel `w` columns wide and `h` units high. */
  place(w: number, h: number): GridPos {
    if (!Number.isInteger(w) || w < 1 || w > GRID_COLUMNS) throw new Error(`panel width ${w} is not 1–${GRID_COLUMNS} columns`);
    if (!Number.isInteger(h) || h < 1) throw new Error(`panel height ${h} is not a positive whole number`);
    if (this.x + w > GRID_COLUMNS) this.newLine();
    const position = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    return position;
  }

  /** A full-width row header (height 1) on a line of its own. */
  row(): GridPos {
    this.newLine();
    const position = { x: 0, y: this.y, w: GRID_COLUMNS, h: 1 };
    this.y += 1;
    return position;
  }

  /** Finish the current line: the next panel starts at the left edge below it. */
  newLine(): void {
    if (this.x === 0 && this.lineHeight === 0) return;
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

export interface Placed {
  /** How the item is named in messages (its title or key). */
  readonly name: string;
  readonly gridPos: GridPos;
}

/** Panels outside the grid and every pair of panels that overlap, in words. */
export function gridProblems(items: readonly Placed[]): string[] {
  const problems: string[] = [];
  for (const { name, gridPos: g } of items) {
    const whole = [g.x, g.y, g.w, g.h].every(Number.isInteger);
    if (!whole || g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) {
      problems.push(`"${name}" lies outside the ${GRID_COLUMNS}-column grid (x ${g.x}, y ${g.y}, w ${g.w}, h ${g.h})`);
    }
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (overlap(items[i].gridPos, items[j].gridPos)) problems.push(`"${items[i].name}" and "${items[j].name}" overlap on the grid`);
    }
  }
  return problems;
}

function overlap(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
