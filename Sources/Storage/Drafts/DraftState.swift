import Foundation

/// The drafts' part of the store: how long a draft is kept after its last save.
struct DraftState: Sendable {
    let lifetime: TimeInterval

    init(lifetimeDays: Int) { lifetime = TimeInterval(lifetimeDays) * 86_400 }
}
