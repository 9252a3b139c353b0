import Foundation
import Routing
import Territory
import XCTest

/// The connector's rules that need no server: what the inbound API accepts, the channel a relay takes, and the
/// retry schedule.
final class ConnectorRulesTests: XCTestCase {
    func parse(_ json: String) -> Result<ConnectorUpdate, ConnectorUpdate.Problem> { ConnectorUpdate.parse(Data(json.utf8)) }

    func testUpdatesAreReadWithTheirReferenceAndTrimmed() throws {
        XCTAssertEqual(try parse(#"{"type": "accuse_reception", "reference": "  GRC-42 "}"#).get(), ConnectorUpdate(kind: .acknowledge, reference: "GRC-42"))
        XCTAssertEqual(try parse(#"{"type": "message", "message": "\n Bonjour \n"}"#).get(), ConnectorUpdate(kind: .message, message: "Bonjour"))
        XCTAssertEqual(try parse(#"{"type": "cloture", "message": "ignoré"}"#).get(), ConnectorUpdate(kind: .close),
                       "a message goes with the message type only")
    }

    func testEachRefusalNamesItsField() {
        func field(_ json: String) -> String? { if case .failure(let p) = parse(json) { p.field } else { nil } }
        XCTAssertEqual(field("[1, 2]"), "")
        XCTAssertEqual(field(#"{"type": "supprimer"}"#), "type")
        XCTAssertEqual(field(#"{"type": "message", "message": "   "}"#), "message")
        XCTAssertEqual(field(#"{"type": "message", "message": "\#(String(repeating: "a", count: 5001))"}"#), "message")
        XCTAssertEqual(field(#"{"type": "reference"}"#), "reference")
        XCTAssertEqual(field(#"{"type": "reference", "reference": "a\nb"}"#), "reference")
        XCTAssertEqual(field(#"{"type": "reference", "reference": "\#(String(repeating: "r", count: 101))"}"#), "reference")
    }

    func testIdempotencyKeysAreVisibleASCIIUpTo200() {
        XCTAssertTrue(ConnectorUpdate.isIdempotencyKey("6f1c2a4e-0b1d-4c8e-9d2a-7e5b3f1a9c00"))
        XCTAssertFalse(ConnectorUpdate.isIdempotencyKey(""))
        XCTAssertFalse(ConnectorUpdate.isIdempotencyKey("avec espace"))
        XCTAssertFalse(ConnectorUpdate.isIdempotencyKey("clé"))
        XCTAssertFalse(ConnectorUpdate.isIdempotencyKey(String(repeating: "k", count: 201)))
    }

    func testAConnecteCommuneWithoutItsConnectorStillGetsTheEmail() throws {
        var bron = try XCTUnwrap(try TerritoryData.load().first { $0.slug == "bron" })
        bron.membership = .connecte
        XCTAssertEqual(Relay.channel(for: bron, hasConnector: false), .email)
        XCTAssertEqual(Relay.channel(for: bron, hasConnector: true), .connector)
        bron.membership = .partenaire
        XCTAssertEqual(Relay.channel(for: bron, hasConnector: true), .inbox, "a connector is for the connectée offer only")
        bron.membership = .none
        XCTAssertEqual(Relay.channel(for: bron, hasConnector: true), .email)
    }

    func testRetriesBackOffToAnHourAndStopAfterMoreThanADay() {
        XCTAssertEqual(Connector.retryDelay(afterAttempts: 1), 30)
        XCTAssertEqual(Connector.retryDelay(afterAttempts: 4), 240)
        XCTAssertEqual(Connector.retryDelay(afterAttempts: 40), 3600)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertFalse(Connector.shouldDisable(failingSince: start, now: start.addingTimeInterval(24 * 3600)), "retried at least 24 h")
        XCTAssertTrue(Connector.shouldDisable(failingSince: start, now: start.addingTimeInterval(Connector.disableAfter)))
    }

    func testAConnectorsAddressIsHTTPWithAHostAndNoCredentials() {
        XCTAssertNil(Connector.addressProblem("https://grc.mairie.example/guichet"))
        XCTAssertNotNil(Connector.addressProblem("ftp://grc.mairie.example"))
        XCTAssertNotNil(Connector.addressProblem("https://"))
        XCTAssertNotNil(Connector.addressProblem("https://user:secret@grc.mairie.example/"), "credentials would be stored and logged")
        XCTAssertNotNil(Connector.addressProblem("https://grc.example/" + String(repeating: "a", count: 500)))
    }
}
