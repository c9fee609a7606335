import Foundation
import Testing
import CaseTrailCLI
import CaseTrailCore
@testable import CaseTrailStore

/// Another member of a shared folder plants links, pipes and files where casetrail will look or
/// write: nothing casetrail does may be turned into a write somewhere else, or hang, or be lost.
@Suite struct HostileFilesTests {
    let initArgs = ["init", "--partnership", "Medway", "--code", "MSCP"]

    func mode(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }

    @Test func initRefusesWhateverIsAlreadyThereExceptACrashedInitsLeftovers() throws {
        let dir = try TemporaryDirectory()
        let victim = dir.path("victim.txt")
        try writeBytes(victim, Array("precious".utf8))
        chmod(victim, 0o644)
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.jsonl"), withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: dir.path("dangling.jsonl"), withDestinationPath: dir.path("nowhere.jsonl"))
        mkfifo(dir.path("pipe.jsonl"), 0o600)
        try FileManager.default.createDirectory(atPath: dir.path("folder.jsonl"), withIntermediateDirectories: false)
        try writeBytes(dir.path("notes.jsonl"), Array("hello, no newline".utf8))
        let cases = [("link.jsonl", "a symbolic link"), ("dangling.jsonl", "a symbolic link"), ("pipe.jsonl", "a named pipe"),
                     ("folder.jsonl", "a folder"), ("notes.jsonl", "a file that is not a casetrail log")]
        for (name, what) in cases {
            let out = cli(initArgs + ["--log", dir.path(name)])
            #expect(out.status == 1, "\(name)")
            #expect(out.stderr == "Error: \(dir.path(name)) is already taken by \(what); it was left untouched. Use another --log path to start a new log.\n")
        }
        #expect(readBytes(victim) == Array("precious".utf8) && mode(victim) == 0o644)
        #expect(!FileManager.default.fileExists(atPath: dir.path("nowhere.jsonl")))
        #expect(readBytes(dir.path("notes.jsonl")) == Array("hello, no newline".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("")).filter { $0.contains(".torn-") }.isEmpty)
    }

    @Test func initRefusesADeviceAndLeavesItAsItWas() throws {
        guard geteuid() == 0 else { return }   // only root can make a device node
        let dir = try TemporaryDirectory()
        let device = dir.path("null.jsonl")   // a /dev/null of the test's own, so no mistake can harm the real one
        #expect(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)   // major 1, minor 3: null
        chmod(device, 0o666)
        let out = cli(initArgs + ["--log", device])
        #expect(out.stderr == "Error: \(device) is already taken by a device; it was left untouched. Use another --log path to start a new log.\n")
        var st = stat()
        #expect(stat(device, &st) == 0 && st.st_mode & S_IFMT == S_IFCHR && st.st_mode & 0o777 == 0o666)
        #expect(cli(["members", "--log", device]).stderr.contains("is a device, not a file"))
    }

    @Test func initRefusesAnotherUsersEmptyFile() throws {
        guard geteuid() == 0 else { return }   // only root can give a file away
        let dir = try TemporaryDirectory()
        let log = dir.path("theirs.jsonl")
        try writeBytes(log, [])
        chown(log, 65534, 65534)
        let out = cli(initArgs + ["--log", log])
        #expect(out.stderr.contains("is already taken by a file another user owns or can write"))
        #expect(readBytes(log).isEmpty)
    }

