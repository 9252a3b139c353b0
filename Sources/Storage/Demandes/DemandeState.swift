/// The requests' part of the store: the inbox's counts per status (voided by every request filed or moved in
/// the tenant) and the requests being filed, written in batches (see `GroupCommit`).
final class DemandeState: Sendable {
    let inboxCounts: TenantCache<[String: Int]>
    let filings: GroupCommit<PendingFiling, FiledDemande>

    init(bus: CacheBus, file: @escaping GroupCommit<PendingFiling, FiledDemande>.Commit) {
        inboxCounts = TenantCache("inbox-counts", bus: bus)
        filings = GroupCommit(maxBatch: 256, commit: file)
    }
}
