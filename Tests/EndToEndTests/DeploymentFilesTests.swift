import Foundation
import Testing
import TestSupport

/// Keeps docker/, config/systemd/ and config/topics/ in lock-step with the executables: every flag
/// and StatusRelay env var those files hand to a binary must appear in that binary's `--help`
/// (run from STATUSRELAY_BIN_DIR), and the wiring between the files must hold (health checks on the
/// listen ports, secrets mounted where *_FILE points, the spool on a volume, ...).
/// `scripts/docker-lint.sh` adds what needs the docker client (compose config) and hadolint.
@Suite("Deployment files")
struct DeploymentFilesTests {
    /// Dockerfile target / compose build target -> executable.
    static let targets = ["ingress": "statusrelay-ingress", "consumer": "statusrelay-consumer", "cli": "statusrelay"]

    static func read(_ relativePath: String) throws -> String {
        let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent(relativePath)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func files(in folder: String, suffix: String) throws -> [String] {
        let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(suffix) }.sorted().map { "\(folder)/\($0)" }
    }

    static func surfaces() async throws -> [String: HelpSurface] {
        var result: [String: HelpSurface] = [:]
        for executable in Set(targets.values) {
            result[executable] = try await HelpSurface.load(executable)
        }
        return result
    }

    // MARK: - Usages

    static func dockerfileUsages(_ dockerfile: Dockerfile, file: String) -> [SettingUsage] {
        var usages: [SettingUsage] = []
        for (target, executable) in targets {
            guard let stage = dockerfile.stage(named: target) else { continue }
            let location = "\(file) (target \(target))"
            for key in dockerfile.environment(of: stage).keys where SettingUsage.isOurs(environmentVariable: key) {
                usages.append(SettingUsage(kind: .environmentVariable, name: key, executable: executable, location: location))
            }
            for instruction in stage.instructions where ["RUN", "CMD", "ENTRYPOINT"].contains(instruction.keyword) {
                let words = instruction.execForm ?? [instruction.arguments]
                // CMD arguments go to the ENTRYPOINT (the executable); RUN/ENTRYPOINT only count
                // when they invoke it.
                guard instruction.keyword == "CMD" || words.joined(separator: " ").contains(executable) else { continue }
                for flag in words.flatMap(SettingUsage.flags(in:)) {
                    usages.append(SettingUsage(kind: .flag, name: flag, executable: executable, location: "\(location) line \(instruction.line)"))
                }
            }
        }
        return usages
    }

    static func composeUsages(_ compose: ComposeFile, file: String) -> [SettingUsage] {
        var usages: [SettingUsage] = []
        for service in compose.services.values {
            guard let target = service.buildTarget, let executable = targets[target] else { continue }
            let location = "\(file) (service \(service.name))"
            for key in service.environment.keys where SettingUsage.isOurs(environmentVariable: key) {
                usages.append(SettingUsage(kind: .environmentVariable, name: key, executable: executable, location: location))
            }
            for flag in SettingUsage.flags(in: service.commandLine) {
                usages.append(SettingUsage(kind: .flag, name: flag, executable: executable, location: location))
            }
            // Variables a shell entrypoint sets for the executable (`STATUSRELAY_SINKS="..." && export ...`).
            for name in SettingUsage.assignedVariables(in: service.commandLine) {
                usages.append(SettingUsage(kind: .environmentVariable, name: name, executable: executable, location: location))
            }
        }
        return usages
    }

