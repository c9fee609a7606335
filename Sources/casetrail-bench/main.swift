#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaseTrailStore

/// casetrail-bench: writes a realistic log and measures the real `casetrail` binary against it,
/// with `wc -l` and `sha256sum` on the same file as floors.
let usage = """
USAGE: casetrail-bench generate --events N --out PATH [--seed S]
       casetrail-bench run --log PATH [--binary PATH] [--runs N] [--skip-cold]

"""

func fail(_ message: String) -> Never {
    let text = "Error: \(message)\n\(usage)"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(64)
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Runs a program to completion with stdout discarded; returns wall seconds, peak RSS in KiB and status.
func measure(_ argv: [String], stdoutTo: String = "/dev/null") -> (seconds: Double, maxRSSKiB: Int, status: Int32) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutTo, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var pid: pid_t = 0
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
    guard rc == 0 else { fail("could not start \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    clock_gettime(CLOCK_MONOTONIC, &end)
    posix_spawn_file_actions_destroy(&actions)
    let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    return (seconds, Int(usage.ru_maxrss), (status >> 8) & 0xff)
}

/// The number of lines in a file, counted in 1 MB reads.
func lineCount(_ path: String) -> Int {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { fail("cannot read \(path)") }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var lines = 0
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        lines += buffer[0..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
    return lines
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func fmt(_ seconds: Double) -> String {
    seconds < 1 ? String(Int((seconds * 1000).rounded())) + " ms" : String(Double(Int(seconds * 100)) / 100) + " s"
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "generate":
    guard let n = option("--events", in: args).flatMap(Int.init), n > 0 else { fail("--events takes a positive number") }
    guard let out = option("--out", in: args) else { fail("--out PATH is required") }
    let seed = option("--seed", in: args).flatMap(UInt64.init) ?? 1
    unlink(out)
    unlink(out + ".snapshot")
    var start = timespec(), end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    do {
        var generator = Generator(target: n, seed: seed, writer: try BulkWriter(creating: out))
        try generator.run()
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        print("Wrote \(generator.writer.lines) events to \(out) in \(fmt(seconds)) (seed \(seed)).")
    } catch {
        fail("\(error)")
    }

case "run":
    guard let log = option("--log", in: args) else { fail("--log PATH is required") }
    let binary = option("--binary", in: args) ?? ".build/release/casetrail"
    let runs = option("--runs", in: args).flatMap(Int.init) ?? 5
    var rows: [(String, Double, Int, String)] = []
    func bench(_ name: String, _ fixed: [String] = [], argv: (Int) -> [String] = { _ in [] }, before: () -> Void = {}, note: String = "") {
        var times: [Double] = []
        var rss = 0
        for i in 0..<runs {
            before()
            let command = fixed.isEmpty ? argv(i) : fixed
            let r = measure(command)
            if r.status != 0 { fail("\(command.joined(separator: " ")) exited \(r.status)") }
            times.append(r.seconds)
            rss = max(rss, r.maxRSSKiB)
        }
        let m = median(times)
        rows.append((name, m, rss, note))
        print("\(name): median \(fmt(m)) of \(runs) (\(fmt(times.min()!))-\(fmt(times.max()!))), peak \(rss / 1024) MiB \(note)")
    }
    /// The median of a row already measured.
    func medianOf(_ name: String) -> Double? { rows.first { $0.0 == name }?.1 }
    var st = stat()
    stat(log, &st)
    bench("wc -l (floor)", ["wc", "-l", log])
    bench("sha256sum (floor)", ["sha256sum", log])
    let query = [binary, "outstanding", "--log", log, "--today", "2030-01-01", "--format", "json"]
    if !args.contains("--skip-cold") {
        // The replay alone (snapshots off), then what a first query really costs: replay and writing the snapshot.
        bench("cold replay, outstanding (snapshots off)", ["env", "CASETRAIL_SNAPSHOT_MIN_EVENTS=off"] + query)
        bench("first outstanding (replay, then writes the snapshot)", query, before: { unlink(log + ".snapshot") })
    }
    _ = measure(query)   // leaves a snapshot behind
    bench("warm outstanding (snapshot)", query)
    let stamp = time(nil)
    bench("append with fsync", argv: { i in [binary, "agency", "alias", "AG1", "Bench alias \(stamp)-\(i)", "--log", log, "--actor", "bench-admin"] })
    bench("verify", [binary, "verify", "--log", log])
    let events = lineCount(log)
    print("file: \(log), \(st.st_size / 1_048_576) MiB, \(events) events")
    // The issue's targets, against the floors measured in this same run.
    if let cold = medianOf("cold replay, outstanding (snapshots off)") {
        print("cold replay: \(Int(Double(events) / cold)) events a second (target: at least 1,000,000)")
    }
    if let verify = medianOf("verify"), let sha = medianOf("sha256sum (floor)") {
        print("verify: \(Double(Int(verify / sha * 100)) / 100) times sha256sum (target: at most 2)")
    }
    print("casetrail hashes with: \(SHA256.usesProcessorInstructions ? "the processor's SHA instructions" : "portable Swift code")")
case "run-database":
    // The database store against the file it was copied from, measured in the same run, interleaved.
    guard let uri = option("--uri", in: args), let file = option("--file", in: args) else { fail("--uri URI and --file PATH are required") }
    let binary = option("--binary", in: args) ?? ".build/release/casetrail"
    let runs = option("--runs", in: args).flatMap(Int.init) ?? 5
    let cache = option("--cache", in: args) ?? "scratch/pg-cache"
    func timed(_ name: String, _ argv: (Int) -> [String]) -> Double {
        var times: [Double] = []
        var rss = 0
        for i in 0..<runs {
            let r = measure(argv(i))
            if r.status != 0 { fail("\(argv(i).joined(separator: " ")) exited \(r.status)") }
            times.append(r.seconds)
            rss = max(rss, r.maxRSSKiB)
        }
        print("\(name): median \(fmt(median(times))) of \(runs) (\(fmt(times.min()!))-\(fmt(times.max()!))), peak \(rss / 1024) MiB")
        return median(times)
    }
    let query = ["outstanding", "--today", "2030-01-01", "--format", "json"]
    let cold = ["env", "CASETRAIL_SNAPSHOT_MIN_EVENTS=off", "XDG_CACHE_HOME=\(cache)", binary]
    // Interleaved: file, database, file, database…
    var fileTimes: [Double] = [], databaseTimes: [Double] = []
    for _ in 0..<runs {
        fileTimes.append(measure(cold + query + ["--log", file]).seconds)
        databaseTimes.append(measure(cold + query + ["--log", uri]).seconds)
    }
    let fileCold = median(fileTimes), databaseCold = median(databaseTimes)
    print("cold replay, outstanding, file: median \(fmt(fileCold)) of \(runs) (\(fmt(fileTimes.min()!))-\(fmt(fileTimes.max()!)))")
    print("cold replay, outstanding, database: median \(fmt(databaseCold)) of \(runs) (\(fmt(databaseTimes.min()!))-\(fmt(databaseTimes.max()!)))")
    print("database replay speed: \(Double(Int(fileCold / databaseCold * 100)) / 100) of the file's (target: at least 0.5)")
    let warm = ["env", "XDG_CACHE_HOME=\(cache)", binary]
    _ = measure(warm + query + ["--log", uri])   // leaves the snapshot in the cache folder
    _ = timed("warm outstanding, database (snapshot in the cache folder)") { _ in warm + query + ["--log", uri] }
    _ = timed("warm outstanding, file (snapshot beside it)") { _ in warm + query + ["--log", file] }
    let stamp = time(nil)
    let append = timed("append, database (one transaction, synchronous commit)") { i in warm + ["agency", "alias", "AG1", "DB bench alias \(stamp)-\(i)", "--log", uri] }
    print("database append: \(fmt(append)) (target: under 20 ms)")
    _ = timed("verify, database") { _ in [binary, "verify", "--log", uri] }
    _ = timed("psql -c 'SELECT 1' (floor: a process that loads libpq and connects)") { _ in ["psql", "-X", "-At", "-d", uri, "-c", "SELECT 1"] }
default:
    fail("give a subcommand: generate, run or run-database")
}
