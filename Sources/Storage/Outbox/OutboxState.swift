/// The outbox's part of the store: deliveries being marked sent, committed in batches (`GroupCommit`), so that
/// marking each message as soon as its receiver accepted it costs one commit per batch of concurrent
/// deliveries, not one per message.
final class OutboxState: Sendable {
    let sentMarks: GroupCommit<String, Bool>

    init(markSent: @escaping GroupCommit<String, Bool>.Commit) {
        sentMarks = GroupCommit(maxBatch: 256, commit: markSent)
    }
}
