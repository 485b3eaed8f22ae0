import { ConsoleLogger } from '@nestjs/common';

/** Keeps every line the app logs (errors with their message and stack) instead of printing it. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  protected override printMessages(messages: unknown[], context?: string, level?: string) {
    this.lines.push(
      `${level} ${context} ${messages.map((m) => (m instanceof Error ? `${m.message} ${m.stack}` : JSON.stringify(m))).join(' ')}`,
    );
  }
}
