// swift-tools-version:6.2
import PackageDescription

/// Our own targets build in Swift 6 language mode with every warning an error;
/// dependencies keep their own settings.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "fedz",
    products: [
        .executable(name: "fedz", targets: ["Orchestrator"]),
        .executable(name: "fedz-node", targets: ["Node"]),
        .library(name: "FedzProtocol", targets: ["FedzProtocol"]),
        .library(name: "Actors", targets: ["Actors"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Federation", targets: ["Federation"]),
        .library(name: "ModelOps", targets: ["ModelOps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // No default traits: fedz needs neither swift-configuration nor the Foundation extras.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The protocol vocabulary without libzmq: wire format, topics and kinds, failure
        // detection, fault plans.
        .target(name: "FedzProtocol", swiftSettings: strict),
        .target(
            name: "Actors",
            dependencies: ["CZMQ", "FedzProtocol"],
            swiftSettings: strict),
        .target(
            name: "Learning",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "Federation",
            dependencies: ["FedzProtocol", "Learning", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "ModelOps",
            dependencies: [
                "Learning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "CommandSupport",
            dependencies: [
                "Actors", "FedzProtocol", "Learning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict),
        .target(
            name: "Telemetry",
            dependencies: [
                "Actors", "FedzProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "Node",
            dependencies: [
                "Actors", "FedzProtocol", "Learning", "Federation", "CommandSupport", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "Orchestrator",
            dependencies: [
                "Actors", "FedzProtocol", "Learning", "Federation", "ModelOps", "CommandSupport", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "ActorsTests", dependencies: ["Actors", "FedzProtocol"], swiftSettings: strict),
        .testTarget(name: "ActorsClusteredTests", dependencies: ["Actors", "FedzProtocol"], swiftSettings: strict),
        .testTarget(name: "LearningTests", dependencies: ["Learning"], swiftSettings: strict),
        .testTarget(name: "FederationTests", dependencies: ["Federation", "Learning", "FedzProtocol"], swiftSettings: strict),
        .testTarget(name: "ModelOpsTests", dependencies: ["ModelOps", "Learning"], swiftSettings: strict),
        .testTarget(
            name: "MonitorClusteredTests",
            dependencies: [
                "Orchestrator", "Actors", "FedzProtocol", "Federation", "ModelOps", "Learning",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CommandSupportTests",
            dependencies: ["CommandSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Actors", "FedzProtocol"], swiftSettings: strict),
        .testTarget(
            name: "OrchestratorTests", dependencies: ["Orchestrator", "Federation", "ModelOps", "Telemetry", "Learning", "CommandSupport"], swiftSettings: strict),
        // The coordinator in process: an in-memory fleet of simulated and real nodes on virtual time.
        .testTarget(
            name: "CoordinatorTests",
            dependencies: [
                "Orchestrator", "Node", "FedzProtocol", "Federation", "Learning", "ModelOps",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests", dependencies: ["Actors", "FedzProtocol", "Federation", "ModelOps", "Learning"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
