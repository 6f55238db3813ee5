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

/** Node's fs errors, turned into one line naming the path and what to do (a UserError stays as it is). */
export function describeFsError(error: unknown, path: string): UserError {
  if (isUserError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const say = (what: string) => new UserError(`${path}: ${what}`, path);
  switch (code) {
    case 'ENOENT':
      return say('no such file or directory; check the path');
    case 'EISDIR':
    case 'ERR_FS_EISDIR':
      return say('is a directory, expected a file; move it away or choose another path');
    case 'ENOTDIR':
      return say('a part of this path is not a directory; check the path');
    case 'EACCES':
    case 'EPERM':
      return say('permission denied; change its permissions or choose another path');
    case 'ELOOP':
      return say('too many levels of symbolic links (a link loop); fix or remove the link');
    case 'ENAMETOOLONG':
      return say('the path is too long; choose a shorter one');
    case 'EROFS':
      return say('on a read-only file system; choose a writable path');
    case 'ENOSPC':
    case 'EDQUOT':
      return say('no space left on the device; free some space or choose another path');
    case 'EEXIST':
      return say('already exists; remove it or choose another path');
    case 'ENOTEMPTY':
      return say('a folder that is not empty is in the way; move it or choose another path');
    case 'EMFILE':
    case 'ENFILE':
      return say('too many open files; raise the limit (ulimit -n) or use fewer --jobs');
    case 'EIO':
      return say('input/output error from the device; check the disk');
    case 'EBUSY':
      return say('busy (in use by another program); retry or choose another path');
    default:
      return say((error as Error)?.message ?? String(error));
  }
}
