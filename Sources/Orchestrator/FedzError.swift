/// A failure that ends a `fedz` command, with what happened (printed without usage help).
struct FedzError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
