/// French elision before a place name: « la mairie d'Écully », « la mairie de Bron ».
public enum FrenchName {
    /// « d'Albigny-sur-Saône », « de Bron ».
    public static func de(_ name: String) -> String {
        guard let first = name.unicodeScalars.first else { return "de " }
        return "AEIOUYÀÂÉÈÊËÎÏÔÛÙH".unicodeScalars.contains(first) ? "d'\(name)" : "de \(name)"
    }
}
