import CZMQ
import FedzProtocol
import Foundation

/// Throughput of one PUB→SUB pair on loopback TCP, sending the same message `count` times:
/// raw libzmq (two threads, blocking calls) as the reference, and fedz's `Publisher` and
/// `Subscriber` actors (one I/O loop each) with the same socket settings. Both first send
/// warm-up messages until the subscriber sees one (PUB/SUB's slow joiner), then time from the
/// first send to the last arrival.
public enum BroadcastThroughput {
    /// What arrived of one timed burst.
    public struct Measurement: Sendable, Equatable {
        /// Messages that arrived (fewer than sent if PUB dropped some at its high-water mark).
        public var messages: Int
        public var bytes: Int
        public var seconds: Double

        public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
    }

    static let warmUpTopic = Array("fedz/bench/warm-up/".utf8)
    /// How long a burst may wait for the subscriber, and for any one message.
    static let patience = Duration.seconds(10)

    /// The raw libzmq reference. Blocks the calling thread: call it off the cooperative pool.
    public static func raw(message: Multipart, count: Int, settings: SocketSettings) throws -> Measurement {
        let context = try ZMQContext()
        defer { context.terminate() }
        let publisher = try ZMQSocket(context: context, kind: .publish)
        defer { publisher.close() }
        try publisher.apply(settings, kind: .publish)
        try publisher.bind("tcp://127.0.0.1:*")
        let endpoint = try publisher.lastEndpoint()

        let arrivals = BurstArrivals(count: count)
        let topic = message.first ?? []
        let receiver = try LoopThread(name: "fedz-bench-sub") {
            do {
                try receiveRaw(from: endpoint, topic: topic, settings: settings, into: arrivals)
            } catch {
                arrivals.fail(error)
            }
        }
        defer { receiver.join() }
        let deadline = ContinuousClock.now + patience
        while !arrivals.ready && ContinuousClock.now < deadline {
            try sendBlocking([warmUpTopic], on: publisher)
            usleep(10_000)
        }
        arrivals.start(at: .now)
        for _ in 0..<count { try sendBlocking(message, on: publisher) }
        receiver.join()
        return try arrivals.measurement()
    }

    /// The same burst through `Publisher` and `Subscriber`, each on its own I/O loop.
    public static func actors(message: Multipart, count: Int, settings: SocketSettings) async throws -> Measurement {
        let sending = try await IOLoop.start(name: "fedz-bench-pub")
        let receiving = try await IOLoop.start(name: "fedz-bench-sub")
        let arrivals = BurstArrivals(count: count)
        do {
            let publisher = try await Publisher(loop: sending, bind: "tcp://127.0.0.1:*", settings: settings)
            let subscriber = try await Subscriber(
                loop: receiving, connect: [publisher.endpoint],
                topics: [String(decoding: message.first ?? [], as: UTF8.self), String(decoding: warmUpTopic, as: UTF8.self)],
                settings: settings)
            let receiver = Task {
                for await frames in subscriber.messages {
                    if arrivals.record(frames.first ?? [], bytes: frames.reduce(0) { $0 + $1.count }) { break }
                }
            }
            // Ends the receiver if messages stop arriving.
            let watchdog = Task {
                while !Task.isCancelled, !arrivals.isComplete, ContinuousClock.now - arrivals.lastActivity < patience {
                    try await Task.sleep(for: .milliseconds(100))
                }
                await subscriber.close()
            }
            let deadline = ContinuousClock.now + patience
            while !arrivals.ready && ContinuousClock.now < deadline {
                try await publisher.send([warmUpTopic])
                try await Task.sleep(for: .milliseconds(10))
            }
            arrivals.start(at: .now)
            for _ in 0..<count { try await publisher.send(message) }
            await receiver.value
            watchdog.cancel()
        } catch {
            arrivals.fail(error)
        }
        await sending.shutdown()
        await receiving.shutdown()
        return try arrivals.measurement()
    }

