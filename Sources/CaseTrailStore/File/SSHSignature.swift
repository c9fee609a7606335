#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signing and checking a checkpoint with an SSH key, through OpenSSH's `ssh-keygen -Y` (the way git
/// signs commits): no cryptography of casetrail's own beyond SHA-256, and no new dependency.
public enum SSHSignature {
    /// The signature namespace: a signature made for anything else does not verify as a checkpoint's.
    public static let namespace = "casetrail-checkpoint"

    /// `ssh-keygen`: `CASETRAIL_SSH_KEYGEN` if set, else the first on PATH or in /usr/bin.
    public static func program(_ environment: [String: String]) -> String? {
        if let set = environment["CASETRAIL_SSH_KEYGEN"], !set.isEmpty { return set }
        let dirs = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        return dirs.map { $0 + "/ssh-keygen" }.first { access($0, X_OK) == 0 }
    }

    /// The armored signature (`-----BEGIN SSH SIGNATURE-----` …) of `message` by the private key at `key`.
    public static func sign(_ message: [UInt8], key: String, program: String) throws(StoreError) -> String {
        try withScratch { dir throws(StoreError) in
            let file = dir + "/checkpoint"
            try write(file, message)
            let (status, _, err) = try run(program, ["-Y", "sign", "-f", key, "-n", namespace, file], in: dir)
            guard status == 0, let sig = try? read(file + ".sig") else {
                throw .database("the checkpoint could not be signed with \(key) (ssh-keygen: \(err.isEmpty ? "exit status \(status)" : err)); give the path of an SSH private key you can read")
            }
            return String(decoding: sig, as: UTF8.self)
        }
    }

    /// Who (in `allowedSigners`, OpenSSH's format) signed `message` with `signature`; nil when no one
    /// listed there did, or the message was changed after signing.
    public static func signer(of message: [UInt8], signature: String, allowedSigners: String, program: String) throws(StoreError) -> String? {
        try withScratch { dir throws(StoreError) -> String? in
            let sig = dir + "/checkpoint.sig", file = dir + "/checkpoint"
            try write(sig, Array(signature.utf8))
            try write(file, message)
            let (found, principals, _) = try run(program, ["-Y", "find-principals", "-s", sig, "-f", allowedSigners], in: dir)
            guard found == 0 else { return nil }
            for principal in principals.split(separator: "\n").map(String.init) where !principal.isEmpty {
                let (status, _, _) = try run(program, ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", sig], in: dir, stdin: file)
                if status == 0 { return principal }
            }
            return nil
        }
    }

    /// A private folder for the files ssh-keygen reads and writes, removed afterwards.
    private static func withScratch<T>(_ body: (String) throws(StoreError) -> T) throws(StoreError) -> T {
        var template = Array("/tmp/casetrail-sign-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .io(IOError(operation: "create a private folder in", path: "/tmp", code: errno))
        }
        let dir = String(cString: made)
        defer {
            for name in ["checkpoint", "checkpoint.sig", "out", "err"] { unlink(dir + "/" + name) }
            rmdir(dir)
        }
        return try body(dir)
    }

    private static func write(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let file: POSIXFile
        do {
            file = try POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
            try file.writeAll(bytes)
        } catch { throw .io(error) }
    }

    private static func read(_ path: String) throws(StoreError) -> [UInt8] { try UserFile.read(path, maxBytes: 1 << 20) }

    /// Runs `program` with stdin from `stdin` (else nothing), stdout and stderr into files in `dir`.
    private static func run(_ program: String, _ args: [String], in dir: String, stdin: String? = nil) throws(StoreError) -> (Int32, String, String) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        let all = [program] + args
        var argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw .io(IOError(operation: "run", path: program, code: spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let out = (try? read(dir + "/out")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = (try? read(dir + "/err")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        unlink(dir + "/out"); unlink(dir + "/err")
        let firstError = err.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return (code, out, firstError)
    }
}
