import Foundation

/// The table produced by scripts/vectors/generate_signature_vectors.py with twilio-python.
struct SignatureVectors: Decodable {
    struct Mutation: Decodable {
        var what: String
        var url: String?
        var index: Int?
        var text: String?
        var secret: String?
        var body: String?
        var valid: Bool
    }

    struct Vector: Decodable {
        var name: String
        var kind: String
        var signedUrl: String
        var url: String
        var params: [[String]]
        var body: String
        var secret: String
        var keyId: String?
        var settings: String?
        var algorithm: String
        var signature: String
        var valid: Bool
        var variants: [String: String]
        var mutations: [Mutation]
    }

    var twilioVersion: String
    var vectors: [Vector]

    static let shared: SignatureVectors = {
        guard let url = Bundle.module.url(forResource: "signature-vectors", withExtension: "json", subdirectory: "Vectors") else {
            fatalError("Vectors/signature-vectors.json is missing from the test bundle")
        }
        do {
            return try JSONDecoder().decode(SignatureVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot decode signature-vectors.json: \(error)")
        }
    }()
}
