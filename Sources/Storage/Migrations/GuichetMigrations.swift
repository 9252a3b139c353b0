import FluentKit
import SQLKit

/// Versioned migrations, in order. One migration per file, grouped by release folder (001, …); never edit a
/// migration once released: add `UpdateXAddY` instead.
public enum GuichetMigrations {
    public static let all: [any Migration] = [
        CreateCollectivites(), CreateAccounts(), CreateAgentRoles(), CreateTokens(),
        CreateDemarches(), CreateDemarcheVersions(), CreateDemandes(), CreateDemandeEvents(), CreateDemandeFiles(),
        CreateDrafts(), CreateCounters(), CreateOutbox(),
        // 002
        UpdateDemandesAddTextIndex(),
        // 003
        UpdateDemandesAddWorkflowState(), CreateTimers(),
        // 004
        CreateDataSources(), CreateWorkingCopies(), CreateFormDrafts(), DeleteDrafts(),
        // 005
        CreateConventions(), CreateConventionServices(), CreatePopulations(), CreateSyntecValues(), CreateEarlierAmounts(),
        // 006
        CreateSharedServices(), CreateServicePricings(), SeedDeliberationCatalogue(), CreateConventionMemberships(), CreateOperatingCosts(),
        CreateConventionJournal(),
        // 007
        UpdateAccountsAddSessionEpoch(), CreateAgentJournal(), UpdateTokensAddAccess(), CreateSessions(),
        // 008
        UpdateOutboxAddClaimedUntil(),
        // 009
        UpdateDemandesAddSubmissionKey(),
        // 010
        CreateLegalTexts(),
        // 011
        CreateRelyingParties(), CreateSigningKeys(), CreateGrants(), CreateAuthorizationCodes(), CreateRefreshTokens(), CreateConsents(),
        // 012
        CreateCivilIdentities(), UpdateAccountsAddCommune(),
        // 013
        UpdateSessionsAddOwner(), CreateSecurityEvents(), CreateSecondFactors(), UpdateAccountsAddActivity(),
        // 014
        CreateCompetenceCategories(), CreateRoutingRules(), UpdateDemandesAddRouting(),
        // 015
        CreateRelays(), UpdateCompetenceCategoriesAddRelayAddresses(),
        // 016
        CreateConnectors(), CreateConnectorDeliveries(), CreateConnectorReceipts(), UpdateRelaysAddReference(),
    ]
}

extension SchemaBuilder {
    /// Timestamps are epoch milliseconds in a BIGINT: identical in SQLite and PostgreSQL, cheap to compare.
    func millis(_ name: FieldKey, required: Bool = true) -> Self {
        required ? field(name, .int64, .required) : field(name, .int64)
    }
}

func createIndex(_ db: any Database, _ name: String, on table: String, _ columns: String...) async throws {
    var builder = (db as! any SQLDatabase).create(index: name).on(table)
    for column in columns { builder = builder.column(column) }
    try await builder.run()
}
