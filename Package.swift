// swift-tools-version:6.0
import PackageDescription

// A thin `guichet` executable over libraries split by domain.
// Domain targets (Territory, Workflow, Expressions, Demarches, Identity, Documents, Conventions, Routing) import neither
// Vapor nor a database; Storage owns SQL, a folder per capability; Messaging owns the outbox delivery; the *Web
// targets are thin HTTP shells, one per product, each with its templates (ARCHITECTURE.md, "The parts").
let package = Package(
    name: "guichet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "guichet", targets: ["Guichet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        .executableTarget(name: "Guichet", dependencies: ["GuichetApp"]),
        .target(name: "GuichetApp", dependencies: [
            "Territory", "Demarches", "Identity", "Storage", "Messaging", "WebSupport", "PortalWeb", "GRCWeb", "DesignerWeb", "ConventionsWeb", "AdministrationWeb", "PublicAPI", "Conventions", "Workflow", "OpenIDConnect", "OpenIDConnectWeb", "Routing",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // Domain: pure Swift.
        .target(name: "Territory", resources: [.copy("Data")]),
        .target(name: "Workflow", dependencies: ["Expressions"]),
        .target(name: "Expressions"),
        .target(name: "Demarches", dependencies: ["Territory", "Workflow", "Expressions"], resources: [.copy("Demo")]),
        // The text encodings of the web (form bodies, base64url), shared by the protocol targets.
        .target(name: "Codecs"),
        .target(name: "QRCode"),
        .target(name: "Identity", dependencies: ["Codecs", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Documents"),
        // The identity provider (GrandLyon Connect) and the FranceConnect federation: protocol rules, tokens, keys.
        .target(name: "OpenIDConnect", dependencies: [
            "Codecs",
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "Conventions", dependencies: ["Territory", "Expressions"]),
        .target(name: "Routing", dependencies: ["Territory", "Demarches", "Expressions", "Workflow"]),
        // Persistence and delivery.
        .target(name: "Storage", dependencies: [
            "Territory", "Workflow", "Demarches", "Identity", "Documents", "Expressions", "Conventions", "OpenIDConnect", "Routing",
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Messaging", dependencies: [
            "Storage", "Workflow", "OpenIDConnect", "Territory",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // HTTP shells: WebSupport holds what they share (layout, shared partials, renderer, sessions, forms);
        // each part registers its own routes and owns its templates and static files.
        .target(name: "WebSupport", dependencies: [
            "Codecs", "Territory", "Identity", "Storage", "Demarches", "Workflow", "Expressions", "Messaging", "OpenIDConnect", "Routing",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ], resources: [.copy("Templates"), .copy("Public")]),
        .target(name: "PortalWeb", dependencies: ["QRCode", "WebSupport", "Demarches", "Documents", "Storage", "Identity", "Messaging", "Territory", "Workflow"],
                resources: [.copy("Templates"), .copy("Public")]),
        // The back-office, by product.
        .target(name: "GRCWeb", dependencies: ["WebSupport", "Demarches", "Expressions", "Storage", "Territory", "Workflow"], resources: [.copy("Templates")]),
        .target(name: "DesignerWeb", dependencies: ["WebSupport", "Demarches", "Expressions", "Storage", "Territory", "Workflow"],
                resources: [.copy("Templates")]),
        .target(name: "ConventionsWeb", dependencies: ["WebSupport", "Conventions", "Documents", "Expressions", "Storage", "Territory"],
                resources: [.copy("Templates")]),
        .target(name: "AdministrationWeb", dependencies: ["WebSupport", "Storage", "Territory", "Workflow", "Demarches", "Messaging", "Identity", "Routing", "Expressions"], resources: [.copy("Templates")]),
        .target(name: "OpenIDConnectWeb", dependencies: ["Codecs", "WebSupport", "OpenIDConnect", "Storage", "Identity", "Messaging", "Workflow", "Conventions"],
                resources: [.copy("Templates")]),
        .target(name: "PublicAPI", dependencies: ["WebSupport", "Demarches", "Storage", "Identity", "Messaging", "Workflow"], resources: [.copy("openapi.json")]),
        // Benchmarks that need no server (bench/forms.sh runs this one).
        .executableTarget(name: "FormBench", dependencies: ["Demarches", "Expressions", "Workflow"], path: "bench/FormBench"),
        .executableTarget(name: "ContributionsBench", dependencies: ["Conventions"], path: "bench/ContributionsBench"),
        .executableTarget(name: "RoutingBench", dependencies: ["Routing", "Territory", "Expressions"], path: "bench/RoutingBench"),
        // Tests: one suite per domain, plus the HTTP flows; a support library starts test apps.
        .target(name: "GuichetTestSupport", dependencies: [
            "GuichetApp", .product(name: "XCTVapor", package: "vapor"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
        ], path: "Tests/GuichetTestSupport"),
        .testTarget(name: "TerritoryTests", dependencies: ["Territory"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "Expressions"]),
        .testTarget(name: "ExpressionsTests", dependencies: ["Expressions", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "DemarchesTests", dependencies: ["Demarches", "Expressions", "Workflow", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "Territory", "Demarches", "Expressions"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity"]),
        .testTarget(name: "OpenIDConnectTests", dependencies: ["OpenIDConnect", "Codecs", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents"]),
        .testTarget(name: "ConventionsTests", dependencies: ["Conventions", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "GuichetTestSupport"]),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging", "Territory", "GuichetTestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["GuichetTestSupport", "WebSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
