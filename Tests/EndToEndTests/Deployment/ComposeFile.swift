import Foundation
import Yams

/// The parts of a compose file the deployment checks read, per service, from the raw YAML
/// (anchors and `<<` merges resolved by Yams; `${VAR}` interpolation left as written).
struct ComposeFile: Sendable {
    struct Service: Sendable {
        var name: String
        var image: String?
        var buildTarget: String?
        var buildDockerfile: String?
        var environment: [String: String]
        /// `entrypoint` and `command`, joined.
        var commandLine: String
        /// `entrypoint` as a list (a string is one word).
        var entrypoint: [String]
        var secrets: [String]
        /// Container paths of `volumes` entries.
        var volumeTargets: [String]
        var hasHealthcheck: Bool
    }

    var services: [String: Service] = [:]
    var secretNames: Set<String> = []
    var volumeNames: Set<String> = []

    init(yaml: String) throws {
        guard let root = try Yams.load(yaml: yaml) as? [String: Any] else {
            throw ComposeFileError(message: "not a YAML mapping")
        }
        for (name, value) in root["services"] as? [String: Any] ?? [:] {
            guard let service = value as? [String: Any] else { continue }
            services[name] = Self.service(name: name, service)
        }
        secretNames = Set((root["secrets"] as? [String: Any] ?? [:]).keys)
        volumeNames = Set((root["volumes"] as? [String: Any] ?? [:]).keys)
    }

    private static func service(name: String, _ raw: [String: Any]) -> Service {
        var target: String?
        var dockerfile: String?
        if let build = raw["build"] as? [String: Any] {
            target = build["target"].map(scalar)
            dockerfile = build["dockerfile"].map(scalar)
        }
        var environment: [String: String] = [:]
        if let mapping = raw["environment"] as? [String: Any] {
            for (key, value) in mapping { environment[key] = value is NSNull ? "" : scalar(value) }
        } else if let list = raw["environment"] as? [Any] {
            for item in list.map(scalar) {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                environment[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
        }
        let commandLine = ["entrypoint", "command"].compactMap { key -> String? in
            if let list = raw[key] as? [Any] { return list.map(scalar).joined(separator: " ") }
            return raw[key].map(scalar)
        }.joined(separator: " ")
        let entrypoint: [String] = (raw["entrypoint"] as? [Any]).map { $0.map(scalar) } ?? raw["entrypoint"].map { [scalar($0)] } ?? []
        let secrets = (raw["secrets"] as? [Any] ?? []).map { item -> String in
            if let long = item as? [String: Any], let source = long["source"] { return scalar(source) }
            return scalar(item)
        }
        let volumes = (raw["volumes"] as? [Any] ?? []).compactMap { item -> String? in
            if let long = item as? [String: Any] { return long["target"].map(scalar) }
            let parts = scalar(item).split(separator: ":").map(String.init)
            return parts.count >= 2 ? parts[1] : parts.first
        }
        return Service(
            name: name, image: raw["image"].map(scalar), buildTarget: target, buildDockerfile: dockerfile,
            environment: environment, commandLine: commandLine, entrypoint: entrypoint, secrets: secrets, volumeTargets: volumes,
            hasHealthcheck: raw["healthcheck"] != nil
        )
    }

    private static func scalar(_ value: Any) -> String {
        if let string = value as? String { return string }
        return "\(value)"
    }
}
