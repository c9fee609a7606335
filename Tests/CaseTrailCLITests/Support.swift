import Foundation
@_exported import CaseTrailTestSupport

import CaseTrailCLI
import CaseTrailCore

let t0 = Timestamp("2023-04-03T09:00:00.000Z")!

/// The machine's clock now, for checks of logs written at real times (the demo log, the real binary's lines).
var realNow: Timestamp { Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)) }

/// Runs the CLI in-process with a fixed clock, login name and environment.
func cli(_ args: [String], env: [String: String] = [:], now: Timestamp = t0, terminalWidth: Int? = nil) -> Outcome {
    CLI.run(args, context: Context(environment: env, now: { now }, loginName: "ann", terminalWidth: terminalWidth))
}

/// The built `casetrail` binary beside the test bundle (or $CASETRAIL_BIN).
let binary: String = {
    if let b = ProcessInfo.processInfo.environment["CASETRAIL_BIN"] { return b }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("casetrail").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/casetrail").path
}()

/// Runs the real binary and returns stdout, stderr and the exit status.
func exec(_ args: [String], env: [String: String] = [:]) throws -> Outcome {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    for k in ["CASETRAIL_LOG", "CASETRAIL_ACTOR", "CASETRAIL_TODAY"] { environment[k] = nil }
    environment["CASETRAIL_WITNESS"] = "off"   // tests' logs share first lines; a test of the witness gives its own file
    p.environment = environment.merging(env) { $1 }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Outcome(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), status: p.terminationStatus)
}
