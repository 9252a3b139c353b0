/// A request is about a place its collectivité answers for: an address that locates the request
/// (`Field.locatesRequest`, a report's location) naming another collectivité is refused beside the field, with
/// the right one to turn to, unless the citizen confirms the address (`<field>._lieu` = « oui »). What the
/// territory covers is the caller's to say (`elsewhere`); the validator only asks.
public struct PlaceRule: Sendable {
    /// Where the address is, when it is not the request's collectivité's.
    public struct Elsewhere: Sendable, Equatable {
        public var message: String
        /// The collectivité the address names, and where its démarches are (nil when it has none here).
        public var name: String
        public var url: String?
        public init(message: String, name: String, url: String?) { self.message = message; self.name = name; self.url = url }
    }

    public var elsewhere: @Sendable (Address) -> Elsewhere?
    public init(elsewhere: @escaping @Sendable (Address) -> Elsewhere?) { self.elsewhere = elsewhere }

    /// The posted key, under the field's id, by which the citizen confirms the address.
    public static let confirmKey = "_lieu"
}
