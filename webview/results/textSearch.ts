/**
 * The table's text filter: the host matches it against full rows (rationales and error messages
 * included) and answers with the matching row indexes. Only the newest request's answer is used.
 */
import { matchSet } from "./sortFilter";

export class TextSearch {
  private seq = 0;
  /** The text of the request in flight, if any. */
  pendingText: string | null = null;

  constructor(
    private readonly search: (text: string) => Promise<number[]>,
    /** The match set (null: no text filter); `user`: the person changed the filter (not a new snapshot). */
    private readonly onResult: (matches: Uint8Array | null, user: boolean) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Filters by `text` over `rowCount` rows; an empty text clears the filter at once. */
  run(text: string, rowCount: number, user: boolean): void {
    const seq = ++this.seq;
    if (text.trim() === "") {
      this.pendingText = null;
      this.onResult(null, user);
      return;
    }
    this.pendingText = text;
    this.search(text).then(
      (rows) => {
        if (seq !== this.seq) return;
        this.pendingText = null;
        this.onResult(matchSet(rows, rowCount), user);
      },
      (e: unknown) => {
        if (seq !== this.seq) return;
        this.pendingText = null;
        this.onError(e);
      },
    );
  }
}
