#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, with the path and what we were doing, in words.
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32

    public var description: String {
        "could not \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

/// An open file descriptor with the few operations the log needs, each retried on EINTR.
final class POSIXFile {
    let fd: Int32
    let path: String

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    deinit { _ = close(fd) }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0) throws(IOError) -> POSIXFile {
        let fd = retryingOnInterrupt { Glibc_open(path, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw IOError(operation: "open", path: path, code: errno) }
        return POSIXFile(fd: fd, path: path)
    }

    /// Takes an advisory lock on the whole file, waiting for it.
    func lock(exclusive: Bool) throws(IOError) {
        guard retryingOnInterrupt({ flock(fd, exclusive ? LOCK_EX : LOCK_SH) }) == 0 else { throw IOError(operation: "lock", path: path, code: errno) }
    }

    func size() throws(IOError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError(operation: "stat", path: path, code: errno) }
        return Int(st.st_size)
    }

    func mode() throws(IOError) -> mode_t { try status().st_mode }

    func status() throws(IOError) -> stat {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError(operation: "stat", path: path, code: errno) }
        return st
    }

    /// Whether this open file is still the one at `path` (not replaced by a rename since it was opened).
    func isStill(at path: String) -> Bool {
        var here = stat(), there = stat()
        return fstat(fd, &here) == 0 && lstat(path, &there) == 0 && here.st_dev == there.st_dev && here.st_ino == there.st_ino
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns how many were read.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(IOError) -> Int {
        guard buffer.count > 0 else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = retryingOnInterrupt { pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
            if n < 0 { throw IOError(operation: "read", path: path, code: errno) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes every byte, looping over short writes.
    func writeAll(_ bytes: [UInt8]) throws(IOError) {
        let failure: Int32 = bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = retryingOnInterrupt { Glibc_write(fd, raw.baseAddress! + done, raw.count - done) }
                if n < 0 { return errno }
                done += n
            }
            return 0
        }
        if failure != 0 { throw IOError(operation: "write", path: path, code: failure) }
    }

    func sync() throws(IOError) {
        guard retryingOnInterrupt({ fsync(fd) }) == 0 else { throw IOError(operation: "flush to disk", path: path, code: errno) }
    }

    func truncate(to length: Int) throws(IOError) {
        guard retryingOnInterrupt({ ftruncate(fd, off_t(length)) }) == 0 else { throw IOError(operation: "truncate", path: path, code: errno) }
    }

    func setMode(_ mode: mode_t) throws(IOError) {
        guard fchmod(fd, mode) == 0 else { throw IOError(operation: "set permissions on", path: path, code: errno) }
    }
}

/// Calls `call` again for as long as it fails only because a signal interrupted it (EINTR); its result
/// otherwise, with `errno` as the call left it.
@inline(__always)
func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result != -1 || errno != EINTR { return result }
    }
}

/// Flushes a directory so a newly created or renamed file in it survives a crash.
func syncDirectory(of path: String) throws(IOError) {
    let dir = parentDirectory(of: path)
    let d = try POSIXFile.open(dir, flags: O_RDONLY)
    try d.sync()
}

func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// Writes a whole file durably under a temporary name no one can guess or plant (created with
/// `O_EXCL|O_NOFOLLOW`, so a file or link already there is never opened), then renames it into place:
/// `rename` replaces a link at `path` itself, never what it points to.
func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(IOError) {
    let temp = try writeTemporary(beside: path, bytes, mode: mode)
    guard rename(temp, path) == 0 else {
        let code = errno
        unlink(temp)
        throw IOError(operation: "rename into place", path: path, code: code)
    }
    try syncDirectory(of: path)
}

/// As `writeFileAtomically`, but never replacing anything already at `path` (a hard link, then the
/// temporary removed): for quarantined bytes, which must not overwrite an earlier quarantine.
func writeFileNew(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(IOError) {
    let temp = try writeTemporary(beside: path, bytes, mode: mode)
    defer { unlink(temp) }
    guard link(temp, path) == 0 else { throw IOError(operation: "create", path: path, code: errno) }
    try syncDirectory(of: path)
}

/// The prefix of every temporary casetrail creates beside `path`, so stale ones can be found.
func temporaryPrefix(for path: String) -> String { path + ".tmp-" }

private func writeTemporary(beside path: String, _ bytes: [UInt8], mode: mode_t) throws(IOError) -> String {
    try writeTemporary(beside: path, mode: mode) { f throws(IOError) in try f.writeAll(bytes) }
}

/// A new temporary beside `path` (`O_EXCL|O_NOFOLLOW`), filled by `write` and made durable; removed if `write` fails.
func writeTemporary(beside path: String, mode: mode_t, write: (POSIXFile) throws(IOError) -> Void) throws(IOError) -> String {
    var generator = SystemRandomNumberGenerator()
    while true {
        let temp = temporaryPrefix(for: path) + String(generator.next() as UInt64, radix: 16)
        let f: POSIXFile
        do {
            f = try POSIXFile.open(temp, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
        } catch where error.code == EEXIST {
            continue
        }
        do {
            try f.setMode(mode)
            try write(f)
            try f.sync()
        } catch {
            unlink(temp)
            throw error
        }
        return temp
    }
}

/// Removes temporaries beside `path` that a crashed write of this user left an hour or more ago.
func removeStaleTemporaries(beside path: String, now: time_t = time(nil)) {
    let dir = parentDirectory(of: path)
    let prefix = String(temporaryPrefix(for: path).split(separator: "/").last ?? "")
    guard let handle = opendir(dir) else { return }
    defer { closedir(handle) }
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard name.hasPrefix(prefix) else { continue }
        let full = dir + "/" + name
        var st = stat()
        guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid(), now - modificationTime(st) > 3600 else { continue }
        unlink(full)
    }
}

func modificationTime(_ st: stat) -> time_t {
    #if canImport(Glibc)
    return st.st_mtim.tv_sec
    #else
    return st.st_mtimespec.tv_sec
    #endif
}

/// What is at a path that is not a regular file, in words, or nil for a regular file (or nothing).
func nonRegularKind(_ st: stat) -> String? {
    switch st.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFLNK: return "a symbolic link"
    case S_IFDIR: return "a folder"
    case S_IFIFO: return "a named pipe"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFSOCK: return "a socket"
    default: return "something other than a file"
    }
}

// Module-qualified names so our methods called `open` and `write` do not shadow the C calls.
@inline(__always) private func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}

@inline(__always) private func Glibc_write(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buf, n)
    #else
    return Darwin.write(fd, buf, n)
    #endif
}
