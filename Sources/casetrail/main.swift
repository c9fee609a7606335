#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailCLI
import CaseTrailCore

/// The real clock, read only here at the edge.
@Sendable func systemNow() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
}

/// The OS login name, the actor of last resort.
func loginName() -> String {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return "unknown"
}

var environment: [String: String] = [:]
var entry = environ
while let pointer = entry.pointee {
    let pair = String(cString: pointer)
    if let eq = pair.firstIndex(of: "=") { environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
    entry += 1
}

/// The columns of the terminal stdout goes to (`COLUMNS` first, as shells set it), or nil when it goes elsewhere.
func terminalWidth(_ environment: [String: String]) -> Int? {
    guard isatty(1) == 1 else { return nil }
    if let text = environment["COLUMNS"], let n = Int(text), (20...10_000).contains(n) { return n }
    var size = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
    return 80
}

// Read as bytes: `CommandLine.arguments` would silently replace what is not UTF-8.
let arguments = (1..<Int(CommandLine.argc)).map { i in CommandLine.unsafeArgv[i].flatMap { String(validatingCString: $0) } }
let outcome = CLI.run(arguments: arguments,
                      context: Context(environment: environment, now: systemNow, loginName: loginName(), exitsAfterRun: true,
                                       terminalWidth: terminalWidth(environment)))
/// Writes all of `text` to a file descriptor, looping over short writes.
func emit(_ text: String, to fd: Int32) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 { if errno == EINTR { continue } else { return } }
        done += n
    }
}

emit(outcome.stdout, to: 1)
emit(outcome.stderr, to: 2)
exit(outcome.status)
