import Foundation
import Vapor

/// A web target: the routes it registers and the resources it owns. Each part keeps its templates (and its
/// static files, if any) in its own bundle; `Renderer` and `StaticFiles` read every part's at start-up.
public protocol WebPart {
    static func register(_ routes: any RoutesBuilder)
    /// The part's bundle, whose `Templates` and `Public` folders hold its resources; nil if it has none.
    static var resources: Bundle? { get }
}

extension Array where Element == any WebPart.Type {
    /// The folder of that name in WebSupport's bundle and in each part's, where they have one.
    func resourceFolders(_ name: String) -> [URL] {
        ([Bundle.module] + compactMap { $0.resources }).compactMap { $0.url(forResource: name, withExtension: nil) }
    }
}
