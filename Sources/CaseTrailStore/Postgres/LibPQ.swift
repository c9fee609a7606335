#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few libpq functions the database store uses, looked up at run time with `dlopen`, so that
/// building casetrail and using a file log need no PostgreSQL headers or libraries.
final class LibPQ: @unchecked Sendable {
    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer

    let connectdb: @convention(c) (UnsafePointer<CChar>) -> Conn?
    let status: @convention(c) (Conn?) -> Int32
    let errorMessage: @convention(c) (Conn?) -> UnsafePointer<CChar>?
    let finish: @convention(c) (Conn?) -> Void
    let exec: @convention(c) (Conn?, UnsafePointer<CChar>) -> Result?
    let execParams: @convention(c) (Conn?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
                                    UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?
    let resultStatus: @convention(c) (Result?) -> Int32
    let resultErrorMessage: @convention(c) (Result?) -> UnsafePointer<CChar>?
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafePointer<CChar>?
    let ntuples: @convention(c) (Result?) -> Int32
    let nfields: @convention(c) (Result?) -> Int32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>?
    let getlength: @convention(c) (Result?, Int32, Int32) -> Int32
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let clear: @convention(c) (Result?) -> Void
    let getCopyData: @convention(c) (Conn?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, Int32) -> Int32
    let putCopyData: @convention(c) (Conn?, UnsafePointer<CChar>, Int32) -> Int32
    let putCopyEnd: @convention(c) (Conn?, UnsafePointer<CChar>?) -> Int32
    let getResult: @convention(c) (Conn?) -> Result?
    let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void

    // Result and connection statuses (libpq-fe.h).
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1, tuplesOK: Int32 = 2, copyOut: Int32 = 3, copyIn: Int32 = 4
    /// `PG_DIAG_SQLSTATE`: the five-character error code.
    static let sqlState = Int32(UInt8(ascii: "C"))
    /// `PG_DIAG_MESSAGE_PRIMARY`: the message's one line, without the statement or context.
    static let primaryMessage = Int32(UInt8(ascii: "M"))

    /// The system's libpq, loaded once; nil (with why) when it is not installed.
    static let shared: Swift.Result<LibPQ, StoreError> = load()

    /// The names the library goes by on Linux and macOS, tried in turn.
    static let candidates = ["libpq.so.5", "libpq.so", "libpq.5.dylib", "/opt/homebrew/opt/libpq/lib/libpq.5.dylib",
                             "/usr/local/opt/libpq/lib/libpq.5.dylib", "/Applications/Postgres.app/Contents/Versions/latest/lib/libpq.5.dylib"]

    /// `CASETRAIL_LIBPQ` names the one library to try instead (a path), e.g. a libpq built elsewhere.
    private static func load() -> Swift.Result<LibPQ, StoreError> {
        let names = getenv("CASETRAIL_LIBPQ").map { [String(cString: $0)] } ?? candidates
        for name in names {
            guard let handle = dlopen(name, RTLD_LAZY | RTLD_LOCAL) else { continue }
            if let pq = LibPQ(handle) { return .success(pq) }
            dlclose(handle)
        }
        return .failure(.database("this casetrail cannot reach a PostgreSQL log: the PostgreSQL client library (libpq) is not installed. "
            + "Install it (Debian or Ubuntu: 'apt-get install libpq5'; Fedora: 'dnf install libpq'; macOS: 'brew install libpq'), or use a file log."))
    }

    private init?(_ h: UnsafeMutableRawPointer) {
        func fn<T>(_ name: String, _: T.Type) -> T? { dlsym(h, name).map { unsafeBitCast($0, to: T.self) } }
        guard let connectdb = fn("PQconnectdb", (@convention(c) (UnsafePointer<CChar>) -> Conn?).self),
              let status = fn("PQstatus", (@convention(c) (Conn?) -> Int32).self),
              let errorMessage = fn("PQerrorMessage", (@convention(c) (Conn?) -> UnsafePointer<CChar>?).self),
              let finish = fn("PQfinish", (@convention(c) (Conn?) -> Void).self),
              let exec = fn("PQexec", (@convention(c) (Conn?, UnsafePointer<CChar>) -> Result?).self),
              let execParams = fn("PQexecParams", (@convention(c) (Conn?, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
                                                                   UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?).self),
              let resultStatus = fn("PQresultStatus", (@convention(c) (Result?) -> Int32).self),
              let resultErrorMessage = fn("PQresultErrorMessage", (@convention(c) (Result?) -> UnsafePointer<CChar>?).self),
              let resultErrorField = fn("PQresultErrorField", (@convention(c) (Result?, Int32) -> UnsafePointer<CChar>?).self),
              let ntuples = fn("PQntuples", (@convention(c) (Result?) -> Int32).self),
              let nfields = fn("PQnfields", (@convention(c) (Result?) -> Int32).self),
              let getvalue = fn("PQgetvalue", (@convention(c) (Result?, Int32, Int32) -> UnsafePointer<CChar>?).self),
              let getlength = fn("PQgetlength", (@convention(c) (Result?, Int32, Int32) -> Int32).self),
              let getisnull = fn("PQgetisnull", (@convention(c) (Result?, Int32, Int32) -> Int32).self),
              let clear = fn("PQclear", (@convention(c) (Result?) -> Void).self),
              let getCopyData = fn("PQgetCopyData", (@convention(c) (Conn?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, Int32) -> Int32).self),
              let putCopyData = fn("PQputCopyData", (@convention(c) (Conn?, UnsafePointer<CChar>, Int32) -> Int32).self),
              let putCopyEnd = fn("PQputCopyEnd", (@convention(c) (Conn?, UnsafePointer<CChar>?) -> Int32).self),
              let getResult = fn("PQgetResult", (@convention(c) (Conn?) -> Result?).self),
              let freemem = fn("PQfreemem", (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)
        else { return nil }
        self.connectdb = connectdb; self.status = status; self.errorMessage = errorMessage; self.finish = finish
        self.exec = exec; self.execParams = execParams; self.resultStatus = resultStatus
        self.resultErrorMessage = resultErrorMessage; self.resultErrorField = resultErrorField
        self.ntuples = ntuples; self.nfields = nfields; self.getvalue = getvalue; self.getlength = getlength; self.getisnull = getisnull
        self.clear = clear; self.getCopyData = getCopyData; self.putCopyData = putCopyData; self.putCopyEnd = putCopyEnd
        self.getResult = getResult; self.freemem = freemem
    }
}

/// A failed statement: the server's message and its SQLSTATE code.
struct SQLError: Error {
    var message: String
    var state: String
}

/// One open connection to the server; closed when released. Used by one thread at a time.
final class PGConnection: @unchecked Sendable {
    let pq: LibPQ
    private let conn: LibPQ.Conn

    /// Connects with a URI or keyword string, as libpq reads it (its environment variables and
    /// `.pgpass` included). The message says what the server or libpq said, never the password.
    init(_ conninfo: String) throws(StoreError) {
        let pq: LibPQ
        switch LibPQ.shared {
        case .success(let p): pq = p
        case .failure(let e): throw e
        }
        guard let conn = pq.connectdb(conninfo) else { throw .database("could not start a connection to the PostgreSQL server (out of memory)") }
        guard pq.status(conn) == LibPQ.connectionOK else {
            let said = pq.errorMessage(conn).map { String(cString: $0) } ?? ""
            pq.finish(conn)
            throw .database("could not connect to the PostgreSQL log: \(said.oneLine). Check the connection URI, and that the server is running and lets you in.")
        }
        self.pq = pq
        self.conn = conn
    }

    deinit { pq.finish(conn) }

    /// Runs one statement with text parameters; rows of text values (nil for NULL).
    @discardableResult
    func query(_ sql: String, _ params: [String?] = []) throws(SQLError) -> [[String?]] {
        let result = run(sql, params)
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        guard status == LibPQ.commandOK || status == LibPQ.tuplesOK else { throw error(of: result) }
        var rows: [[String?]] = []
        let n = pq.ntuples(result)
        guard n > 0 else { return rows }
        let width = pq.nfields(result)
        for r in 0..<n {
            rows.append((0..<width).map { c in pq.getisnull(result, r, c) == 1 ? nil : pq.getvalue(result, r, c).map { String(cString: $0) } })
        }
        return rows
    }

    private func run(_ sql: String, _ params: [String?]) -> LibPQ.Result? {
        if params.isEmpty { return pq.exec(conn, sql) }
        let copies = params.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } }
        return pointers.withUnsafeBufferPointer { pq.execParams(conn, sql, Int32(params.count), nil, $0.baseAddress, nil, nil, 0) }
    }

    private func error(of result: LibPQ.Result?) -> SQLError {
        let message = (pq.resultErrorField(result, LibPQ.primaryMessage) ?? pq.resultErrorMessage(result)).map { String(cString: $0) }?.oneLine ?? ""
        let state = pq.resultErrorField(result, LibPQ.sqlState).map { String(cString: $0) } ?? ""
        return SQLError(message: message.isEmpty ? connectionMessage : message, state: state)
    }

    var connectionMessage: String { (pq.errorMessage(conn).map { String(cString: $0) } ?? "").oneLine }

    /// Starts `COPY (…) TO STDOUT`; its rows are then taken with `nextCopyRow` until it answers false.
    func startCopyOut(_ sql: String) throws(SQLError) {
        let started = pq.exec(conn, sql)
        defer { pq.clear(started) }
        guard pq.resultStatus(started) == LibPQ.copyOut else { throw error(of: started) }
    }

    /// Hands the next row of a `COPY … TO STDOUT` (text format, with its final newline) to `take`;
    /// false, with the statement's result collected, after the last.
    func nextCopyRow(_ take: (UnsafeBufferPointer<UInt8>) -> Void) throws(SQLError) -> Bool {
        var buffer: UnsafeMutablePointer<CChar>?
        let n = pq.getCopyData(conn, &buffer, 0)
        if n > 0, let buffer {
            defer { pq.freemem(buffer) }
            buffer.withMemoryRebound(to: UInt8.self, capacity: Int(n)) { take(UnsafeBufferPointer(start: $0, count: Int(n))) }
            return true
        }
        if n == -2 { throw SQLError(message: connectionMessage, state: "") }
        try finishResults()
        return false
    }

    /// Starts `COPY … FROM STDIN`; rows are then sent with `putCopy`, and `endCopyIn` finishes it.
    func startCopyIn(_ sql: String) throws(SQLError) {
        let started = pq.exec(conn, sql)
        defer { pq.clear(started) }
        guard pq.resultStatus(started) == LibPQ.copyIn else { throw error(of: started) }
    }

    /// Sends rows in COPY's text format (whole rows, each ending in a newline).
    func putCopy(_ bytes: [UInt8]) throws(SQLError) {
        guard !bytes.isEmpty else { return }
        let ok = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { pq.putCopyData(conn, $0, Int32(b.count)) }
        }
        guard ok == 1 else { throw SQLError(message: connectionMessage, state: "") }
    }

    /// Ends the copy, or abandons it (nothing is stored) when `abandoning`; throws what the server said.
    func endCopyIn(abandoning: Bool) throws(SQLError) {
        _ = pq.putCopyEnd(conn, abandoning ? "casetrail stopped the copy" : nil)
        try finishResults()
    }

    /// Reads results until none is left, throwing the first error among them.
    private func finishResults() throws(SQLError) {
        var first: SQLError?
        while let result = pq.getResult(conn) {
            let status = pq.resultStatus(result)
            if first == nil, status != LibPQ.commandOK, status != LibPQ.tuplesOK { first = error(of: result) }
            pq.clear(result)
        }
        if let first { throw first }
    }
}

extension String {
    /// libpq's multi-line messages as one line: line breaks and tabs become spaces, runs of spaces one.
    var oneLine: String {
        var out = ""
        var space = false
        for c in self {
            if c == "\n" || c == "\t" || c == " " || c == "\r\n" || c == "\r" { space = true; continue }
            if space, !out.isEmpty { out.append(" ") }
            space = false
            out.append(c)
        }
        return out
    }
}
