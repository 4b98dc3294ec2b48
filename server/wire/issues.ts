/**
 * Collects rejected spans and warnings while decoding, with a cap on the number of messages so a
 * request with 100k bad spans does not produce a 100k-line error message.
 */

export const MAX_ERROR_MESSAGES = 20;

export class DecodeIssues {
  rejected = 0;
  private readonly messages: string[] = [];
  private omitted = 0;

  constructor(private readonly maxMessages = MAX_ERROR_MESSAGES) {}

  /** Counts one rejected span. */
  reject(where: string, why: string): void {
    this.rejected++;
    this.add(`${where}: ${why}`);
  }

  /** Records a problem that did not reject a span (e.g. a dropped link). */
  warn(where: string, why: string): void {
    this.add(`${where}: ${why}`);
  }

  /** Adds already-formatted messages (e.g. from a nested decode), counting rejections. */
  absorb(prefix: string, rejected: number, errors: readonly string[]): void {
    this.rejected += rejected;
    for (const e of errors) this.add(prefix ? `${prefix}: ${e}` : e);
  }

  private add(message: string): void {
    if (this.messages.length < this.maxMessages) this.messages.push(message);
    else this.omitted++;
  }

  errors(): string[] {
    return this.omitted > 0 ? [...this.messages, `… and ${this.omitted} more`] : this.messages.slice();
  }
}
