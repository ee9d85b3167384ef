import Foundation

/// Just enough of a Dockerfile parser for the deployment checks: stages, their instructions (line
/// continuations joined, comments dropped), inherited ENV, and exec-form arguments.
struct Dockerfile: Sendable {
    struct Instruction: Sendable {
        var keyword: String
        var arguments: String
        var line: Int

        /// The JSON array of an exec-form instruction, nil for shell form.
        var execForm: [String]? {
            let text = arguments.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("["), let data = text.data(using: .utf8),
                let array = try? JSONSerialization.jsonObject(with: data) as? [String]
            else { return nil }
            return array
        }
    }

    struct Stage: Sendable {
        var name: String?
        var base: String
        var instructions: [Instruction] = []

        func all(_ keyword: String) -> [Instruction] { instructions.filter { $0.keyword == keyword } }
    }

    var stages: [Stage] = []

    init(text: String) {
        var logical: [(String, Int)] = []
        var pending = ""
        var pendingLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") { continue }
            if pending.isEmpty {
                if trimmed.isEmpty { continue }
                pendingLine = index + 1
            }
            if trimmed.hasSuffix("\\") {
                pending += String(trimmed.dropLast()) + " "
            } else {
                pending += trimmed
                logical.append((pending, pendingLine))
                pending = ""
            }
        }
        if !pending.isEmpty { logical.append((pending, pendingLine)) }

        for (text, line) in logical {
            let keyword = String(text.prefix { !$0.isWhitespace }).uppercased()
            let arguments = String(text.dropFirst(keyword.count)).trimmingCharacters(in: .whitespaces)
            if keyword == "FROM" {
                let words = arguments.split(separator: " ").map(String.init).filter { !$0.hasPrefix("--") }
                let name = words.count >= 3 && words[1].lowercased() == "as" ? words[2] : nil
                stages.append(Stage(name: name, base: words.first ?? ""))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(Instruction(keyword: keyword, arguments: arguments, line: line))
            }
        }
    }

    func stage(named name: String) -> Stage? { stages.first { $0.name == name } }

    /// ENV of a stage, including what it inherits from earlier stages it is built `FROM`.
    func environment(of stage: Stage) -> [String: String] {
        var result: [String: String] = [:]
        if let parent = self.stage(named: stage.base) {
            result = environment(of: parent)
        }
        for instruction in stage.all("ENV") {
            for (key, value) in Self.parseEnv(instruction.arguments) { result[key] = value }
        }
        return result
    }

    /// `ENV K=V K2="v 2"` or the legacy `ENV K V`.
    static func parseEnv(_ arguments: String) -> [(String, String)] {
        guard arguments.contains("=") else {
            let parts = arguments.split(separator: " ", maxSplits: 1).map(String.init)
            return parts.count == 2 ? [(parts[0], parts[1])] : []
        }
        var pairs: [(String, String)] = []
        var word = ""
        var quote: Character?
        func flush() {
            if let equals = word.firstIndex(of: "=") {
                pairs.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
            }
            word = ""
        }
        for character in arguments {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == " " || character == "\t" {
                flush()
            } else {
                word.append(character)
            }
        }
        flush()
        return pairs
    }
}
