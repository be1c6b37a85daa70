/// The outcome of a non-blocking operation: done, or "try again when the socket is ready".
enum IOResult<Value> {
    case processed(Value)
    case wouldBlock
}
