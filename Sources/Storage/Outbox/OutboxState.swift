/// The outbox's part of the store: deliveries being marked sent or failed, committed in batches
/// (`GroupCommit`), so that recording each outcome as soon as it is known costs one commit per batch of
/// concurrent deliveries, not one per message.
final class OutboxState: Sendable {
    let sentMarks: GroupCommit<String, Bool>
    let failureMarks: GroupCommit<Store.FailureMark, Bool>

    init(markSent: @escaping GroupCommit<String, Bool>.Commit, markFailed: @escaping GroupCommit<Store.FailureMark, Bool>.Commit) {
        sentMarks = GroupCommit(maxBatch: 256, commit: markSent)
        failureMarks = GroupCommit(maxBatch: 256, commit: markFailed)
    }
}