    /// Receives on a SUB socket of its own context until the burst is complete or a message is
    /// `patience` late.
    private static func receiveRaw(
        from endpoint: String, topic: Frame, settings: SocketSettings, into arrivals: BurstArrivals
    ) throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let subscriber = try ZMQSocket(context: context, kind: .subscribe)
        defer { subscriber.close() }
        try subscriber.apply(settings, kind: .subscribe)
        try subscriber.setOption(ZMQ_RCVTIMEO, Int32(clamping: patience.roundedUpMilliseconds), "ZMQ_RCVTIMEO")
        try subscriber.subscribe(String(decoding: topic, as: UTF8.self))
        try subscriber.subscribe(String(decoding: warmUpTopic, as: UTF8.self))
        try subscriber.connect(endpoint)
        var part = zmq_msg_t()
        zmq_msg_init(&part)
        defer { zmq_msg_close(&part) }
        var (first, bytes) = (Frame(), 0)
        while true {
            guard zmq_msg_recv(&part, subscriber.handle, 0) >= 0 else {
                let error = ZMQError.last("zmq_msg_recv")
                if error.isInterrupted { continue }
                if error.isWouldBlock { return }
                throw error
            }
            if bytes == 0 {
                first = Frame(UnsafeRawBufferPointer(start: zmq_msg_data(&part), count: min(zmq_msg_size(&part), warmUpTopic.count)))
            }
            bytes += zmq_msg_size(&part)
            guard zmq_msg_more(&part) == 0 else { continue }
            if arrivals.record(first, bytes: bytes) { return }
            bytes = 0
        }
    }

    /// Sends every frame of `message`, waiting as long as libzmq needs.
    private static func sendBlocking(_ message: Multipart, on socket: ZMQSocket) throws(ZMQError) {
        for (index, frame) in message.enumerated() {
            let flags = index < message.count - 1 ? ZMQ_SNDMORE : 0
            while frame.withUnsafeBytes({ zmq_send(socket.handle, $0.baseAddress, $0.count, flags) }) < 0 {
                let error = ZMQError.last("zmq_send")
                guard error.isInterrupted else { throw error }
            }
        }
    }
}

/// The subscriber side of one burst, shared by the sending and receiving threads.
final class BurstArrivals: @unchecked Sendable {
    // @unchecked: every stored property is read and written under `lock`.
    private let lock = NSLock()
    private let count: Int
    private var isReady = false
    private var started: ContinuousClock.Instant?
    private var messages = 0
    private var bytes = 0
    private var last = ContinuousClock.now
    private var failure: (any Error)?

    init(count: Int) { self.count = count }

    /// The subscriber has seen a warm-up message.
    var ready: Bool { lock.withLock { isReady } }
    var isComplete: Bool { lock.withLock { messages >= count } }
    /// When the burst began or a message last arrived.
    var lastActivity: ContinuousClock.Instant { lock.withLock { last } }

    func start(at instant: ContinuousClock.Instant) {
        lock.withLock { (started, last) = (instant, instant) }
    }

    /// Counts a message (whose first frame starts with `topic`) of `bytes`; true once the burst is complete.
    func record(_ topic: Frame, bytes size: Int) -> Bool {
        lock.withLock {
            if topic.starts(with: BroadcastThroughput.warmUpTopic) {
                isReady = true
            } else if started != nil {
                (messages, bytes, last) = (messages + 1, bytes + size, .now)
            }
            return messages >= count
        }
    }

    func fail(_ error: any Error) {
        lock.withLock { failure = failure ?? error }
    }

    func measurement() throws -> BroadcastThroughput.Measurement {
        try lock.withLock {
            if let failure { throw failure }
            guard let started else { throw ActorsError(.deadlineExceeded, "the subscriber never saw a warm-up message") }
            return BroadcastThroughput.Measurement(messages: messages, bytes: bytes, seconds: (last - started).seconds)
        }
    }
}
