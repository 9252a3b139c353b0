/// Password rules for accounts (CNIL recommendation for password-only authentication: 12 characters and variety).
public enum PasswordPolicy {
    static let minimumLength = 12

    /// A French message if the password is refused, nil if it is acceptable.
    public static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength { return "Le mot de passe doit compter au moins \(minimumLength) caractères." }
        if password.count > 128 { return "Le mot de passe ne peut pas dépasser 128 caractères." }
        let classes = [password.contains(where: \.isLowercase), password.contains(where: \.isUppercase),
                       password.contains(where: \.isNumber),
                       password.contains { !$0.isLetter && !$0.isNumber }].filter { $0 }.count
        if classes < 3 {
            return "Le mot de passe doit mêler au moins trois types de caractères : minuscules, majuscules, chiffres, symboles."
        }
        if let local = email.split(separator: "@").first, local.count >= 4, password.lowercased().contains(local.lowercased()) {
            return "Le mot de passe ne doit pas contenir votre adresse e-mail."
        }
        return nil
    }
}
