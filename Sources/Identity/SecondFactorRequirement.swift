/// Whether an account may do without a second factor. Agents and admins open citizens' files and act in their
/// collectivité's name: a password alone is not enough for them, so they cannot turn it off and the back-office
/// asks for its code. Citizens choose.
public enum SecondFactorRequirement: Sendable, Equatable {
    case optional
    case mandatory

    public init(worksInABackOffice: Bool) { self = worksInABackOffice ? .mandatory : .optional }

    public var mayBeTurnedOff: Bool { self == .optional }
}