    /// `Environment=`, `ExecStart*=` of a unit, or `KEY=VALUE` lines of an env example file.
    static func systemdUsages(_ text: String, file: String, executable: String) -> [SettingUsage] {
        var usages: [SettingUsage] = []
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.hasPrefix("#") && !line.hasPrefix(";") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            let value = String(line[line.index(after: equals)...])
            switch key {
            case "Environment":
                for (name, _) in Dockerfile.parseEnv(value) where SettingUsage.isOurs(environmentVariable: name) {
                    usages.append(SettingUsage(kind: .environmentVariable, name: name, executable: executable, location: file))
                }
            case "ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload":
                guard value.contains(executable) else { continue }
                for flag in SettingUsage.flags(in: value) {
                    usages.append(SettingUsage(kind: .flag, name: flag, executable: executable, location: file))
                }
            default:
                if SettingUsage.isOurs(environmentVariable: key) {
                    usages.append(SettingUsage(kind: .environmentVariable, name: key, executable: executable, location: file))
                }
            }
        }
        return usages
    }

    // MARK: - Settings against --help

    @Test("the Dockerfile uses only flags and env vars the executables document")
    func dockerfileSettingsExist() async throws {
        let surfaces = try await Self.surfaces()
        let usages = Self.dockerfileUsages(Dockerfile(text: try Self.read("docker/Dockerfile")), file: "docker/Dockerfile")
        #expect(usages.contains { $0.kind == .environmentVariable }, "no settings found: is the parser still right?")
        let violations = SettingUsage.violations(usages, surfaces: surfaces)
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test("every compose file uses only flags and env vars the executables document")
    func composeSettingsExist() async throws {
        let surfaces = try await Self.surfaces()
        let files = try Self.files(in: "docker", suffix: ".yaml").filter { $0.contains("compose") }
        #expect(files.count >= 2, "expected docker/compose.yaml and docker/compose.production.yaml")
        for file in files {
            let usages = Self.composeUsages(try ComposeFile(yaml: try Self.read(file)), file: file)
            #expect(Set(usages.map(\.executable)).isSuperset(of: ["statusrelay-ingress", "statusrelay-consumer"]), "\(file): ingress and consumer services expected")
            let violations = SettingUsage.violations(usages, surfaces: surfaces)
            #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
        }
    }

    @Test("the systemd units and their env examples use only documented settings")
    func systemdSettingsExist() async throws {
        let surfaces = try await Self.surfaces()
        var usages: [SettingUsage] = []
        for file in try Self.files(in: "config/systemd", suffix: ".service") + Self.files(in: "config/systemd", suffix: ".env.example") {
            let executable = file.contains("consumer") ? "statusrelay-consumer" : file.contains("reconcile") ? "statusrelay" : "statusrelay-ingress"
            usages += Self.systemdUsages(try Self.read(file), file: file, executable: executable)
        }
        #expect(usages.contains { $0.executable == "statusrelay-ingress" && $0.kind == .flag })
        let violations = SettingUsage.violations(usages, surfaces: surfaces)
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }

    @Test("config/*.yaml examples only use settings the executables document")
    func configExamplesUseKnownSettings() async throws {
        let surfaces = try await Self.surfaces()
        for (file, executable) in [
            ("config/ingress.yaml", "statusrelay-ingress"), ("config/consumer.yaml", "statusrelay-consumer"), ("config/reconcile.yaml", "statusrelay"),
        ] {
            let path = (TestEnvironment.repoRoot as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            // Top-level keys are flag names without dashes (commented-out keys are prose-ambiguous
            // and left to the executables' own --check-config tests).
            var usages: [SettingUsage] = []
            for line in try Self.read(file).split(separator: "\n") {
                guard let match = line.wholeMatch(of: /([a-z][a-z0-9-]*):(\s.*)?/) else { continue }
                usages.append(SettingUsage(kind: .flag, name: "--" + match.output.1, executable: executable, location: file))
            }
            let violations = SettingUsage.violations(usages, surfaces: surfaces)
            #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
        }
    }

    // MARK: - The executables accept the deployment files' configuration

    /// Stand-ins for the host variables the compose files require.
    static let hostVariables = ["STATUSRELAY_PUBLIC_URL": "https://status.example.com", "STATUSRELAY_NODE_ID": "test-edge-1"]
    /// Values of the secret files, so the checks can assert they are never printed.
    static let secretValues = ["twilio_auth_token": "test-auth-token-7f3a", "postgres_password": "test-db-password-9c1e", "twilio-auth-token": "test-auth-token-7f3a"]

    /// Runs each compose service's executable with `--check-config`, in the environment the image and
    /// the compose file give it (through its shell entrypoint when it has one), secrets from files.
    static func composeConfigChecks() async throws -> [(label: String, result: ConfigCheck.Result)] {
        let binDir = try TestEnvironment.binDir
        let dockerfile = Dockerfile(text: try read("docker/Dockerfile"))
        let secrets = try TestEnvironment.makeTemporaryDirectory("secrets")
        for (name, value) in secretValues {
            try value.write(toFile: (secrets as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func localize(_ text: String) -> String {
            text.replacingOccurrences(of: "/run/secrets/", with: secrets + "/")
                .replacingOccurrences(of: "/usr/local/bin/", with: binDir + "/")
        }
        var results: [(String, ConfigCheck.Result)] = []
        for file in try files(in: "docker", suffix: ".yaml").filter({ $0.contains("compose") }) {
            let compose = try ComposeFile(yaml: try read(file))
            for service in compose.services.values.sorted(by: { $0.name < $1.name }) {
                guard let target = service.buildTarget, let executable = targets[target], target != "cli",
                    let stage = dockerfile.stage(named: target)
                else { continue }
                var environment = dockerfile.environment(of: stage)
                for (key, value) in service.environment {
                    environment[key] = localize(ConfigCheck.interpolate(value, variables: hostVariables))
                }
                let result: ConfigCheck.Result
                if service.entrypoint.count >= 3, service.entrypoint[0] == "/bin/sh", service.entrypoint[1] == "-c" {
                    let script = localize(ConfigCheck.interpolate(service.entrypoint[2], variables: hostVariables))
                    result = try await ConfigCheck.run("/bin/sh", arguments: ["-c", script] + service.entrypoint.dropFirst(3) + ["--check-config"], environment: environment)
                } else {
                    result = try await ConfigCheck.run((binDir as NSString).appendingPathComponent(executable), arguments: ["--check-config"], environment: environment)
                }
                results.append(("\(file) service \(service.name)", result))
            }
        }
        return results
    }

    /// Runs each systemd unit's executable with `--check-config`, with its env example file, its
    /// `Environment=` lines and its credentials.
    static func systemdConfigChecks() async throws -> [(label: String, result: ConfigCheck.Result)] {
        let binDir = try TestEnvironment.binDir
        let state = try TestEnvironment.makeTemporaryDirectory("state")
        let credentials = try TestEnvironment.makeTemporaryDirectory("credentials")
        for (name, value) in secretValues {
            try value.write(toFile: (credentials as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        var results: [(String, ConfigCheck.Result)] = []
        for (unit, example, executable) in [
            ("config/systemd/statusrelay-ingress.service", "config/systemd/ingress.env.example", "statusrelay-ingress"),
            ("config/systemd/statusrelay-consumer.service", "config/systemd/consumer.env.example", "statusrelay-consumer"),
            ("config/systemd/statusrelay-reconcile.service", "config/systemd/reconcile.env.example", "statusrelay"),
        ] {
            var environment: [String: String] = ["CREDENTIALS_DIRECTORY": credentials]
            for line in try read(example).split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { environment[parts[0]] = parts[1] }
            }
            var command: [String] = []
            for line in try read(unit).split(separator: "\n").map(String.init) {
                if line.hasPrefix("Environment=") {
                    for (key, value) in Dockerfile.parseEnv(String(line.dropFirst("Environment=".count))) {
                        environment[key] = value.replacingOccurrences(of: "%S", with: state).replacingOccurrences(of: "%d", with: credentials)
                    }
                } else if line.hasPrefix("ExecStart=") {
                    command = line.dropFirst("ExecStart=".count).split(separator: " ").map {
                        $0.replacingOccurrences(of: "${CREDENTIALS_DIRECTORY}", with: credentials)
                            .replacingOccurrences(of: "/usr/local/bin/", with: binDir + "/")
                    }
                }
            }
            #expect(command.first?.hasSuffix(executable) == true, "\(unit): ExecStart should run \(executable)")
            guard let program = command.first else { continue }
            results.append((unit, try await ConfigCheck.run(program, arguments: Array(command.dropFirst()) + ["--check-config"], environment: environment)))
        }
        return results
    }

    @Test("the executables accept the configuration the compose files and systemd units give them")
    func deploymentConfigurationIsValid() async throws {
        let checks = try await Self.composeConfigChecks() + Self.systemdConfigChecks()
        #expect(checks.count >= 6, "expected ingress and consumer in both compose files and both units")
        for (label, result) in checks {
            #expect(result.status == 0, "\(label): --check-config failed:\n\(result.output.suffix(3000))")
        }
    }

    @Test("--check-config never prints the secrets the deployment files provide")
    func configurationReportHidesSecrets() async throws {
        let checks = try await Self.composeConfigChecks() + Self.systemdConfigChecks()
        for (label, result) in checks {
            for secret in Set(Self.secretValues.values) where result.output.contains(secret) {
                Issue.record("\(label): --check-config printed a secret from a secret file:\n\(result.output)")
            }
        }
        // Edges reach Kafka with SASL (README, config/systemd/ingress.env.example): the password
        // travels in --kafka-config and must not be printed either.
        let binDir = try TestEnvironment.binDir
        for executable in ["statusrelay-ingress", "statusrelay-consumer"] {
            let result = try await ConfigCheck.run(
                (binDir as NSString).appendingPathComponent(executable), arguments: ["--check-config"],
                environment: [
                    "TWILIO_AUTH_TOKEN": "test-auth-token-7f3a",
                    "STATUSRELAY_KAFKA_CONFIG": "security.protocol=SASL_SSL,sasl.mechanism=SCRAM-SHA-512,sasl.username=edge,sasl.password=test-sasl-password-5d2b",
                ]
            )
            #expect(result.status == 0, "\(executable): \(result.output)")
            #expect(!result.output.contains("test-sasl-password-5d2b"), "\(executable) --check-config printed sasl.password from --kafka-config:\n\(result.output)")
        }
    }

    /// The apt packages the Dockerfile's `runtime` stage installs.
    static func runtimePackages(_ dockerfile: Dockerfile) throws -> Set<String> {
        let runtime = try #require(dockerfile.stage(named: "runtime"), "no runtime stage")
        var packages: Set<String> = []
        for run in runtime.all("RUN") {
            guard let install = run.arguments.firstRange(of: "apt-get install") else { continue }
            let words = run.arguments[install.upperBound...].prefix { $0 != "&" }.split(whereSeparator: \.isWhitespace)
            packages.formUnion(words.filter { !$0.hasPrefix("-") }.map(String.init))
        }
        return packages
    }

    /// Runs a host tool and returns its standard output.
    static func tool(_ path: String, _ arguments: [String]) async throws -> String {
        try await ConfigCheck.run(path, arguments: arguments, environment: ["LC_ALL": "C"]).output
    }

    @Test("the runtime image installs a package for every shared library the executables load")
    func runtimeImageHasSharedLibraries() async throws {
        let packages = try Self.runtimePackages(Dockerfile(text: try Self.read("docker/Dockerfile")))
        #expect(packages.contains("libstdc++6") && packages.contains("curl"))
        let binDir = try TestEnvironment.binDir
        // The Swift runtime and Foundation are linked statically in the image (--static-swift-stdlib);
        // librdkafka is copied from the build stage. libc6 and libgcc-s1 are in every Debian image.
        func isProvidedOtherwise(_ soname: String) -> Bool {
            soname.hasPrefix("libswift") || soname.hasPrefix("libFoundation") || soname.hasPrefix("lib_Foundation")
                || ["libdispatch.so", "libBlocksRuntime.so", "librdkafka.so.1"].contains(soname)
        }
        var needed: [String: Set<String>] = [:]  // soname -> who needs it
        for executable in Set(Self.targets.values) {
            let path = (binDir as NSString).appendingPathComponent(executable)
            for soname in Self.neededLibraries(try await Self.tool("/usr/bin/readelf", ["-d", path])) {
                needed[soname, default: []].insert(executable)
            }
            // librdkafka's own dependencies, from the copy this binary loads.
            let ldd = try await Self.tool("/usr/bin/ldd", [path])
            if let line = ldd.split(separator: "\n").first(where: { $0.contains("librdkafka.so.1 => ") }),
                let library = line.split(separator: " ").first(where: { $0.hasPrefix("/") }) {
                for soname in Self.neededLibraries(try await Self.tool("/usr/bin/readelf", ["-d", String(library)])) {
                    needed[soname, default: []].insert("librdkafka (\(executable))")
                }
            }
        }
        #expect(needed["librdkafka.so.1"] != nil, "the executables should load librdkafka")
        for (soname, users) in needed.sorted(by: { $0.key < $1.key }) where !isProvidedOtherwise(soname) {
            let owners = try await Self.tool("/usr/bin/dpkg", ["-S", soname]).split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, (parts[1].split(separator: "/").last.map(String.init) == soname) else { return nil }
                return String(parts[0])
            }
            let package = try #require(owners.first, "\(soname) (needed by \(users.sorted())) belongs to no Debian package")
            #expect(
                packages.contains(package) || ["libc6", "libgcc-s1"].contains(package),
                "\(soname) (needed by \(users.sorted().joined(separator: ", "))) comes from \(package), which the runtime stage does not install"
            )
        }
    }

    static func neededLibraries(_ readelf: String) -> [String] {
        readelf.matches(of: /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/).map { String($0.output.1) }
    }

    // MARK: - Wiring (no binaries needed)

    @Test("Dockerfile: one non-root target per executable, health checks on the listen ports")
    func dockerfileTargets() throws {
        let dockerfile = Dockerfile(text: try Self.read("docker/Dockerfile"))
        let build = try #require(dockerfile.stage(named: "build"))
        let buildRun = build.all("RUN").map(\.arguments).joined(separator: " ")
        #expect(buildRun.contains("--static-swift-stdlib"))
        #expect(buildRun.contains("-rpath"), "librdkafka must be found through an rpath, never LD_LIBRARY_PATH")
        let instructions = dockerfile.stages.flatMap(\.instructions).map(\.arguments).joined(separator: "\n")
        #expect(!instructions.contains("LD_LIBRARY_PATH"))
        #expect(try #require(dockerfile.stages.first).base.contains("SWIFT_IMAGE"))

        for (target, executable) in Self.targets {
            let stage = try #require(dockerfile.stage(named: target), "missing target \(target)")
            let entrypoint = try #require(stage.all("ENTRYPOINT").last?.execForm, "\(target): exec-form ENTRYPOINT")
            #expect(entrypoint.first == "/usr/local/bin/\(executable)")
            // USER is inherited from the runtime stage.
            var user: String?
            var current: Dockerfile.Stage? = stage
            while let cursor = current, user == nil {
                user = cursor.all("USER").last?.arguments
                current = dockerfile.stage(named: cursor.base)
            }
            let uid = try #require(user, "\(target) sets no USER").split(separator: ":").first.map(String.init)
            #expect(uid != "root" && uid != "0", "\(target) runs as root")
        }

        for (target, listenVariable) in [("ingress", "STATUSRELAY_LISTEN"), ("consumer", "STATUSRELAY_ADMIN_LISTEN")] {
            let stage = try #require(dockerfile.stage(named: target))
            let listen = try #require(dockerfile.environment(of: stage)[listenVariable], "\(target) sets no \(listenVariable)")
            let port = try #require(listen.split(separator: ":").last.map(String.init))
            let healthcheck = try #require(stage.all("HEALTHCHECK").last?.arguments, "\(target) has no HEALTHCHECK")
            #expect(healthcheck.contains("127.0.0.1:\(port)/healthz"), "\(target): HEALTHCHECK must probe /healthz on \(listen)")
            #expect(stage.all("EXPOSE").contains { $0.arguments.split(separator: " ").contains(Substring(port)) })
        }
        let ingress = try #require(dockerfile.stage(named: "ingress"))
        let spool = try #require(dockerfile.environment(of: ingress)["STATUSRELAY_SPOOL_DIR"])
        #expect(ingress.all("VOLUME").contains { $0.arguments.contains(spool) }, "the ingress spool must be a VOLUME")
    }

    @Test("compose: builds, secrets, spool volume, topics and health checks are wired")
    func composeWiring() throws {
        let dockerfile = Dockerfile(text: try Self.read("docker/Dockerfile"))
        for file in try Self.files(in: "docker", suffix: ".yaml").filter({ $0.contains("compose") }) {
            let compose = try ComposeFile(yaml: try Self.read(file))
            let ours = compose.services.values.filter { $0.buildTarget.flatMap { Self.targets[$0] } != nil }
            for service in ours {
                #expect(service.buildDockerfile == "docker/Dockerfile", "\(file) \(service.name)")
                #expect(dockerfile.stage(named: service.buildTarget ?? "") != nil, "\(file) \(service.name): no such Dockerfile target")
                for (key, value) in service.environment where key.hasSuffix("_FILE") && value.hasPrefix("/run/secrets/") {
                    let secret = String(value.dropFirst("/run/secrets/".count))
                    #expect(service.secrets.contains(secret), "\(file) \(service.name): \(key) points at secret \(secret), which is not mounted")
                    #expect(compose.secretNames.contains(secret), "\(file): secret \(secret) is not declared")
                }
                #expect(service.environment["TWILIO_AUTH_TOKEN"] == nil, "\(file) \(service.name): the Auth Token belongs in a secret file")
            }
            let ingress = try #require(compose.services["ingress"], "\(file): no ingress service")
            let spool = try #require(ingress.environment["STATUSRELAY_SPOOL_DIR"], "\(file): ingress spool dir not set")
            #expect(ingress.volumeTargets.contains(spool), "\(file): the ingress spool \(spool) must be on a volume")
            #expect(ingress.environment["TWILIO_AUTH_TOKEN_FILE"] != nil, "\(file): ingress has no Auth Token")

            let topicInit = try #require(compose.services["topic-init"], "\(file): no topic-init service")
            #expect(topicInit.environment["TOPIC"] == ingress.environment["STATUSRELAY_TOPIC"])
            #expect(topicInit.volumeTargets.contains { $0.hasSuffix("create-topics.sh") })
            let consumer = try #require(compose.services["consumer"], "\(file): no consumer service")
            #expect(consumer.environment["STATUSRELAY_TOPIC"] == ingress.environment["STATUSRELAY_TOPIC"])
            let setsSinks = SettingUsage.flags(in: consumer.commandLine).contains("--sink")
                || consumer.environment["STATUSRELAY_SINKS"] != nil
                || SettingUsage.assignedVariables(in: consumer.commandLine).contains("STATUSRELAY_SINKS")
            #expect(setsSinks, "\(file): the consumer has no sinks")
            #expect(!consumer.commandLine.contains("postgres://") || consumer.commandLine.contains("/run/secrets/"), "\(file): database password must come from a secret")

            let kafka = compose.services.values.filter { $0.image?.contains("kafka") == true && $0.name.hasPrefix("kafka") }
            #expect(!kafka.isEmpty && kafka.allSatisfy(\.hasHealthcheck), "\(file): every Kafka node needs a healthcheck")
            #expect(compose.services["postgres"]?.hasHealthcheck == true)
        }
        let production = try ComposeFile(yaml: try Self.read("docker/compose.production.yaml"))
        let nodes = production.services.values.filter { $0.name.hasPrefix("kafka-") }
        #expect(nodes.count == 3)
        for node in nodes {
            #expect(node.environment["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3", "\(node.name)")
            #expect(node.environment["KAFKA_MIN_INSYNC_REPLICAS"] == "2", "\(node.name)")
            #expect(node.environment["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false", "\(node.name)")
        }
        #expect(production.services["topic-init"]?.environment["REPLICATION_FACTOR"] == "3")
        #expect(production.services["topic-init"]?.environment["MIN_INSYNC_REPLICAS"] == "2")
    }

    @Test("the topic script creates every topic the executables use, with compaction where needed")
    func topicScript() async throws {
        // Runs the real script against stand-ins for Kafka's tools that record their arguments.
        let directory = try TestEnvironment.makeTemporaryDirectory("topics")
        let log = (directory as NSString).appendingPathComponent("calls.log")
        for tool in ["kafka-topics.sh", "kafka-configs.sh"] {
            let path = (directory as NSString).appendingPathComponent(tool)
            try "#!/bin/sh\necho \"\(tool) $*\" >> \"$CALLS_LOG\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let script = (TestEnvironment.repoRoot as NSString).appendingPathComponent("config/topics/create-topics.sh")
        let process = try ChildProcess("/bin/sh", arguments: [script], environment: [
            "KAFKA_BIN": directory, "CALLS_LOG": log, "BOOTSTRAP_SERVERS": "k1:9092,k2:9092",
            "PARTITIONS": "24", "REPLICATION_FACTOR": "3", "MIN_INSYNC_REPLICAS": "2", "WAIT_SECONDS": "4",
        ])
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .exited(0), "\(process.output())")
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)

        // The ingress's and consumer's defaults name these topics (see their --help).
        let expected: [(String, String, String)] = [
            ("twilio.message-status", "24", "delete"), ("twilio.message-status.rejected", "3", "delete"),
            ("twilio.message-status.dlq", "3", "delete"), ("twilio.message-status.state.statusrelay", "24", "compact"),
            ("twilio.message-status.ordered", "24", "delete"),
        ]
        for (topic, partitions, policy) in expected {
            let create = try #require(calls.first { $0.hasPrefix("kafka-topics.sh") && $0.contains("--create") && $0.contains("--topic \(topic) ") }, "\(topic) not created")
            #expect(create.contains("--if-not-exists"))
            #expect(create.contains("--bootstrap-server k1:9092,k2:9092"))
            #expect(create.contains("--partitions \(partitions) --replication-factor 3"), "\(create)")
            #expect(create.contains("--config cleanup.policy=\(policy) "), "\(create)")
            #expect(create.contains("--config min.insync.replicas=2"), "\(create)")
            let alter = try #require(calls.first { $0.hasPrefix("kafka-configs.sh") && $0.contains("--entity-name \(topic) ") }, "\(topic) configs not enforced")
            #expect(alter.contains("--add-config cleanup.policy=\(policy),"), "\(alter)")
            if policy == "delete" {
                #expect(alter.contains("retention.ms="), "\(topic) needs an explicit retention")
            }
        }
    }

    @Test("the topic script's topic names are the executables' defaults")
    func topicNamesMatchDefaults() async throws {
        let script = try Self.read("config/topics/create-topics.sh")
        let ingress = try await Self.helpText("statusrelay-ingress")
        let consumer = try await Self.helpText("statusrelay-consumer")
        #expect(ingress.contains("default: twilio.message-status)") && script.contains("TOPIC=${TOPIC:-twilio.message-status}"))
        for (help, suffix, scriptSuffix) in [
            (ingress, ".rejected", ".rejected"), (consumer, ".dlq", ".dlq"), (consumer, ".state.<group>", ".state.$GROUP"),
        ] {
            #expect(help.contains("<topic>\(suffix)"), "--help no longer names <topic>\(suffix)")
            #expect(script.contains("topic \"$TOPIC\(scriptSuffix)\""), "create-topics.sh does not create <topic>\(suffix)")
        }
        #expect(consumer.contains("default: statusrelay)") && script.contains("GROUP=${GROUP:-statusrelay}"))
    }

    static func helpText(_ executable: String) async throws -> String {
        let path = (try TestEnvironment.binDir as NSString).appendingPathComponent(executable)
        let process = try ChildProcess(path, arguments: ["--help"], environment: ["COLUMNS": "200"])
        try await process.waitForExit(timeout: .seconds(30))
        // Unwrap ArgumentParser's line wrapping so phrases can be searched.
        return process.output().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    // MARK: - The checker itself

    @Test("the checker reports an unknown flag and env var")
    func checkerCatchesUnknownSettings() throws {
        let help = """
            USAGE: statusrelay-ingress [--listen <listen>] [--auth-token-file <auth-token-file>]
            OPTIONS:
              --listen <listen>       Address to listen on (env: STATUSRELAY_LISTEN, default:
                                      127.0.0.1:8080)
              --auth-token-file <auth-token-file>
                                      Read --auth-token from this file instead (env:
                                      TWILIO_AUTH_TOKEN_FILE).
              -h, --help              Show help information.
            """
        let surface = HelpSurface(executable: "statusrelay-ingress", helpText: help)
        #expect(surface.flags == ["--listen", "--auth-token-file", "--auth-token", "--help"])
        #expect(HelpSurface(executable: "statusrelay", helpText: "  --topic <t>  Topic (env STATUSRELAY_TOPIC; default x).").environmentVariables == ["STATUSRELAY_TOPIC"])
        #expect(HelpSurface.subcommands(in: "USAGE: x\n\nSUBCOMMANDS:\n  send                    Post callbacks\n                          more text\n  replay                  Replay\n\n  See 'x help <subcommand>'.\n") == ["send", "replay"])
        #expect(surface.environmentVariables == ["STATUSRELAY_LISTEN", "TWILIO_AUTH_TOKEN_FILE"])

        let compose = try ComposeFile(yaml: """
            x-env: &env
              STATUSRELAY_LISTEN: 0.0.0.0:8080
            services:
              ingress:
                build: {context: .., dockerfile: docker/Dockerfile, target: ingress}
                environment:
                  <<: *env
                  TWILIO_AUTH_TOKEN_FILE: /run/secrets/t
                  STATUSRELAY_NOT_A_SETTING: "1"
                  KAFKA_HEAP_OPTS: -Xmx1g
                entrypoint: ["/bin/sh", "-c", "STATUSRELAY_LISTEN=x STATUSRELAY_UNKNOWN_ASSIGNED=\\"$$(cat f)\\" && exec statusrelay-ingress"]
                command: ["--listen", "0.0.0.0:8080", "--no-such-flag=1"]
            """)
        let violations = SettingUsage.violations(Self.composeUsages(compose, file: "test.yaml"), surfaces: [surface.executable: surface])
        #expect(Set(violations.map(\.name)) == ["STATUSRELAY_NOT_A_SETTING", "STATUSRELAY_UNKNOWN_ASSIGNED", "--no-such-flag"])

        let dockerfile = Dockerfile(text: """
            FROM debian AS runtime
            ENV STATUSRELAY_LISTEN=0.0.0.0:8080
            FROM runtime AS ingress
            ENV STATUSRELAY_TYPO=1 \\
                OTHER=2
            RUN ["/usr/local/bin/statusrelay-ingress", "--bogus"]
            ENTRYPOINT ["/usr/local/bin/statusrelay-ingress"]
            """)
        let dockerViolations = SettingUsage.violations(Self.dockerfileUsages(dockerfile, file: "Dockerfile"), surfaces: [surface.executable: surface])
        #expect(Set(dockerViolations.map(\.name)) == ["STATUSRELAY_TYPO", "--bogus"])

        let unit = "Environment=STATUSRELAY_LISTEN=x STATUSRELAY_NOPE=y\nExecStart=/usr/local/bin/statusrelay-ingress --listen x --nope\n"
        let unitViolations = SettingUsage.violations(Self.systemdUsages(unit, file: "u", executable: "statusrelay-ingress"), surfaces: [surface.executable: surface])
        #expect(Set(unitViolations.map(\.name)) == ["STATUSRELAY_NOPE", "--nope"])
    }
}
