/// A refusal in words a business manager understands: what is wrong and what to do instead.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
