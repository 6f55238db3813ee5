// The one error type a user can cause: commands print its message as a single line and exit 2.
// Library code throws it for bad input (missing file, malformed tokenizer, empty category, ...).

export class UserError extends Error {
  /** The file, name or flag the message is about, when there is one. */
  readonly input?: string;

  constructor(message: string, input?: string) {
    super(message);
    this.name = 'UserError';
    this.input = input;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError || (error instanceof Error && error.name === 'UserError');
}

/** Node's fs errors, turned into one line naming the path and what to do. */
export function describeFsError(error: unknown, path: string): UserError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new UserError(`${path}: no such file or directory; check the path`, path);
    case 'EISDIR':
      return new UserError(`${path}: is a directory, expected a file`, path);
    case 'ENOTDIR':
      return new UserError(`${path}: a part of this path is not a directory`, path);
    case 'EACCES':
    case 'EPERM':
      return new UserError(`${path}: permission denied`, path);
    default:
      return new UserError(`${path}: ${(error as Error)?.message ?? String(error)}`, path);
  }
}
