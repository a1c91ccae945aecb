/**
 * Reading the user's files (catalogs, stack config, policy config) safely: regular files
 * only, symlinks resolved and kept inside the project, a size cap checked before reading
 * and enforced while reading, each file read once. A device (`/dev/zero`), a FIFO, a
 * folder where a file is expected, a dangling link or a link loop is refused with one
 * line naming the path, in well under a second; nothing is read without bound.
 */
import * as fs from "fs";
import * as path from "path";

/** A catalog file may be at most this big (bytes): split a bigger catalog into a folder of files. */
export const MAX_CATALOG_FILE_BYTES = 4 * 1024 * 1024;
/** All the files of one catalog together (bytes): a bigger catalog is more than one stack should plan. */
export const MAX_CATALOG_BYTES = 16 * 1024 * 1024;
/** A stack config (`Pulumi.<stack>.yaml`, `Pulumi.yaml`) or a policy config file (bytes). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** Why a file was not read: the path as the user wrote it, and what is wrong with it. */
export class FileRefusal extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "FileRefusal";
  }
}

/** Where symlinks may lead. */
export interface Confinement {
  /** Folders a symlink may resolve into (the project root; a catalog folder). */
  readonly roots: readonly string[];
  /** Follow symlinks anywhere (`--allow-outside-project`, stack config `lookout:allowOutsideProject`). */
  readonly allowOutside?: boolean;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

export function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function realRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch {
    return path.resolve(root);
  }
}

/**
 * The real path of `file` (links resolved), refused when it cannot be resolved or when
 * a link leads outside the confinement's roots. A path that is no link is taken where
 * the user put it.
 */
export function resolveUserPath(file: string, confinement: Confinement, what = "file"): string {
  let lstat: fs.Stats;
  try {
    lstat = fs.lstatSync(file);
  } catch {
    throw new FileRefusal(file, `no such ${what}`);
  }
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // /dev/stdin on a pipe: a link to /proc/self/fd/0, which names no path but opens.
    const stream = code === "ELOOP" ? undefined : statOrUndefined(file);
    if (stream) throw new FileRefusal(file, `${kindOf(stream)}, not a regular file`);
    throw new FileRefusal(file, code === "ELOOP" ? "a symlink loop" : "a dangling symlink (its target does not exist)");
  }
  // /dev/stdin is a link too (into /proc): refused like any link out of the project, and
  // first for what it is when that is no file at all (a device, a pipe).
  const target = statOrUndefined(file);
  if (lstat.isSymbolicLink() && target && !target.isFile() && !target.isDirectory()) throw new FileRefusal(file, `${kindOf(target)}, not a regular file`);
  if (lstat.isSymbolicLink() && !confinement.allowOutside && !confinement.roots.map(realRoot).some((root) => isInside(real, root))) {
    throw new FileRefusal(file, `a symlink to ${real}, outside the project (pass --allow-outside-project, or set lookout:allowOutsideProject, to follow it)`);
  }
  return real;
}

/** The kind of what `file` resolves to, refused unless it is a regular file or (when allowed) a folder. */
export function statUserPath(file: string, real: string, folderAllowed: boolean): fs.Stats {
  const stat = fs.statSync(real);
  if (stat.isFile() || (folderAllowed && stat.isDirectory())) return stat;
  throw new FileRefusal(file, `${kindOf(stat)}, not a regular file${folderAllowed ? " or folder" : ""}`);
}

/**
 * Reads a regular file once, as UTF-8, refusing it when it is bigger than `maxBytes`
 * (checked on the open file before reading, and enforced while reading: a file that
 * grows is not read past the cap). `real` is its resolved path (`resolveUserPath`).
 */
export function readRegularFile(file: string, real: string, maxBytes: number, capName = `the per-file limit of ${mib(maxBytes)}`): string {
  let fd: number;
  try {
    // Non-blocking: a FIFO swapped in after the check opens at once instead of hanging.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw new FileRefusal(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new FileRefusal(file, `${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw new FileRefusal(file, `${mib(stat.size)}, over ${capName}`);
    // One byte more than the file holds: reading it means the file grew while it was read.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > stat.size) throw new FileRefusal(file, "changed while it was read");
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** A config file the user or the project names: a regular file, confined like the rest, at most MAX_CONFIG_FILE_BYTES. */
export function readConfigFile(file: string, confinement: Confinement): string {
  const real = resolveUserPath(file, confinement);
  statUserPath(file, real, false);
  return readRegularFile(file, real, MAX_CONFIG_FILE_BYTES);
}
