/** A refused export or import: the command prints the message (no stack) and exits with 1. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