    @Test func aLogThatIsALinkOrAPipeIsRefusedAtOnceWithoutFollowingOrWaiting() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let link = dir.path("events/link.jsonl"), pipe = dir.path("events/pipe.jsonl")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: log)
        mkfifo(pipe, 0o600)
        for (path, what) in [(link, "a symbolic link"), (pipe, "a named pipe")] {
            for args in [["members"], ["agency", "add", "X", "--name", "X"], ["verify"]] {
                let out = cli(args + ["--log", path])
                #expect(out.status == 1, "\(args) \(what)")
                #expect(out.stderr.contains("\(path) is \(what), not a file; casetrail reads and writes only a regular file"), "\(out.stderr)")
            }
        }
    }

    @Test func linksPlantedWhereSnapshotsAndQuarantinesGoAreReplacedNotFollowed() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        let victim = dir.path("victim.txt")
        try writeBytes(victim, Array("precious".utf8))
        try FileManager.default.createSymbolicLink(atPath: log + ".snapshot", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: log + ".torn-7", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: temporaryPrefix(for: log + ".snapshot") + "0", withDestinationPath: victim)
        #expect(cli(["members", "--log", log], env: ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]).status == 0)
        try writeBytes(log, readBytes(log) + Array(#"{"seq":7,"str"#.utf8))   // a torn write
        let out = cli(["agency", "add", "X", "--name", "X", "--log", log], env: ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"])
        #expect(out.status == 0)
        #expect(out.stderr.contains("moved to \(log).torn-7-2"))
        #expect(readBytes(victim) == Array("precious".utf8))
        #expect(readBytes(log + ".torn-7-2") == Array(#"{"seq":7,"str"#.utf8))
        let snapshot = try FileManager.default.attributesOfItem(atPath: log + ".snapshot")[.type] as? FileAttributeType
        #expect(snapshot == .typeRegular, "the link itself was replaced by the snapshot")
        #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) != nil)
    }

    @Test func aSnapshotSomeoneElseCouldHaveWrittenIsIgnored() throws {
        let (dir, log) = try reviewedLog()
        defer { withExtendedLifetime(dir) {} }
        let env = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
        _ = cli(["outstanding", "--log", log], env: env)
        #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) != nil)
        chmod(log + ".snapshot", 0o622)
        #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) == nil, "writable by others")
        _ = cli(["outstanding", "--log", log], env: env)   // written anew, privately
        #expect(mode(log + ".snapshot") == 0o600 && EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) != nil)
        if geteuid() == 0 {
            chown(log + ".snapshot", 65534, 65534)
            #expect(EventLog(path: log).loadSnapshot(damage: SnapshotDamage()) == nil, "another user's")
        }
    }

    @Test func aSharedLogsSnapshotsAndQuarantinesAreReadableByItsGroupOnly() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("shared/p.jsonl")
        #expect(cli(initArgs + ["--shared-group", "--log", log]).status == 0)
        #expect(mode(log) == 0o660)
        let env = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
        _ = cli(["members", "--log", log], env: env)
        #expect(mode(log + ".snapshot") == 0o640)
        try writeBytes(log, readBytes(log) + Array(#"{"seq":3"#.utf8))
        #expect(cli(["agency", "add", "X", "--name", "X", "--log", log], env: env).status == 0)
        #expect(mode(log + ".torn-3") == 0o640)
    }

    @Test func onALogOthersCanWriteAChangedLineBeforeTheSnapshotStopsWrites() throws {
        let dir = try TemporaryDirectory()
        let log = dir.path("shared/p.jsonl")
        let env = ["CASETRAIL_SNAPSHOT_MIN_EVENTS": "1"]
        #expect(cli(initArgs + ["--shared-group", "--log", log]).status == 0)
        for n in 1...4 { #expect(cli(["agency", "add", "A\(n)", "--name", "Agency \(n)", "--log", log], env: env).status == 0) }
        _ = cli(["agencies", "--log", log], env: env)   // a snapshot at the head, with the digest of what is before it
        #expect(cli(["agency", "add", "B1", "--name", "Before", "--log", log], env: env).status == 0, "an untouched shared log is written to")
        // Another member of the group changes a byte of line 3, long before the snapshot's line.
        var bytes = readBytes(log)
        let third = bytes.indices.filter { bytes[$0] == 0x0A }[1] + 1
        let at = third + Array(bytes[third...]).firstIndex(of: UInt8(ascii: "1"))!
        bytes[at] = UInt8(ascii: "7")
        try writeBytes(log, bytes)
        let write = cli(["agency", "add", "B2", "--name", "After", "--log", log], env: env)
        #expect(write.status == 3)
        #expect(write.stderr.contains("integrity check at line 3: hash mismatch"), "\(write.stderr)")
        #expect(readBytes(log) == bytes, "nothing appended")
    }

    @Test func aFolderOthersCanWriteIsRefused() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        chmod(dir.path("events"), 0o777)
        let out = cli(["members", "--log", log])
        #expect(out.status == 3)
        #expect(out.stderr == "Error: The folder \(dir.path("events")) can be written by users other than its owner and group, so anyone could replace the log in it; run 'chmod o-w \(dir.path("events"))', or keep the log in another folder.\n")
        chmod(dir.path("events"), 0o750)
        #expect(cli(["members", "--log", log]).status == 0)
    }

    @Test func anEventIsNotLostWhenTheLogIsReplacedWhileItsWriterWaitsForTheLock() throws {
        let (dir, log) = try foundedLog()
        defer { withExtendedLifetime(dir) {} }
        // A reader holds the log as it is now: the writer reads, decides, then waits to append...
        let fd = open(log, O_RDONLY)
        #expect(flock(fd, LOCK_SH) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: binary)
        writer.arguments = ["agency", "add", "LATE", "--name", "Late agency", "--log", log, "--actor", "ann"]
        writer.standardOutput = FileHandle.nullDevice
        writer.environment = ProcessInfo.processInfo.environment.merging(["CASETRAIL_WITNESS": "off"]) { $1 }
        try writer.run()
        usleep(600_000)
        // ...while the log is replaced by a rename, as a restore from a backup would, before the reader lets go.
        try FileManager.default.copyItem(atPath: log, toPath: log + ".restored")
        #expect(rename(log + ".restored", log) == 0)
        close(fd)
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(String(decoding: readBytes(log), as: UTF8.self).contains("Late agency"), "the acknowledged event is in the log at the path")
        #expect(cli(["verify", "--log", log], now: realNow).status == 0)
    }
}
