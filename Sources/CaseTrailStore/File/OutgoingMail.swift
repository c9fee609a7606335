#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files a command writes for people to open (reminder messages), and handing them to `sendmail`.
public enum OutgoingMail {
    /// Writes `bytes` as `name` in `folder` (made, private, if it is not there): through a new
    /// temporary beside it (`O_EXCL|O_NOFOLLOW`), renamed into place, so nothing planted there is
    /// written through and a reader never sees half a message.
    public static func save(_ bytes: [UInt8], named name: String, in folder: String) throws(IOError) -> String {
        if !fileExists(folder), mkdir(folder, 0o700) != 0, errno != EEXIST { throw IOError(operation: "create the folder", path: folder, code: errno) }
        let path = (folder.hasSuffix("/") ? folder : folder + "/") + name
        try writeFileAtomically(path, bytes, mode: 0o600)
        return path
    }

    /// The system's `sendmail`: `CASETRAIL_SENDMAIL` if set, else where mail systems put it.
    public static func sendmail(_ environment: [String: String]) -> String? {
        if let set = environment["CASETRAIL_SENDMAIL"], !set.isEmpty { return set }
        return ["/usr/sbin/sendmail", "/usr/lib/sendmail"].first { access($0, X_OK) == 0 }
    }

    /// Hands one RFC 5322 message to `sendmail -t -oi` (recipients from its headers, a lone dot not
    /// the end), returning its exit status.
    public static func send(_ message: [UInt8], with program: String) throws(IOError) -> Int32 {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw IOError(operation: "make a pipe for", path: program, code: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        let args = [program, "-t", "-oi"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, &argv, environ)
        close(pipeEnds[0])
        guard spawned == 0 else { close(pipeEnds[1]); throw IOError(operation: "run", path: program, code: spawned) }
        // A sendmail that stops reading must not take casetrail down with SIGPIPE; its status says what happened.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var done = 0
        while done < message.count {
            let n = message.withUnsafeBytes { write(pipeEnds[1], $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; break }
            done += n
        }
        close(pipeEnds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out: Swift does not import the macros.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

/// Files a user names for casetrail to write or read whole (proof bundles).
public enum UserFile {
    /// Writes a new file at `path`: refused if anything is there already, link or file, and never
    /// seen half-written (a temporary beside it, linked into place).
    public static func create(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        do { try writeFileNew(path, bytes, mode: 0o644) } catch {
            throw error.code == EEXIST ? .database("\(path) already exists; give a new file name (nothing was written).") : .io(error)
        }
    }

    /// What to say when a file cannot be read, for the command reading it.
    public struct Words {
        var missing: String, link: String
        var notAFile: (String) -> String, tooBig: (Int) -> String
    }

    /// The whole of a regular file of at most `maxBytes` (a link is not followed).
    public static func read(_ path: String, maxBytes: Int) throws(StoreError) -> [UInt8] {
        try read(path, maxBytes: maxBytes, words: Words(
            missing: "there is no file \(path); check the name and folder.", link: "\(path) is a symbolic link; give the file itself.",
            notAFile: { "\(path) is \($0), not a file." }, tooBig: { "\(path) is larger (\($0) bytes) than casetrail reads for it (\(maxBytes))." }))
    }

    static func read(_ path: String, maxBytes: Int, words: Words) throws(StoreError) -> [UInt8] {
        let file: POSIXFile
        do { file = try POSIXFile.open(path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK) } catch {
            switch error.code {
            case ENOENT: throw .database(words.missing)
            case ELOOP: throw .database(words.link)
            default: throw .io(error)
            }
        }
        do {
            let st = try file.status()
            if let kind = nonRegularKind(st) { throw StoreError.database(words.notAFile(kind)) }
            let size = try file.size()
            guard size <= maxBytes else { throw StoreError.database(words.tooBig(size)) }
            var bytes = [UInt8](repeating: 0, count: size)
            var done = 0
            while done < size {
                let n = try bytes.withUnsafeMutableBytes { raw throws(IOError) in try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]), at: done) }
                if n == 0 { break }
                done += n
            }
            return Array(bytes[..<done])
        } catch let e as StoreError {
            throw e
        } catch let e as IOError {
            throw .io(e)
        } catch {
            throw .database("\(path) could not be read")
        }
    }
}
