/// Password rules for accounts, those of the CNIL's deliberation 2022-100 for a password alone (about 80 bits):
/// 12 characters mixing the four kinds (lowercase, uppercase, digits, symbols), or 14 mixing three of them, or a
/// passphrase of 7 words or more.
public enum PasswordPolicy {
    static let minimumLength = 12
    static let threeKindsLength = 14
    static let passphraseWords = 7

    /// A French message if the password is refused, nil if it is acceptable.
    public static func problem(with password: String, email: String) -> String? {
        if password.count > 128 { return "Le mot de passe ne peut pas dépasser 128 caractères." }
        if let local = email.split(separator: "@").first, local.count >= 4, password.lowercased().contains(local.lowercased()) {
            return "Le mot de passe ne doit pas contenir votre adresse e-mail."
        }
        let kinds = [password.contains(where: \.isLowercase), password.contains(where: \.isUppercase),
                     password.contains(where: \.isNumber),
                     password.contains { !$0.isLetter && !$0.isNumber }].filter { $0 }.count
        let words = password.split { !$0.isLetter }.filter { $0.count >= 2 }.count
        if password.count >= minimumLength && kinds == 4 { return nil }
        if password.count >= threeKindsLength && kinds >= 3 { return nil }
        if words >= passphraseWords && password.count >= 20 { return nil }
        if password.count < minimumLength {
            return "Le mot de passe doit compter au moins 12 caractères mêlant minuscules, majuscules, chiffres et symboles (ou 14 avec trois de ces types, ou être une phrase d'au moins 7 mots)."
        }
        return "Mêlez minuscules, majuscules, chiffres et symboles sur 12 caractères, ou trois de ces types sur 14 caractères, ou écrivez une phrase d'au moins 7 mots."
    }
}
