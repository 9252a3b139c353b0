import Foundation

/// URL slugs from French names: "Caluire-et-Cuire" → "caluire-et-cuire", "Marcy-l'Étoile" → "marcy-l-etoile".
public enum Slug {
    public static func make(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var out = ""
        var lastWasDash = true
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII {
                out.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash {
                out.append("-")
                lastWasDash = true
            }
        }
        return out.hasSuffix("-") ? String(out.dropLast()) : out
    }

}
